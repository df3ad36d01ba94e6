from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from mingjing.accounts.policy import Ability, policy_for
from mingjing.audit.selectors import history_for_object
from mingjing.audit.services import actor_display_name
from mingjing.lib.forms import XlsxUploadForm, filled_rows, rows_formset
from mingjing.lib.http import xlsx_response
from mingjing.lib.views import form_page
from mingjing.meetings.models import HalfDay, Meeting, RosterEntry
from mingjing.meetings.selectors import get_meeting_for_user
from mingjing.minutes.autosave import ROW_KINDS, autosave, error_message
from mingjing.minutes.forms import CriticismRowForm
from mingjing.minutes.importing import COLUMNS, criticisms_import, template_xlsx
from mingjing.minutes.models import AgendaItem, Criticism, MeetingRecord, Presence
from mingjing.minutes.rules import criticism_warning
from mingjing.minutes.selectors import Minutes, minutes_for_meeting, record_for_meeting
from mingjing.minutes.services import (
    CriticismRow,
    agenda_item_add,
    agenda_item_move,
    criticism_add,
    criticisms_add_many,
    finalise_problems,
    minutes_finalise,
    minutes_reopen,
    minutes_row_remove,
    minutes_start,
    minutes_sync_roster,
    observer_add,
    record_quorum,
    supervisor_present_add,
)


def _record_or_404(meeting: Meeting) -> MeetingRecord:
    record = record_for_meeting(meeting=meeting)
    if record is None:
        raise Http404("本次会议尚未开始会议记录")
    record.meeting = meeting
    return record


def text_limits() -> dict[str, int]:
    """Each free-text field's limit by "<kind>_<field>" (record_place, criticism_text …): the live
    page shows it beside the field and sets maxlength; the services refuse more."""
    limits = {}
    for kind, model in {"record": MeetingRecord, **ROW_KINDS}.items():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField) and field.max_length and not field.choices:
                limits[f"{kind}_{field.name}"] = field.max_length
    return limits


def _posted_id(request: HttpRequest, name: str) -> int:
    """A posted row id; 0 (matches nothing) when it is not a number."""
    value = request.POST.get(name, "").strip()
    return int(value) if value.isascii() and value.isdigit() and len(value) <= 18 else 0


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


@login_required
def minutes_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The read-only record, for everyone who may read the meeting."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    minutes = minutes_for_meeting(meeting)
    policy = policy_for(user=request.user, meeting=meeting)
    editable = minutes is not None and policy.flags["edit"] and not minutes.record.is_final
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "policy": policy,
        "history": history_for_object(minutes.record) if minutes else [],
        "blocking": finalise_problems(minutes.record) if editable else {},
    }
    return render(request, "minutes/detail.html", context)


@login_required
@require_POST
def minutes_begin(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    try:
        minutes_start(actor=request.user, meeting=meeting, recorder=actor_display_name(request.user))
    except ValidationError as exc:
        messages.error(request, error_message(exc))
        return redirect("minutes:detail", meeting_id=meeting.pk)
    messages.success(request, "已开始会议记录：出席情况按班子名单预填为全部出席，议程按年度配置生成")
    return redirect("minutes:live", meeting_id=meeting.pk)


@login_required
def minutes_live(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The one page the recorder fills in during the meeting."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    record = record_for_meeting(meeting=meeting)
    if record is None or record.is_final:
        return redirect("minutes:detail", meeting_id=meeting.pk)
    record.meeting = meeting
    minutes_sync_roster(actor=request.user, record=record)
    minutes = minutes_for_meeting(meeting)
    context = {
        "meeting": meeting,
        "minutes": minutes,
        "record": minutes.record,
        "half_days": HalfDay.choices,
        "presences": Presence.choices,
        "limits": text_limits(),
    }
    return render(request, "minutes/live.html", context)


@login_required
@require_POST
def minutes_save(request: HttpRequest, meeting_id: int) -> JsonResponse:
    """Autosave of one field or one row: JSON with the time saved, or a Chinese error (400)."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    record = _record_or_404(meeting)
    kind = request.POST.get("kind", "")
    row_id = request.POST.get("id", "")
    values = {k: v for k, v in request.POST.items() if k not in ("kind", "id", "csrfmiddlewaretoken")}
    try:
        saved = autosave(actor=request.user, record=record, kind=kind, row_id=row_id, values=values)
    except ValidationError as exc:
        gone = hasattr(exc, "error_dict") and "id" in exc.error_dict
        fields = sorted(exc.message_dict) if hasattr(exc, "error_dict") else []
        return JsonResponse({"ok": False, "message": error_message(exc), "fields": fields, "gone": gone}, status=400)
    payload = {
        "ok": True,
        "saved_at": timezone.localtime().strftime("%H:%M:%S"),
        "quorum": record_quorum(record).statement,
    }
    if isinstance(saved, Criticism):
        payload["warning"] = criticism_warning(saved.text) or ""
    return JsonResponse(payload)


def _default_critic(minutes: Minutes, to_entry: RosterEntry) -> RosterEntry | None:
    """The next present member, in speaking order, who has not yet criticised `to_entry`."""
    done = {c.criticism.from_entry_id for t in minutes.turns if t.entry.pk == to_entry.pk for c in t.criticisms}
    for turn in minutes.turns:
        if turn.present and turn.entry.pk != to_entry.pk and turn.entry.pk not in done:
            return turn.entry
    return None


@login_required
@require_POST
def minutes_row_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    record = _record_or_404(meeting)
    kind = request.POST.get("kind", "")
    context: dict = {"meeting": meeting, "limits": text_limits()}
    try:
        if kind == "criticism":
            to_entry = RosterEntry.objects.filter(meeting=meeting, pk=_posted_id(request, "to")).first()
            if to_entry is None:
                raise ValidationError({"to_entry": "只能选择本次会议班子名单中的成员"})
            minutes = minutes_for_meeting(meeting)
            row = criticism_add(
                actor=request.user, record=record, to_entry=to_entry, from_entry=_default_critic(minutes, to_entry)
            )
            turn = next(t for t in minutes.turns if t.entry.pk == to_entry.pk)
            context.update(c={"criticism": row, "warning": None}, turn=turn, roster=minutes.roster)
            template = "minutes/_criticism_row.html"
        elif kind == "supervisor":
            context.update(s=supervisor_present_add(actor=request.user, record=record))
            template = "minutes/_supervisor_row.html"
        elif kind == "observer":
            context.update(o=observer_add(actor=request.user, record=record))
            template = "minutes/_observer_row.html"
        elif kind == "agenda":
            focus = agenda_item_add(actor=request.user, record=record)
            context.update(agenda=list(AgendaItem.objects.filter(record=record)), focus=(focus.pk, "text"))
            template = "minutes/_agenda.html"
        else:
            raise ValidationError({"kind": "无法识别的记录类型"})
    except ValidationError as exc:
        if _is_htmx(request):
            return HttpResponse(error_message(exc), status=400)
        messages.error(request, error_message(exc))
        return redirect("minutes:live", meeting_id=meeting.pk)
    if not _is_htmx(request):
        return redirect("minutes:live", meeting_id=meeting.pk)
    return render(request, template, context)


@login_required
@require_POST
def minutes_row_delete(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    record = _record_or_404(meeting)
    model = ROW_KINDS.get(request.POST.get("kind", ""))
    row = model.objects.filter(record=record, pk=_posted_id(request, "id")).first() if model else None
    if row is None:
        raise Http404("没有找到该行")
    row.record = record
    try:
        minutes_row_remove(actor=request.user, row=row)
    except ValidationError as exc:
        if _is_htmx(request):
            return HttpResponse(error_message(exc), status=400)
        messages.error(request, error_message(exc))
        return redirect("minutes:live", meeting_id=meeting.pk)
    if isinstance(row, AgendaItem) and _is_htmx(request):
        context = {"meeting": meeting, "agenda": list(record.agenda_items.all()), "limits": text_limits()}
        return render(request, "minutes/_agenda.html", context)
    if _is_htmx(request):
        return HttpResponse("")
    return redirect("minutes:live", meeting_id=meeting.pk)


@login_required
@require_POST
def minutes_agenda_move(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    record = _record_or_404(meeting)
    item = AgendaItem.objects.filter(record=record, pk=_posted_id(request, "id")).first()
    if item is None:
        raise Http404("没有找到该议程")
    item.record = record
    direction = request.POST.get("direction")
    try:
        agenda_item_move(actor=request.user, item=item, offset=-1 if direction == "up" else 1)
    except ValidationError as exc:
        if _is_htmx(request):
            return HttpResponse(error_message(exc), status=400)
        messages.error(request, error_message(exc))
    if not _is_htmx(request):
        return redirect("minutes:live", meeting_id=meeting.pk)
    context = {
        "meeting": meeting,
        "agenda": list(record.agenda_items.all()),
        "limits": text_limits(),
        "focus": (item.pk, "up" if direction == "up" else "down"),
    }
    return render(request, "minutes/_agenda.html", context)


@login_required
@require_GET
def minutes_stats(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The computed figures (refreshed on the live page after each save)."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    minutes = minutes_for_meeting(meeting)
    if minutes is None:
        raise Http404("本次会议尚未开始会议记录")
    return render(request, "minutes/_stats.html", {"minutes": minutes})


@login_required
@require_POST
def minutes_final(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    record = _record_or_404(meeting)
    try:
        minutes_finalise(actor=request.user, record=record)
    except ValidationError as exc:
        messages.error(request, "不能定稿：" + error_message(exc))
        return redirect("minutes:live" if not record.is_final else "minutes:detail", meeting_id=meeting.pk)
    messages.success(request, "会议记录已定稿，“召开民主生活会”步骤已完成")
    return redirect("minutes:detail", meeting_id=meeting.pk)


@login_required
@require_POST
def minutes_unfinal(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    record = _record_or_404(meeting)
    try:
        minutes_reopen(actor=request.user, record=record, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, "不能重新打开：" + error_message(exc))
        return redirect("minutes:detail", meeting_id=meeting.pk)
    messages.success(request, "会议记录已重新打开，可以继续修改")
    return redirect("minutes:live", meeting_id=meeting.pk)


# --- several criticisms at once ---------------------------------------------------------------------


def _draft_record(request: HttpRequest, meeting_id: int) -> tuple[Meeting, MeetingRecord | None]:
    """The meeting (EDIT) and its record; None (with a message) when the record is final."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    record = _record_or_404(meeting)
    if record.is_final:
        messages.error(request, "会议记录已定稿，不能再添加批评意见；如需修改，请先“重新打开”")
        return meeting, None
    return meeting, record


@login_required
def criticisms_batch(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Several criticisms on one page (entering a meeting after the fact): saved together, or none."""
    meeting, record = _draft_record(request, meeting_id)
    if record is None:
        return redirect("minutes:detail", meeting_id=meeting.pk)
    roster = RosterEntry.objects.filter(meeting=meeting).order_by("precedence", "id")
    formset = rows_formset(request, CriticismRowForm, roster=roster)
    errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        rows = [CriticismRow(number=n, **data) for n, data in filled_rows(formset)]
        try:
            saved = criticisms_add_many(actor=request.user, record=record, rows=rows)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"已保存{len(saved)}条批评意见")
            return redirect("minutes:live", meeting_id=meeting.pk)
    context = {"meeting": meeting, "formset": formset, "errors": errors, "more_url": f"?rows={formset.more_rows}"}
    return render(request, "minutes/criticisms_batch.html", context)


@login_required
def criticisms_template(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    record = _record_or_404(meeting)
    return xlsx_response(template_xlsx(record), f"批评意见导入模板-{meeting.title}.xlsx")


@login_required
def criticisms_upload(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, record = _draft_record(request, meeting_id)
    if record is None:
        return redirect("minutes:detail", meeting_id=meeting.pk)
    return form_page(
        request,
        form=XlsxUploadForm(request.POST or None, request.FILES or None, label="批评意见表（.xlsx）"),
        save=lambda data: criticisms_import(actor=request.user, record=record, fileobj=data["file"]),
        success=lambda count: f"已导入{count}条批评意见",
        next_url=reverse("minutes:live", args=[meeting.pk]),
        template="minutes/criticisms_import.html",
        context={"meeting": meeting, "columns": COLUMNS},
    )
