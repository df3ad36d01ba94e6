from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mingjing.accounts.policy import Ability, policy_for
from mingjing.audit.selectors import history_for_object
from mingjing.audit.services import audit_download
from mingjing.documents.pdf import PdfError, pdf_available
from mingjing.documents.registry import kinds
from mingjing.documents.render import DOCX, PDF, filename_for, render_document
from mingjing.documents.selectors import (
    get_document_kind,
    get_member_for_meeting,
    override_counts,
    override_rows,
    overrides_for,
    setting_for,
    settings_options,
)
from mingjing.documents.services import (
    check_member,
    document_setting_save,
    paragraph_override_reset,
    paragraph_override_save,
)
from mingjing.lib.dates import today
from mingjing.lib.http import XLSX, attachment
from mingjing.meetings.selectors import get_meeting_for_user, meeting_roster
from mingjing.opinions.address import request_address

CONTENT_TYPES = {"docx": DOCX, "pdf": PDF, "xlsx": XLSX}


@login_required
def document_list(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    policy = policy_for(user=request.user, meeting=meeting)
    team = [e for e in meeting_roster(meeting=meeting) if e.team_role in {"principal", "member"}]
    counts = override_counts(meeting=meeting)
    rows = []
    for kind in kinds():
        members = [(e, counts.get((kind.kind, e.pk), 0)) for e in team if kind.visible_to(policy, e)]
        if kind.needs_member and not members:
            continue
        if not kind.needs_member and not kind.visible_to(policy, None):
            continue
        members = members if kind.needs_member else []
        rows.append({"kind": kind, "edited": counts.get((kind.kind, None), 0), "members": members})
    context = {"meeting": meeting, "rows": rows, "pdf": pdf_available(), "policy": policy}
    return render(request, "documents/list.html", context)


def _kind_and_member(request: HttpRequest, meeting, kind_code: str, member_pk):
    kind = get_document_kind(kind_code)
    member = get_member_for_meeting(meeting=meeting, pk=member_pk)
    try:
        check_member(kind=kind, meeting=meeting, member=member)
    except ValidationError as exc:
        raise Http404(exc.messages[0]) from exc
    kind.require_read(policy_for(user=request.user, meeting=meeting), member)
    return kind, member


@login_required
def document_download(request: HttpRequest, meeting_id: int, kind: str) -> HttpResponse:
    """?format=docx|pdf|xlsx&member=<roster entry id>: whoever may read that document (its kind's
    ability in the policy) downloads it."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    kind_obj, member = _kind_and_member(request, meeting, kind, request.GET.get("member"))
    fmt = request.GET.get("format", "docx" if kind_obj.docx else "xlsx")
    if fmt not in CONTENT_TYPES or (fmt == "xlsx" and not kind_obj.xlsx) or (fmt != "xlsx" and not kind_obj.docx):
        raise Http404(f"《{kind_obj.label}》没有 {fmt} 格式")
    overrides = overrides_for(meeting=meeting, kind=kind_obj.kind, member=member)
    try:
        with request_address(request):  # the printed 征求意见表's QR code: this page's address
            content = render_document(kind=kind_obj, meeting=meeting, member=member, overrides=overrides, fmt=fmt)
    except PdfError as exc:
        messages.error(request, str(exc))
        return redirect("documents:list", meeting_id=meeting.pk)
    filename = filename_for(kind=kind_obj, meeting=meeting, member=member, fmt=fmt)
    audit_download(request=request, what="文书", filename=filename, obj=meeting, organization=meeting.organization)
    return attachment(content, filename, CONTENT_TYPES[fmt])


def _preview(request: HttpRequest, meeting, kind, member, *, error: tuple[str, str, list[str]] | None = None):
    policy = policy_for(user=request.user, meeting=meeting)
    stored = {o.key: o for o in override_rows(meeting=meeting, kind=kind.kind, member=member).select_related(
        "updated_by", "updated_by__person")}  # fmt: skip
    setting = setting_for(meeting=meeting, kind=kind.kind, member=member)
    with request_address(request):  # the 征求意见表's QR code and address: this page's, as downloaded
        doc = kind.build_docx(meeting, member, {k: o.text for k, o in stored.items()} | settings_options(setting))
    keys = {b.key for b in doc.editable}
    blocks = []
    for block in doc.blocks:
        override = stored.get(block.key) if block.key else None
        blocks.append(
            {
                "block": block,
                "override": override,
                "stale": override is not None and override.base_text != block.generated,
                "error": error[1] if error and error[0] == block.key else "",
                "errors": error[2] if error and error[0] == block.key else [],
            }
        )
    if error and error[0] not in keys:
        for message in error[2]:
            messages.error(request, message)
    orphans = [o for k, o in stored.items() if k not in keys]
    history = [
        line for line in history_for_object(meeting) if line.event.extra.get("kind") == kind.kind
        and line.event.event_type.startswith("document.")
    ]  # fmt: skip
    query = f"?member={member.pk}" if member else ""
    context = {
        "meeting": meeting,
        "kind": kind,
        "member": member,
        "doc": doc,
        "blocks": blocks,
        "orphans": orphans,
        "policy": policy,
        "pdf": pdf_available(),
        "query": query,
        "history": history,
        "setting": setting,
        "sections": [
            (key, label, key not in (setting.sections_off if setting else [])) for key, label in kind.sections
        ],
        "today": today(),
        **(_report_receipt(request, meeting, policy) if kind.kind == "report" else {}),
    }
    return render(request, "documents/preview.html", context, status=400 if error else 200)


def _report_receipt(request: HttpRequest, meeting, policy) -> dict:
    """The superior's receipt of the 情况报告 (reports app), and the body a reviewer receives for."""
    from mingjing.plans.services import reviewer_body
    from mingjing.reports.models import ReportReceipt

    review = policy.can(Ability.REVIEW)
    return {
        "receipt": ReportReceipt.objects.filter(meeting=meeting).first(),
        "receipt_body": reviewer_body(user=request.user, meeting=meeting) if review else "",
        "may_receive": review,
    }


@login_required
def document_preview(request: HttpRequest, meeting_id: int, kind: str) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    kind_obj, member = _kind_and_member(request, meeting, kind, request.GET.get("member"))
    if not kind_obj.docx:
        raise Http404(f"《{kind_obj.label}》只有表格格式，请直接下载")
    return _preview(request, meeting, kind_obj, member)


def _back(meeting, kind, member, key: str = "") -> str:
    url = reverse("documents:preview", args=[meeting.pk, kind.kind])
    return url + (f"?member={member.pk}" if member else "") + (f"#p-{key}" if key else "")


@login_required
@require_POST
def paragraph_save(request: HttpRequest, meeting_id: int, kind: str) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    kind_obj, member = _kind_and_member(request, meeting, kind, request.POST.get("member"))
    key, text = request.POST.get("key", ""), request.POST.get("text", "")
    try:
        paragraph_override_save(actor=request.user, meeting=meeting, kind=kind_obj, member=member, key=key, text=text)
    except ValidationError as exc:
        return _preview(request, meeting, kind_obj, member, error=(key, text, exc.messages))
    if text.strip():
        messages.success(request, "段落已修改；重新生成文书时保留您的修改，直到点“恢复自动生成”")
    else:
        messages.success(request, "该段已删去，不再印在文书中；点“恢复自动生成”可恢复")
    return redirect(_back(meeting, kind_obj, member, key))


@login_required
@require_POST
def paragraph_reset(request: HttpRequest, meeting_id: int, kind: str) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    kind_obj, member = _kind_and_member(request, meeting, kind, request.POST.get("member"))
    key = request.POST.get("key", "")
    override = override_rows(meeting=meeting, kind=kind_obj.kind, member=member).filter(key=key).first()
    if override is None:
        messages.info(request, "该段落没有修改，无需恢复")
    else:
        paragraph_override_reset(actor=request.user, override=override, kind=kind_obj)
        messages.success(request, "已恢复为根据记录自动生成的内容")
    return redirect(_back(meeting, kind_obj, member, key))


@login_required
@require_POST
def document_settings(request: HttpRequest, meeting_id: int, kind: str) -> HttpResponse:
    """The document's 成文日期 and the optional sections printed (unchecked ones are left out)."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    kind_obj, member = _kind_and_member(request, meeting, kind, request.POST.get("member"))
    raw = request.POST.get("dated_on", "").strip()
    try:
        dated = dt.date.fromisoformat(raw) if raw else None
    except ValueError:
        messages.error(request, f"成文日期“{raw}”不是有效的日期，请按“2026-01-05”的格式填写")
        return redirect(_back(meeting, kind_obj, member, "settings"))
    shown = set(request.POST.getlist("section"))
    off = [key for key, _ in kind_obj.sections if key not in shown]
    try:
        document_setting_save(
            actor=request.user, meeting=meeting, kind=kind_obj, member=member, dated_on=dated, sections_off=off
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "文书设置已保存")
    return redirect(_back(meeting, kind_obj, member, "settings"))
