"""The superior's overview (/oversight/): one row per unit below, filters, sort, pages, .xlsx."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mingjing.audit.services import audit_record
from mingjing.lib.dates import cn_date, today
from mingjing.lib.http import xlsx_response
from mingjing.lib.xlsx import write_sheet
from mingjing.oversight.selectors import SORT_LABELS, STATES, oversight_units, oversight_years, overview_rows
from mingjing.yearconfigs.models import MeetingKind

PAGE_SIZE = 50
HEADERS = [
    "单位",
    "会议",
    "会议进度",
    "逾期情况",
    "请示同意日期",
    "会议召开日期",
    "情况报告报送日期",
    "整改事项总数",
    "已销号",
    "逾期未销号",
]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _filters(request: HttpRequest) -> dict:
    oversight_units(request.user)  # 403 before anything else for whom reads no meeting
    years = oversight_years()
    year = _int(request.GET.get("year")) or (years[0] if years else today().year)
    kind = request.GET.get("kind") or MeetingKind.ANNUAL
    if kind not in MeetingKind.values:
        kind = MeetingKind.ANNUAL
    sort = request.GET.get("sort") or "unit"
    return {
        "year": year,
        "kind": kind,
        "subtree": _int(request.GET.get("subtree")),
        "state": request.GET.get("state") or "",
        "sort": sort if sort in SORT_LABELS else "unit",
        "years": years if year in years else sorted({*years, year}, reverse=True),
    }


def _rows(request: HttpRequest, f: dict):
    return overview_rows(
        user=request.user, year=f["year"], kind=f["kind"], subtree=f["subtree"], state=f["state"], sort=f["sort"]
    )


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    rows, units = _rows(request, f)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    # Units with units below them in reach: the subtree choices (a few, not every unit).
    with_children = {u.parent_id for u in units}
    parents = [u for u in units if u.pk in with_children]
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "f": f,
        "page": page,
        "total": len(rows),
        "late_count": sum(1 for r in rows if r.lateness == "red"),
        "kinds": list(MeetingKind.choices),
        "states": list(STATES.items()),
        "sorts": list(SORT_LABELS.items()),
        "parents": parents,
        "query": query.urlencode(),
    }
    return render(request, "oversight/overview.html", context)


@login_required
def export(request: HttpRequest) -> HttpResponse:
    f = _filters(request)
    rows, _ = _rows(request, f)
    content = write_sheet(
        HEADERS,
        (
            [
                r.unit.name,
                r.meeting.title if r.meeting else "",
                r.state,
                r.lateness_label,
                cn_date(r.request_approved_on),
                cn_date(r.held_on),
                cn_date(r.report_on) + ("（逾期）" if r.report_late else ""),
                r.items_total,
                r.items_closed,
                r.items_overdue,
            ]
            for r in rows
        ),
        title=f"{f['year']}年度总览",
    )
    with transaction.atomic():
        audit_record(actor=request.user, event_type="oversight.exported", extra={"count": len(rows), "year": f["year"]})
    return xlsx_response(content, f"民主生活会总览-{f['year']}.xlsx")
