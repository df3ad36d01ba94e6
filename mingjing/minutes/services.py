"""Writing the meeting record. Each service runs in a transaction, validates, and records one audit event.

Autosave and the history: the live page saves a field (or a row) every time the recorder leaves it
or pauses typing, so a meeting yields hundreds of saves. Every save still writes its one audit
event, but edits by the same person to the same record within AUTOSAVE_WINDOW are folded into one
"updated" line (each save appends an event carrying the window's merged changes, which supersedes
the window's previous one; the history shows the latest): a change to a field already in it keeps its first old value
and takes the latest new value, a change to another field is appended. The history then reads one
line per window, "将地点由“…”改为“…”，将请假事由（赵强）由“（空）”改为“外出开会”", with every field
that changed and no keystroke noise; adding and removing rows, finalising and reopening are
separate events. A record's whole history stays on the MeetingRecord, so one page shows it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone

from mingjing.accounts.policy import Ability, policy_for
from mingjing.audit.models import AuditEvent
from mingjing.audit.services import apply_changes, audit_record
from mingjing.lib.dates import cn_date, today
from mingjing.lib.limits import check_lengths, length_error
from mingjing.lib.ordering import order_counter
from mingjing.lib.xlsx import cell_error, shown_errors
from mingjing.meetings.dates import Phase, check_record_date, meeting_day
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.meetings.selectors import meeting_roster
from mingjing.meetings.services import meeting_step_sync
from mingjing.minutes.models import (
    AgendaItem,
    Attendance,
    Criticism,
    MeetingRecord,
    MemberSpeech,
    Observer,
    Presence,
    RecordStatus,
    SupervisorPresent,
)
from mingjing.minutes.rules import Quorum, default_agenda, default_quorum, split_lines
from mingjing.organizations.models import TeamRole

AUTOSAVE_WINDOW = dt.timedelta(minutes=10)

RECORD_FIELDS = (
    "held_on",
    "half_day",
    "place",
    "chair",
    "recorder",
    "quorum_numerator",
    "quorum_denominator",
    "team_examination_given",
    "team_examination_note",
    "inquiry_report",
    "supervisor_comments",
    "supervisor_requirements",
    "principal_summary",
    "principal_requirements",
)
ROW_FIELDS: dict[type[models.Model], tuple[str, ...]] = {
    Attendance: ("status", "leave_reason"),
    MemberSpeech: ("self_examination_given", "self_examination_note", "response", "personal_matters"),
    SupervisorPresent: ("name", "title", "body"),
    Observer: ("name", "post"),
    AgendaItem: ("text",),
    Criticism: ("from_entry", "points", "text"),
}
FINAL_ERROR = "会议记录已定稿，不能再修改；如需修改，请先“重新打开”"
# 督导组 and the principal's requirements: one a line, each a sentence or two.
MAX_REQUIREMENTS, MAX_REQUIREMENT_LENGTH = 20, 200
REQUIREMENT_LABELS = {"supervisor_requirements": "督导组提出的要求", "principal_requirements": "主要负责同志提出的要求"}


def _require_edit(actor: Any, meeting: Meeting) -> None:
    """Only who keeps the meeting's records writes its minutes (actor None: the system); an
    archived meeting or an imported copy refuses everyone (the policy's reason)."""
    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)


def _require_draft(record: MeetingRecord) -> None:
    if record.status == RecordStatus.FINAL:
        raise ValidationError({"status": FINAL_ERROR})


def _row_label(row: models.Model) -> str:
    """How a row is named in a history line: '出席情况（赵强）', '批评意见（李华→王芳）'."""
    if isinstance(row, Attendance | MemberSpeech):
        return row.entry.name
    if isinstance(row, Criticism):
        return f"{row.from_entry.name if row.from_entry_id else '【待补充】'}→{row.to_entry.name}"
    if isinstance(row, AgendaItem):
        return f"第{row.order}项"
    return str(row)


def _audit_edit(*, actor: Any, record: MeetingRecord, changes: list[dict[str, str]]) -> None:
    """The one audit event of an autosaved edit (see the module). Events are never rewritten: within
    the actor's open window a new event carries the window's merged changes and names the one it
    supersedes (extra["supersedes"]); the history shows only the latest of a window."""
    if not changes:
        return
    now = timezone.now()
    last = (
        AuditEvent.objects.filter(
            content_type=ContentType.objects.get_for_model(MeetingRecord),
            object_id=record.pk,
            event_type="updated",
            actor=actor,
            extra__autosave=True,
        )
        .order_by("-id")
        .first()
        if actor is not None
        else None
    )
    opened = dt.datetime.fromisoformat(last.extra.get("opened", last.event_time.isoformat())) if last else None
    extra: dict[str, Any] = {"autosave": True, "saves": 1, "opened": now.isoformat()}
    if last is not None and opened >= now - AUTOSAVE_WINDOW:
        merged = {c["field"]: dict(c) for c in last.changes}
        for change in changes:
            if change["field"] in merged:
                merged[change["field"]]["new"] = change["new"]
            else:
                merged[change["field"]] = dict(change)
        changes = [c for c in merged.values() if c["old"] != c["new"]]
        extra = {
            "autosave": True,
            "saves": last.extra.get("saves", 1) + 1,
            "opened": opened.isoformat(),
            "supersedes": last.pk,
        }
    audit_record(
        actor=actor,
        event_type="updated",
        obj=record,
        organization=record.meeting.organization,
        changes=changes,
        extra=extra,
    )


def _prefixed(changes: list[dict[str, str]], row: models.Model) -> list[dict[str, str]]:
    kind = row._meta.model_name
    label = _row_label(row)
    return [{**c, "field": f"{kind}.{row.pk}.{c['field']}", "label": f"{c['label']}（{label}）"} for c in changes]


def _check_requirements(field: str, lines: list[str]) -> None:
    label = REQUIREMENT_LABELS[field]
    if len(lines) > MAX_REQUIREMENTS:
        raise ValidationError({field: f"{label}最多{MAX_REQUIREMENTS}条（现有{len(lines)}条）"})
    for n, line in enumerate(lines, start=1):
        message = length_error(f"{label}第{n}条", MAX_REQUIREMENT_LENGTH, line)
        if message:
            raise ValidationError({field: message})


def check_held_on(record: MeetingRecord) -> None:
    """The record's date is the meeting day (the preparer moves the meeting's date if it changed)."""
    check_record_date(record.meeting, record.held_on, phase=Phase.MEETING_DAY, field="held_on", label="召开日期")


def _check_entry(record: MeetingRecord, entry: RosterEntry | None, field: str) -> None:
    if entry is not None and entry.meeting_id != record.meeting_id:
        raise ValidationError({field: "只能选择本次会议班子名单中的成员"})


# --- the record --------------------------------------------------------------------------------


@transaction.atomic
def minutes_start(*, actor: Any, meeting: Meeting, recorder: str = "") -> MeetingRecord:
    """Open the record for a meeting: date, half-day and place from the meeting, the principal in
    the chair, every roster member present, the agenda from the usual one plus the year's items."""
    _require_edit(actor, meeting)
    if MeetingRecord.objects.filter(meeting=meeting).exists():
        raise ValidationError({"meeting": "本次会议已有会议记录"})
    roster = meeting_roster(meeting=meeting)
    if not roster:
        raise ValidationError({"meeting": "班子名单为空，请先在会议页面冻结班子名单"})
    numerator, denominator = default_quorum()
    record = MeetingRecord.objects.create(
        meeting=meeting,
        held_on=meeting.planned_date,
        half_day=meeting.half_day,
        place=meeting.place,
        chair=next((e for e in roster if e.team_role == TeamRole.PRINCIPAL), None),
        recorder=recorder.strip(),
        quorum_numerator=numerator,
        quorum_denominator=denominator,
    )
    Attendance.objects.bulk_create(Attendance(record=record, entry=e) for e in roster)
    MemberSpeech.objects.bulk_create(MemberSpeech(record=record, entry=e) for e in roster)
    AgendaItem.objects.bulk_create(
        AgendaItem(record=record, order=i, text=text)
        for i, text in enumerate(default_agenda(meeting.config.extra_agenda_items), start=1)
    )
    audit_record(
        actor=actor, event_type="minutes.started", obj=record, organization=meeting.organization,
        extra={"count": len(roster)},
    )  # fmt: skip
    return record


@transaction.atomic
def minutes_sync_roster(*, actor: Any, record: MeetingRecord) -> list[str]:
    """Add attendance and speech rows for roster members who have none (the roster was frozen again
    after the record was started; rows of members who left go with their roster entries)."""
    _require_edit(actor, record.meeting)
    if record.status == RecordStatus.FINAL:
        return []
    roster = list(RosterEntry.objects.filter(meeting_id=record.meeting_id).order_by("precedence", "id"))
    have = set(Attendance.objects.filter(record=record).values_list("entry_id", flat=True))
    spoke = set(MemberSpeech.objects.filter(record=record).values_list("entry_id", flat=True))
    missing = [e for e in roster if e.pk not in have]
    Attendance.objects.bulk_create(Attendance(record=record, entry=e) for e in missing)
    MemberSpeech.objects.bulk_create(MemberSpeech(record=record, entry=e) for e in roster if e.pk not in spoke)
    if missing:
        audit_record(
            actor=actor, event_type="minutes.roster_synced", obj=record, organization=record.meeting.organization,
            extra={"names": "、".join(e.name for e in missing)},
        )  # fmt: skip
    return [e.name for e in missing]


@transaction.atomic
def minutes_update(*, actor: Any, record: MeetingRecord, data: dict[str, Any]) -> list[dict[str, str]]:
    """Change the record's own fields (typed values: dates, a RosterEntry for the chair, lists)."""
    _require_edit(actor, record.meeting)
    _require_draft(record)
    data = {k: v for k, v in data.items() if k in RECORD_FIELDS}
    for key in ("supervisor_requirements", "principal_requirements"):
        if key in data:
            data[key] = split_lines(data[key])
            _check_requirements(key, data[key])
    for key in ("place", "recorder", "team_examination_note", "inquiry_report", "supervisor_comments"):
        if key in data:
            data[key] = (data[key] or "").strip()
    if "principal_summary" in data:
        data["principal_summary"] = (data["principal_summary"] or "").strip()
    if "held_on" in data and data["held_on"] is None:
        raise ValidationError({"held_on": "请填写召开日期"})
    _check_entry(record, data.get("chair"), "chair")
    numerator = data.get("quorum_numerator", record.quorum_numerator)
    denominator = data.get("quorum_denominator", record.quorum_denominator)
    if not (0 < numerator <= denominator):
        raise ValidationError({"quorum": "应到比例应大于0且不超过1，如“2/3”"})
    changes = apply_changes(record, data)
    if "held_on" in data:
        check_held_on(record)
    check_lengths(record)
    if changes:
        record.full_clean()
        record.save()
        _audit_edit(actor=actor, record=record, changes=changes)
    return changes


# --- rows --------------------------------------------------------------------------------------


def _check_row(row: models.Model) -> None:
    errors: dict[str, str] = {}
    if isinstance(row, Attendance):
        row.leave_reason = row.leave_reason.strip()
        if row.status == Presence.LEAVE and not row.leave_reason:
            errors["leave_reason"] = f"{row.entry.name}请假，须填写请假事由"
        if row.status == Presence.PRESENT:
            row.leave_reason = ""
    elif isinstance(row, Criticism):
        _check_entry(row.record, row.from_entry, "from_entry")
        _check_entry(row.record, row.to_entry, "to_entry")
        if row.from_entry_id and row.from_entry_id == row.to_entry_id:
            errors["from_entry"] = "不能对自己提出批评意见，自我批评请记在本人的对照检查发言中"
        if not row.points or row.points < 1:
            errors["points"] = "条数至少为1"
        elif row.points > 50:
            errors["points"] = "条数不能超过50"
        row.text = row.text.strip()
    else:
        for field in ROW_FIELDS[type(row)]:
            if isinstance(getattr(row, field), str):
                setattr(row, field, getattr(row, field).strip())
    if errors:
        raise ValidationError(errors)
    check_lengths(row)


@transaction.atomic
def minutes_row_update(*, actor: Any, row: models.Model, data: dict[str, Any]) -> list[dict[str, str]]:
    """Change one row of the record (attendance, a speech, a supervisor, an observer, an agenda
    item, a criticism); typed values, a RosterEntry for from_entry."""
    record = row.record
    _require_edit(actor, record.meeting)
    _require_draft(record)
    changes = apply_changes(row, {k: v for k, v in data.items() if k in ROW_FIELDS[type(row)]})
    _check_row(row)
    if changes:
        row.full_clean()
        row.save()
        _audit_edit(actor=actor, record=record, changes=_prefixed(changes, row))
    return changes


def _next_order(queryset: models.QuerySet) -> int:
    return (queryset.aggregate(m=Max("order"))["m"] or 0) + 1


@transaction.atomic
def supervisor_present_add(
    *, actor: Any, record: MeetingRecord, name: str = "", title: str = "", body: str = ""
) -> SupervisorPresent:
    _require_edit(actor, record.meeting)
    _require_draft(record)
    row = SupervisorPresent(
        record=record, name=name, title=title, body=body, order=_next_order(record.supervisors.all())
    )
    _check_row(row)
    row.full_clean()
    row.save()
    audit_record(actor=actor, event_type="minutes.row_added", obj=record, organization=record.meeting.organization,
                 extra={"row": "到会督导人员"})  # fmt: skip
    return row


@transaction.atomic
def observer_add(*, actor: Any, record: MeetingRecord, name: str = "", post: str = "") -> Observer:
    _require_edit(actor, record.meeting)
    _require_draft(record)
    row = Observer(record=record, name=name, post=post, order=_next_order(record.observers.all()))
    _check_row(row)
    row.full_clean()
    row.save()
    audit_record(actor=actor, event_type="minutes.row_added", obj=record, organization=record.meeting.organization,
                 extra={"row": "列席人员"})  # fmt: skip
    return row


@transaction.atomic
def agenda_item_add(*, actor: Any, record: MeetingRecord, text: str = "") -> AgendaItem:
    _require_edit(actor, record.meeting)
    _require_draft(record)
    row = AgendaItem(record=record, text=text.strip(), order=_next_order(record.agenda_items.all()))
    _check_row(row)
    row.full_clean()
    row.save()
    audit_record(actor=actor, event_type="minutes.row_added", obj=record, organization=record.meeting.organization,
                 extra={"row": f"议程第{row.order}项"})  # fmt: skip
    return row


@transaction.atomic
def agenda_item_move(*, actor: Any, item: AgendaItem, offset: int) -> None:
    """Move an agenda item up (offset −1) or down (+1); the items are renumbered 1, 2, 3 …"""
    record = item.record
    _require_edit(actor, record.meeting)
    _require_draft(record)
    items = list(record.agenda_items.order_by("order", "id"))
    index = next(i for i, it in enumerate(items) if it.pk == item.pk)
    target = index + offset
    if offset not in (-1, 1) or not 0 <= target < len(items):
        raise ValidationError({"order": "已经是第一项" if offset < 0 else "已经是最后一项"})
    items[index], items[target] = items[target], items[index]
    for i, it in enumerate(items, start=1):
        it.order = i
    AgendaItem.objects.bulk_update(items, ["order"])
    audit_record(
        actor=actor, event_type="minutes.agenda_moved", obj=record, organization=record.meeting.organization,
        extra={"item": item.text or "（空）", "direction": "上移" if offset < 0 else "下移"},
    )  # fmt: skip


@transaction.atomic
def criticism_add(
    *,
    actor: Any,
    record: MeetingRecord,
    to_entry: RosterEntry,
    from_entry: RosterEntry | None = None,
    points: int = 1,
    text: str = "",
) -> Criticism:
    """A criticism of `to_entry`; from_entry may stay empty while the recorder catches up."""
    _require_edit(actor, record.meeting)
    _require_draft(record)
    row = Criticism(
        record=record,
        to_entry=to_entry,
        from_entry=from_entry,
        points=points,
        text=text,
        order=_next_order(record.criticisms.filter(to_entry=to_entry)),
    )
    _check_row(row)
    row.full_clean()
    row.save()
    audit_record(actor=actor, event_type="minutes.row_added", obj=record, organization=record.meeting.organization,
                 extra={"row": f"对{to_entry.name}的批评意见"})  # fmt: skip
    return row


# The column (on the sheet and on the page) that names each checked field in an error.
CRITICISM_COLUMNS = {"from_entry": "提出人", "to_entry": "被批评人", "points": "条数", "text": "批评意见"}


@dataclass(frozen=True)
class CriticismRow:
    number: int  # the row on the sheet or on the page, named in errors
    from_entry: RosterEntry | None
    to_entry: RosterEntry | None
    points: int
    text: str


def _criticism_errors(row: Criticism, number: int) -> list[str]:
    """A filled-in criticism's errors, "第3行「提出人」：…" (complete, as finalising needs it)."""
    errors: dict[str, list[str]] = {}
    if row.from_entry is None:
        errors["from_entry"] = ["请填写提出批评意见的班子成员"]
    if row.to_entry is None:
        errors["to_entry"] = ["请填写被批评的班子成员"]
    if not (row.text or "").strip():
        errors["text"] = ["请填写批评意见的内容"]
    if row.to_entry is not None:
        try:
            _check_row(row)
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    return [cell_error(number, CRITICISM_COLUMNS.get(f, f), m) for f, ms in errors.items() for m in ms]


@transaction.atomic
def criticisms_add_many(
    *, actor: Any, record: MeetingRecord, rows: Sequence[CriticismRow], errors: Sequence[str] = ()
) -> list[Criticism]:
    """Several criticisms at once (the page's rows or an imported sheet), each complete: who, of
    whom, how many points and what was said. Every row is checked first; with any error (or any in
    `errors`, what the caller found reading the rows) nothing is saved and the ValidationError lists
    them by row and column. One audit event for them all."""
    _require_edit(actor, record.meeting)
    _require_draft(record)
    if not rows and not errors:
        raise ValidationError("没有要保存的批评意见：请至少填写一行")
    next_order = order_counter(Criticism.objects.filter(record=record), "to_entry_id")
    criticisms, messages = [], list(errors)
    for r in rows:
        row = Criticism(
            record=record, from_entry=r.from_entry, to_entry=r.to_entry, points=r.points, text=r.text or "",
            order=next_order(r.to_entry.pk if r.to_entry is not None else None),
        )  # fmt: skip
        messages += _criticism_errors(row, r.number)
        criticisms.append(row)
    if messages:
        raise ValidationError(shown_errors(messages))
    Criticism.objects.bulk_create(criticisms, batch_size=500)
    audit_record(
        actor=actor, event_type="minutes.criticisms_added", obj=record, organization=record.meeting.organization,
        extra={"count": len(criticisms)},
    )  # fmt: skip
    return criticisms


REMOVABLE = (SupervisorPresent, Observer, AgendaItem, Criticism)


@transaction.atomic
def minutes_row_remove(*, actor: Any, row: models.Model) -> None:
    record = row.record
    _require_edit(actor, record.meeting)
    _require_draft(record)
    if not isinstance(row, REMOVABLE):
        raise ValidationError("出席情况和发言随班子名单生成，不能删除")
    if isinstance(row, Criticism):
        label = f"{_row_label(row)}的批评意见（{row.points}条）"
        if row.text:
            label += f"：“{row.text[:60]}”"
    else:
        label = f"{row._meta.verbose_name}“{row}”"
    row.delete()
    if isinstance(row, AgendaItem):
        items = list(record.agenda_items.order_by("order", "id"))
        for i, it in enumerate(items, start=1):
            it.order = i
        AgendaItem.objects.bulk_update(items, ["order"])
    audit_record(actor=actor, event_type="minutes.row_removed", obj=record, organization=record.meeting.organization,
                 extra={"row": label})  # fmt: skip


# --- finalising --------------------------------------------------------------------------------


def record_quorum(record: MeetingRecord, attendances: list[Attendance] | None = None) -> Quorum:
    rows = attendances if attendances is not None else list(record.attendances.all())
    return Quorum(
        expected=len(rows),
        present=sum(1 for a in rows if a.status == Presence.PRESENT),
        numerator=record.quorum_numerator,
        denominator=record.quorum_denominator,
    )


def finalise_problems(record: MeetingRecord) -> dict[str, str]:
    """What stops the record from being finalised, by field; empty when it may be. A record is
    finalised on or after the meeting day, never before the meeting it records."""
    errors: dict[str, str] = {}
    day = meeting_day(record.meeting)
    if today() < day:
        errors["held_on"] = f"本次民主生活会于{cn_date(day)}召开，会议当天或之后才能定稿"
    try:
        check_held_on(record)
    except ValidationError as exc:
        errors["held_on"] = "；".join(exc.message_dict["held_on"])
    if not record.chair_id:
        errors["chair"] = "请选择主持人"
    if not record.recorder.strip():
        errors["recorder"] = "请填写记录人"
    attendances = list(record.attendances.select_related("entry"))
    missing = [a.entry.name for a in attendances if a.status == Presence.LEAVE and not a.leave_reason]
    if missing:
        errors["attendance"] = f"{'、'.join(missing)}请假，须填写请假事由"
    quorum = record_quorum(record, attendances)
    if not quorum.met:
        errors["quorum"] = f"{quorum.statement}，不能定稿"
    blank = [c for c in record.criticisms.select_related("to_entry", "from_entry") if not c.from_entry_id or not c.text]
    if blank:
        names = "、".join(sorted({c.to_entry.name for c in blank}))
        errors["criticisms"] = f"对{names}的批评意见有{len(blank)}条未填写提出人或内容，请补全或删除"
    return errors


@transaction.atomic
def minutes_finalise(*, actor: Any, record: MeetingRecord) -> MeetingRecord:
    """Finalise the record: it becomes read-only and completes the meeting step on the day held."""
    _require_edit(actor, record.meeting)
    _require_draft(record)
    errors = finalise_problems(record)
    if errors:
        raise ValidationError(errors)
    record.status = RecordStatus.FINAL
    record.finalised_at = timezone.now()
    record.save(update_fields=["status", "finalised_at", "updated_at"])
    meeting_step_sync(meeting=record.meeting, step="meeting", done_on=record.held_on)
    audit_record(actor=actor, event_type="minutes.finalised", obj=record, organization=record.meeting.organization,
                 extra={"quorum": record_quorum(record).statement})  # fmt: skip
    return record


@transaction.atomic
def minutes_reopen(*, actor: Any, record: MeetingRecord, reason: str) -> MeetingRecord:
    """Make a final record editable again; the reason stays in the history."""
    _require_edit(actor, record.meeting)
    if record.status != RecordStatus.FINAL:
        raise ValidationError({"status": "会议记录尚未定稿"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "请填写重新打开的理由"})
    record.status = RecordStatus.DRAFT
    record.finalised_at = None
    record.save(update_fields=["status", "finalised_at", "updated_at"])
    audit_record(actor=actor, event_type="minutes.reopened", obj=record, organization=record.meeting.organization,
                 extra={"reason": reason[:200]})  # fmt: skip
    return record
