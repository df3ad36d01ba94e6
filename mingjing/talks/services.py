"""Recording talks: the unit's own records, kept by its preparer or administrator
(`Ability.EDIT`). Each write runs in a transaction, asks the policy first and records one audit
event."""

from __future__ import annotations

import datetime as dt
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mingjing.accounts.policy import Ability, policy_for
from mingjing.audit.services import apply_changes, audit_record
from mingjing.lib.limits import check_lengths
from mingjing.lib.xlsx import MAX_IMPORT_ROWS, XlsxError, cell_error, read_sheet, shown_errors
from mingjing.meetings.dates import Phase, check_record_date, meeting_day
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.meetings.services import meeting_step_sync
from mingjing.organizations.models import Division, PartyBranch
from mingjing.talks.models import Counterpart, Talk
from mingjing.talks.selectors import talk_coverage, talk_key

TALK_FIELDS = (
    "talk_date",
    "member",
    "counterpart_kind",
    "other_member",
    "division",
    "branch",
    "liaison_unit",
    "participants",
    "topics",
    "criticism_discussed",
    "exception_reason",
)

KEY_FIELDS = ("talk_date", "member_id", "counterpart_kind", "other_member_id", "division_id", "branch_id")


def supervised_divisions(meeting: Meeting) -> dict[int, set[int]]:
    """{roster entry id: ids of the divisions he supervises} for the meeting's frozen roster."""
    through = RosterEntry.supervised_divisions.through
    result: dict[int, set[int]] = {}
    for entry_id, division_id in through.objects.filter(rosterentry__meeting=meeting).values_list(
        "rosterentry_id", "division_id"
    ):
        result.setdefault(entry_id, set()).add(division_id)
    return result


def _check(talk: Talk, supervised: dict[int, set[int]] | None = None, *, kept: str | None = None) -> None:
    """The talk is dated before or on the meeting day, has its content, fits its limits, its kind
    is one the year's configuration offers (`kept`: the kind an edited talk already has stays
    allowed), and its counterpart matches its kind and belongs to this meeting's roster or unit; a
    division talk is with a division the member supervises, or says why not. `supervised` as from
    supervised_divisions (looked up when not given)."""
    meeting = talk.meeting
    errors: dict[str, str] = {}
    offered = meeting.config.counterpart_kind_choices(keep=kept)
    if talk.counterpart_kind in Counterpart.values and talk.counterpart_kind not in {v for v, _ in offered}:
        allowed = "、".join(label for _, label in offered)
        errors["counterpart_kind"] = (
            f"“{Counterpart(talk.counterpart_kind).label}”不是本次会议年度配置中的谈话对象类型，可选：{allowed}"
        )
    try:
        check_record_date(meeting, talk.talk_date, phase=Phase.PREPARATION, field="talk_date", label="谈话日期")
    except ValidationError as exc:
        errors |= {k: v[0] for k, v in exc.message_dict.items()}
    talk.topics = (talk.topics or "").strip()
    talk.participants = (talk.participants or "").strip()
    talk.exception_reason = (talk.exception_reason or "").strip()
    talk.liaison_unit = (talk.liaison_unit or "").strip()
    if not talk.topics:
        errors["topics"] = "请填写谈话内容"
    if talk.member.meeting_id != meeting.pk:
        errors["member"] = "只能选择本次会议班子名单中的成员"
    if talk.counterpart_kind == Counterpart.MEMBER:
        if talk.other_member is None:
            errors["other_member"] = "请选择谈话对象"
        elif talk.other_member.meeting_id != meeting.pk:
            errors["other_member"] = "只能选择本次会议班子名单中的成员"
        elif talk.other_member_id == talk.member_id:
            errors["other_member"] = "谈话双方不能是同一人"
        talk.division = talk.branch = None
    elif talk.counterpart_kind == Counterpart.DIVISION_HEADS:
        if talk.division is None:
            errors["division"] = "请选择科室"
        elif talk.division.organization_id != meeting.organization_id:
            errors["division"] = "只能选择本单位的科室"
        elif "member" not in errors:
            if supervised is None:
                supervised = {talk.member_id: set(talk.member.supervised_divisions.values_list("pk", flat=True))}
            if talk.division_id in supervised.get(talk.member_id, set()):
                talk.exception_reason = ""
            elif not talk.exception_reason:
                errors["division"] = (
                    f"{talk.member.name}不分管{talk.division.name}：请选择其分管的科室，"
                    "或在“非分管科室谈话说明”中写明原因"
                )
        talk.other_member = talk.branch = None
    elif talk.counterpart_kind == Counterpart.BRANCH_REPS:
        if talk.branch is None:
            errors["branch"] = "请选择党支部"
        elif talk.branch.organization_id != meeting.organization_id:
            errors["branch"] = "只能选择本单位的党支部"
        talk.other_member = talk.division = None
    elif talk.counterpart_kind == Counterpart.LIAISON_UNITS:
        if not talk.liaison_unit:
            errors["liaison_unit"] = "请填写包保/联系单位的名称"
        talk.other_member = talk.division = talk.branch = None
    else:
        errors["counterpart_kind"] = "请选择谈话对象类型"
    if talk.counterpart_kind != Counterpart.DIVISION_HEADS:
        talk.exception_reason = ""
    if talk.counterpart_kind != Counterpart.LIAISON_UNITS:
        talk.liaison_unit = ""
    try:
        check_lengths(talk)
    except ValidationError as exc:
        errors |= {k: v[0] for k, v in exc.message_dict.items()}
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def talk_record(
    *,
    actor: Any,
    meeting: Meeting,
    talk_date: dt.date,
    member: RosterEntry,
    counterpart_kind: str,
    other_member: RosterEntry | None = None,
    division: Division | None = None,
    branch: PartyBranch | None = None,
    liaison_unit: str = "",
    participants: str = "",
    topics: str = "",
    criticism_discussed: bool = False,
    exception_reason: str = "",
) -> Talk:
    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)
    talk = Talk(
        meeting=meeting,
        talk_date=talk_date,
        member=member,
        counterpart_kind=counterpart_kind,
        other_member=other_member,
        division=division,
        branch=branch,
        liaison_unit=liaison_unit,
        participants=participants,
        topics=topics,
        criticism_discussed=criticism_discussed,
        exception_reason=exception_reason,
    )
    _check(talk)
    talk.full_clean()
    talk.save()
    audit_record(actor=actor, event_type="created", obj=talk, organization=meeting.organization)
    _sync_step(meeting)
    return talk


def _sync_step(meeting: Meeting) -> None:
    """The 谈心谈话 step is done when every required pair has a record, on the date of the last
    of those talks; a deletion that opens a gap again reopens it."""
    # Only what a talk's key and date need: no joined rows (an import may have added thousands).
    talks = list(Talk.objects.filter(meeting=meeting).only(*KEY_FIELDS))
    cov = talk_coverage(meeting=meeting, talks=talks)
    done_on = None
    if cov.complete and cov.required:
        required, day = {r.key for r, _ in cov.rows}, meeting_day(meeting)
        done_on = max(t.talk_date for t in talks if talk_key(t) in required and t.talk_date <= day)
    meeting_step_sync(meeting=meeting, step="talks", done_on=done_on)


@transaction.atomic
def talk_update(*, actor: Any, talk: Talk, data: dict[str, Any]) -> Talk:
    policy_for(user=actor, meeting=talk.meeting).require(Ability.EDIT)
    kept = talk.counterpart_kind
    changes = apply_changes(talk, {k: v for k, v in data.items() if k in TALK_FIELDS})
    _check(talk, kept=kept)
    if changes:
        talk.full_clean()
        talk.save()
        audit_record(
            actor=actor, event_type="updated", obj=talk, organization=talk.meeting.organization, changes=changes
        )
        _sync_step(talk.meeting)
    return talk


@transaction.atomic
def talk_delete(*, actor: Any, talk: Talk) -> None:
    policy_for(user=actor, meeting=talk.meeting).require(Ability.EDIT)
    organization = talk.meeting.organization
    audit_record(actor=actor, event_type="deleted", obj=talk, organization=organization)
    meeting = talk.meeting
    talk.delete()
    _sync_step(meeting)


# --- several talks at once: the bulk page and the .xlsx import ---------------------------------------

# The column (or the bulk page's field) that shows each field's error.
COLUMNS = {
    "talk_date": "日期",
    "member": "班子成员",
    "counterpart_kind": "谈话对象类型",
    "other_member": "谈话对象",
    "division": "谈话对象",
    "branch": "谈话对象",
    "liaison_unit": "谈话对象",
    "participants": "参加人员",
    "topics": "谈话内容",
    "criticism_discussed": "已沟通批评意见",
    "exception_reason": "非分管科室谈话说明",
}
MAX_ROWS = MAX_IMPORT_ROWS


def check_talk_rows(meeting: Meeting, rows: list[tuple[int, dict[str, Any], list[tuple[str, str]]]]) -> list[Talk]:
    """Every row checked as talk_record checks one: (row number, the talk's fields, errors already
    found reading it as [(column, message)]). Returns the talks, or raises a ValidationError
    listing every bad cell ("第3行「谈话内容」：请填写谈话内容")."""
    supervised = supervised_divisions(meeting)
    talks, messages = [], []
    for number, data, found in rows:
        errors = list(found)
        talk = Talk(meeting=meeting, **data)
        if not any(column in ("日期", "班子成员", "谈话对象类型", "谈话对象") for column, _ in errors):
            try:
                _check(talk, supervised)
            except ValidationError as exc:
                errors += [(COLUMNS.get(f, f), m) for f, ms in exc.message_dict.items() for m in ms]
        seen = set()
        for column, message in errors:
            if (column, message) not in seen:
                seen.add((column, message))
                messages.append(cell_error(number, column, message))
        talks.append(talk)
    if messages:
        raise ValidationError(shown_errors(messages))
    return talks


def _save_many(*, actor: Any, meeting: Meeting, talks: list[Talk], event_type: str) -> list[Talk]:
    Talk.objects.bulk_create(talks, batch_size=500)
    audit_record(
        actor=actor, event_type=event_type, obj=meeting, organization=meeting.organization, extra={"count": len(talks)}
    )
    _sync_step(meeting)
    return talks


@transaction.atomic
def talks_record_many(*, actor: Any, meeting: Meeting, rows: list[tuple[int, dict[str, Any]]]) -> list[Talk]:
    """Several talks entered on one page, as (row number, talk_record's arguments): all or none."""
    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)
    if not rows:
        raise ValidationError("请至少填写一次谈话")
    talks = check_talk_rows(meeting, [(n, data, []) for n, data in rows])
    return _save_many(actor=actor, meeting=meeting, talks=talks, event_type="talk.recorded_many")


@transaction.atomic
def talks_import(*, actor: Any, meeting: Meeting, fileobj: IO[bytes] | bytes) -> int:
    """Talks from the .xlsx template: every row checked first, all imported or none; errors name
    the row and the column. Returns the number of talks imported."""
    from mingjing.talks.sheet import REQUIRED_COLUMNS, SheetLookups

    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)
    try:
        records = read_sheet(fileobj, required=REQUIRED_COLUMNS, max_rows=MAX_ROWS)
    except XlsxError as exc:
        raise ValidationError({"file": exc.message}) from exc
    if not records:
        raise ValidationError({"file": "表格中没有谈话记录（第2行起填写，每行一次谈话）"})
    look = SheetLookups.of(meeting)
    try:
        talks = check_talk_rows(meeting, [(n, *look.read(record)) for n, record in records])
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
    return len(_save_many(actor=actor, meeting=meeting, talks=talks, event_type="talk.imported"))
