"""The audit administrator's pages: the log with its filters, its .xlsx export, the chain's check."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from mingjing.audit.chain import verify
from mingjing.audit.forms import AuditFilterForm
from mingjing.audit.selectors import audit_events, audit_rows, audit_scope
from mingjing.audit.services import audit_record
from mingjing.lib.http import xlsx_response
from mingjing.lib.xlsx import write_sheet

PAGE_SIZE = 50
EXPORT_LIMIT = 100_000
HEADERS = ["编号", "时间", "人员（角色）", "单位", "类型", "事件", "哈希算法", "前一条哈希", "本条哈希"]


def _filtered(request: HttpRequest) -> tuple[AuditFilterForm, object]:
    audit_scope(request.user)  # 403 for anyone but an audit administrator
    form = AuditFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    return form, audit_events(user=request.user, filters=filters)


@login_required
def log(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    page = Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "audit/log.html",
        {
            "form": form,
            "page": page,
            "rows": audit_rows(list(page.object_list)),
            "query": query.urlencode(),
            "verification": verify(),
        },
    )


@login_required
def export(request: HttpRequest) -> HttpResponse:
    form, events = _filtered(request)
    rows = audit_rows(list(events[:EXPORT_LIMIT]))
    content = write_sheet(
        HEADERS,
        (
            [
                r["event"].pk,
                r["time"],
                r["who"],
                r["unit"],
                r["type"],
                r["text"],
                r["event"].algorithm,
                r["event"].prev_hash,
                r["event"].hash,
            ]
            for r in rows
        ),
        title="审计记录",
    )
    with transaction.atomic():
        audit_record(actor=request.user, event_type="audit.exported", extra={"count": len(rows)})
    return xlsx_response(content, f"审计记录-{timezone.localdate():%Y%m%d}.xlsx")
