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
from mingjing.oversight.selectors import (
    SORT_LABELS,
    STATES,
    add_compliance,
    oversight_years,
    overview_rows,
    require_oversight,
)
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
    "不符合的合规检查项",
]


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


def _filters(request: HttpRequest) -> dict:
    require_oversight(request.user)  # 403 before anything else for whom reads no meeting
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
    add_compliance(page.object_list)  # the rows shown only: the rules are judged for their meetings at once
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
    rows = add_compliance(_rows(request, f)[0])
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
                "" if r.rules_broken is None else r.rules_broken,
            ]
            for r in rows
        ),
        title=f"{f['year']}年度总览",
    )
    with transaction.atomic():
        audit_record(actor=request.user, event_type="oversight.exported", extra={"count": len(rows), "year": f["year"]})
    return xlsx_response(content, f"民主生活会总览-{f['year']}.xlsx")


@login_required
def summary(request: HttpRequest) -> HttpResponse:
    """The same figures as a printable table (汇总表) for the 组织部's own report: every row, no pages."""
    f = _filters(request)
    rows = add_compliance(_rows(request, f)[0])
    context = {
        "f": f,
        "rows": rows,
        "kind_label": MeetingKind(f["kind"]).label,
        "today": today(),
        "totals": {
            "units": len(rows),
            "meetings": sum(1 for r in rows if r.meeting),
            "held": sum(1 for r in rows if r.held_on),
            "reported": sum(1 for r in rows if r.report_on),
            "report_late": sum(1 for r in rows if r.report_late),
            "late": sum(1 for r in rows if r.lateness == "red"),
            "with_broken_rules": sum(1 for r in rows if r.rules_broken),
            "items_total": sum(r.items_total for r in rows),
            "items_closed": sum(r.items_closed for r in rows),
            "items_overdue": sum(r.items_overdue for r in rows),
        },
    }
    return render(request, "oversight/summary.html", context)
