"""Writes to the rectification ledger. Each runs in a transaction, asks the policy whether its actor
may do it (`policy_for(user=actor, meeting=...).require(Ability.LEDGER_…)`: the page, the CLI, the
demo and the bundle import get one answer; actor None is the system), validates, and records one
audit event with its actor. Status changes follow the one table TRANSITIONS: closure cannot skip
verification, and every change is in the item's history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from mingjing.accounts.policy import Ability, frozen_message, policy_for
from mingjing.audit.services import apply_changes, audit_record, field_display
from mingjing.lib.dates import cn_date, today
from mingjing.lib.limits import check_lengths, length_error, text_limit
from mingjing.meetings.dates import Phase, check_record_date
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.meetings.services import meeting_step_sync
from mingjing.organizations.models import Division, Person, TeamRole
from mingjing.problems.models import Problem
from mingjing.rectification import files as evidence_files
from mingjing.rectification.models import (
    EvidenceFile,
    Milestone,
    Notice,
    PreviousState,
    PreviousYearLine,
    PreviousYearSummary,
    RectificationItem,
    RectificationSettings,
    Status,
)
from mingjing.rectification.selectors import previous_of_same_unit

ITEM_FIELDS = (
    "owner",
    "problem",
    "problem_text",
    "measures",
    "responsible_leader",
    "responsible_division",
    "responsible_person",
    "deadline",
    "long_term",
)
MAX_PROGRESS_NOTE = text_limit(RectificationItem, "progress_note")
MAX_REASON = text_limit(RectificationItem, "return_reason")  # a return's or a reopening's reason
CLOSURE_PREFIX = "申请销号："
MAX_CLOSURE_NOTE = text_limit(Milestone, "text") - len(CLOSURE_PREFIX)  # the note becomes a milestone

# action → (the statuses it may start from, the status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "start": (frozenset({Status.NOT_STARTED, Status.RETURNED}), Status.IN_PROGRESS),
    "request": (frozenset({Status.NOT_STARTED, Status.IN_PROGRESS, Status.RETURNED}), Status.REQUESTED),
    "principal_verify": (frozenset({Status.REQUESTED}), Status.REQUESTED),  # a second verification follows
    "verify": (frozenset({Status.REQUESTED}), Status.CLOSED),
    "return": (frozenset({Status.REQUESTED}), Status.RETURNED),
    "reopen": (frozenset({Status.CLOSED}), Status.IN_PROGRESS),
}
ACTION_LABELS = {
    "start": "开始整改",
    "request": "申请销号",
    "principal_verify": "审核",
    "verify": "审核销号",
    "return": "退回",
    "reopen": "重新打开",
}


def transition(item: RectificationItem, action: str) -> dict[str, str]:
    """Move the item along TRANSITIONS; returns the labelled change for the audit line."""
    sources, target = TRANSITIONS[action]
    if item.status not in sources:
        raise ValidationError({"status": f"“{item.get_status_display()}”状态的整改事项不能{ACTION_LABELS[action]}"})
    old = item.get_status_display()
    item.status = target
    return {"field": "status", "label": "状态", "old": old, "new": item.get_status_display()}


def _org(item_or_meeting: Any) -> Any:
    meeting = item_or_meeting if isinstance(item_or_meeting, Meeting) else item_or_meeting.meeting
    return meeting.organization


# --- items ----------------------------------------------------------------------------------------


def _check(item: RectificationItem) -> None:
    meeting = item.meeting
    errors: dict[str, str] = {}
    if item.owner is not None and item.owner.meeting_id != meeting.pk:
        errors["owner"] = "只能选择本次会议班子名单中的成员"
    if item.responsible_leader is not None and item.responsible_leader.meeting_id != meeting.pk:
        errors["responsible_leader"] = "责任领导只能选择本次会议班子名单中的成员"
    if item.responsible_division is not None and item.responsible_division.organization_id != meeting.organization_id:
        errors["responsible_division"] = "只能选择本单位的科室"
    if item.responsible_person is not None and item.responsible_person.organization_id != meeting.organization_id:
        errors["responsible_person"] = "只能选择本单位的人员"
    if item.problem is not None:
        if item.problem.meeting_id != meeting.pk:
            errors["problem"] = "只能选择本次会议查摆的问题"
        elif item.problem.member_id != item.owner_id:
            owner = "领导班子" if item.owner is None else item.owner.name
            errors["problem"] = f"只能选择{owner}的查摆问题（问题与所属清单不一致）"
    if not item.problem_text.strip():
        errors["problem_text"] = "请填写问题"
    if not item.measures.strip():
        errors["measures"] = "请填写整改措施"
    if item.deadline is None and not item.long_term:
        errors["deadline"] = "请填写整改时限，或勾选“长期坚持”"
    elif not _inherited_deadline(item):
        try:
            check_record_date(meeting, item.deadline, phase=Phase.AFTER, field="deadline", label="整改时限")
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if item.progress > 100:
        errors["progress"] = "完成比例应在0到100之间"
    try:
        check_lengths(item, ("problem_text", "measures", "progress_note", "return_reason"))
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items() if k not in errors})
    if errors:
        raise ValidationError(errors)


def _inherited_deadline(item: RectificationItem) -> bool:
    """A carried-over copy keeps last year's deadline as it was (it may already be overdue: the copy
    carries that mark now); a deadline set or changed in this ledger must fall after this meeting."""
    return item.carried_from_id is not None and item.deadline == item.carried_from.deadline


def _origin_meeting(item: RectificationItem) -> Meeting:
    """The meeting whose ledger the item began in (a carried-over copy's: its first year's)."""
    while item.carried_from_id is not None:
        item = item.carried_from
    return item.meeting


def _next_number(meeting: Meeting) -> int:
    return (RectificationItem.objects.filter(meeting=meeting).aggregate(n=Max("number"))["n"] or 0) + 1


def _sync_step(meeting: Meeting) -> None:
    """制定整改方案和整改清单 is done once the team's plan and every member's list hold an item of
    this year (carried-over items do not count): on the day the last of them got its first item."""
    firsts = dict(
        RectificationItem.objects.filter(meeting=meeting, carried_from__isnull=True)
        .values_list("owner_id")
        .annotate(first=Min("created_at"))
        .values_list("owner_id", "first")
    )
    team = RosterEntry.objects.filter(meeting=meeting).exclude(team_role=TeamRole.NONE).values_list("pk", flat=True)
    needed = [None, *team]
    if all(k in firsts for k in needed):
        meeting_step_sync(
            meeting=meeting, step="rectification", done_on=timezone.localtime(max(firsts[k] for k in needed)).date()
        )
    else:
        meeting_step_sync(meeting=meeting, step="rectification", done_on=None)


def _new_item(
    *,
    meeting: Meeting,
    owner: RosterEntry | None,
    problem_text: str,
    measures: str,
    problem: Problem | None = None,
    responsible_leader: RosterEntry | None = None,
    responsible_division: Division | None = None,
    responsible_person: Person | None = None,
    deadline: dt.date | None = None,
    long_term: bool = False,
    number: int | None = None,
    **extra: Any,
) -> RectificationItem:
    item = RectificationItem(
        meeting=meeting,
        number=number or _next_number(meeting),
        owner=owner,
        problem=problem,
        problem_text=problem_text.strip(),
        measures=measures.strip(),
        responsible_leader=responsible_leader,
        responsible_division=responsible_division,
        responsible_person=responsible_person,
        deadline=deadline,
        long_term=long_term,
        **extra,
    )
    _check(item)
    item.full_clean(exclude=["number"])
    item.save()
    return item


@transaction.atomic
def item_create(
    *,
    actor: Any,
    meeting: Meeting,
    owner: RosterEntry | None,
    problem_text: str,
    measures: str,
    problem: Problem | None = None,
    responsible_leader: RosterEntry | None = None,
    responsible_division: Division | None = None,
    responsible_person: Person | None = None,
    deadline: dt.date | None = None,
    long_term: bool = False,
) -> RectificationItem:
    """Add an item directly (from a problem, or e.g. from the 督导组's comments)."""
    policy_for(user=actor, meeting=meeting).require(Ability.LEDGER_DEFINE)
    item = _new_item(
        meeting=meeting,
        owner=owner,
        problem_text=problem_text,
        measures=measures,
        problem=problem,
        responsible_leader=responsible_leader,
        responsible_division=responsible_division,
        responsible_person=responsible_person,
        deadline=deadline,
        long_term=long_term,
    )
    audit_record(actor=actor, event_type="created", obj=item, organization=meeting.organization)
    _sync_step(meeting)
    return item


def measures_text(problem: Problem) -> str:
    """The measures answering a problem, as the item's text (the problems app's Measure rows)."""
    return "\n".join(f"{m.heading}：{m.text}" if m.heading else m.text for m in problem.measures.all())


@transaction.atomic
def items_from_problems(
    *,
    actor: Any,
    meeting: Meeting,
    problems: Sequence[Problem],
    deadline: dt.date | None = None,
    long_term: bool = False,
    per_problem: int = 1,
) -> list[RectificationItem]:
    """One item per problem (or `per_problem` items each, to split a problem's measures), in the
    problem's list (team or member), with its text and measures copied and editable."""
    policy_for(user=actor, meeting=meeting).require(Ability.LEDGER_DEFINE)
    if not problems:
        raise ValidationError({"problems": "请至少选择一个问题"})
    if not 1 <= per_problem <= 5:
        raise ValidationError({"per_problem": "每个问题可生成1到5项整改事项"})
    if deadline is None and not long_term:
        raise ValidationError({"deadline": "请填写整改时限，或勾选“长期坚持”"})
    number = _next_number(meeting)
    created = []
    for problem in problems:
        if problem.meeting_id != meeting.pk:
            raise ValidationError({"problems": "只能选择本次会议查摆的问题"})
        text = problem.description.strip()
        if problem.example.strip():
            text += "\n" + problem.example.strip()
        measures = measures_text(problem) or "【待补充】"
        for _ in range(per_problem):
            created.append(
                _new_item(
                    meeting=meeting,
                    owner=problem.member,
                    problem=problem,
                    problem_text=text,
                    measures=measures,
                    responsible_leader=problem.member,
                    deadline=deadline,
                    long_term=long_term,
                    number=number,
                )
            )
            number += 1
    audit_record(
        actor=actor,
        event_type="rectification.generated",
        obj=meeting,
        organization=meeting.organization,
        extra={"count": len(created), "items": {str(i.pk): [] for i in created}},
    )
    _sync_step(meeting)
    return created


@transaction.atomic
def item_update(*, actor: Any, item: RectificationItem, data: dict[str, Any]) -> RectificationItem:
    """What the item says (problem, measures, people, deadline). Not its status or progress."""
    policy_for(user=actor, meeting=item.meeting).require(Ability.LEDGER_DEFINE, item)
    _require_not_carried(item, "problem_text")
    changes = apply_changes(item, {k: v for k, v in data.items() if k in ITEM_FIELDS})
    if isinstance(data.get("problem_text"), str):
        item.problem_text = item.problem_text.strip()
    _check(item)
    if changes:
        item.full_clean()
        item.save()
        audit_record(actor=actor, event_type="updated", obj=item, organization=_org(item), changes=changes)
        _sync_step(item.meeting)
    return item


@transaction.atomic
def item_delete(*, actor: Any, item: RectificationItem) -> None:
    policy_for(user=actor, meeting=item.meeting).require(Ability.LEDGER_MANAGE, item)
    if item.carried_to.exists():
        raise ValidationError({"item": "该事项已结转到下一年度，不能删除"})
    meeting = item.meeting
    paths = list(item.evidence_files.values_list("file", flat=True))
    extra = {}
    original = item.carried_from
    if original is not None and original.is_carried:  # the copy goes: the original is open again
        original.status = Status.IN_PROGRESS if original.progress or original.progress_note else Status.NOT_STARTED
        original.save(update_fields=["status", "updated_at"])
        extra = {"restored": original.key}
    audit_record(actor=actor, event_type="deleted", obj=item, organization=meeting.organization, extra=extra)
    item.delete()
    for path in set(paths):
        transaction.on_commit(lambda p=path: evidence_files.delete_if_unused(p))
    _sync_step(meeting)


# --- progress, milestones, evidence ---------------------------------------------------------------


def _check_progress(progress: int, note: str) -> None:
    if not 0 <= progress <= 100:
        raise ValidationError({"progress": "完成比例应在0到100之间"})
    _check_length("progress_note", "进展情况", note, MAX_PROGRESS_NOTE)


def _check_length(field: str, label: str, value: str, limit: int) -> None:
    message = length_error(label, limit, value)
    if message:
        raise ValidationError({field: message})


def _require_not_carried(item: RectificationItem, field: str = "item") -> None:
    if item.is_carried:
        raise ValidationError({field: "该事项已结转到下一年度，请在下一年度整改台账中办理"})


def _require_open(item: RectificationItem, field: str = "item") -> None:
    _require_not_carried(item, field)
    if item.status == Status.CLOSED:
        raise ValidationError({field: "该事项已销号，不能再更新进展"})


@transaction.atomic
def progress_update(*, actor: Any, item: RectificationItem, progress: int, progress_note: str) -> RectificationItem:
    policy_for(user=actor, meeting=item.meeting).require(Ability.LEDGER_UPDATE, item)
    _require_open(item, "progress_note")
    note = progress_note.strip()
    _check_progress(progress, note)
    changes = apply_changes(item, {"progress": progress, "progress_note": note})
    if changes and item.status in TRANSITIONS["start"][0] and (progress > 0 or note):
        changes.append(transition(item, "start"))
    if changes:
        item.save()
        audit_record(
            actor=actor, event_type="rectification.progress", obj=item, organization=_org(item), changes=changes
        )
    return item


def _attach(
    *, actor: Any, item: RectificationItem, milestone: Milestone, uploads: Iterable[Any], field: str
) -> list[EvidenceFile]:
    uploads = list(uploads)
    if len(uploads) > evidence_files.MAX_FILES_PER_UPLOAD:
        raise ValidationError({field: f"一次最多上传{evidence_files.MAX_FILES_PER_UPLOAD}个文件"})
    checked = [evidence_files.check_file(u, field=field) for u in uploads]  # every file first
    stored = []
    for c in checked:
        path = evidence_files.store(c)
        stored.append(
            EvidenceFile.objects.create(
                item=item,
                milestone=milestone,
                file=path,
                original_name=c.name,
                size=c.size,
                sha256=c.sha256,
                content_type=c.content_type,
                uploaded_by=actor,
            )
        )
    return stored


@transaction.atomic
def milestone_add(
    *, actor: Any, item: RectificationItem, date: dt.date, text: str, files: Iterable[Any] = ()
) -> Milestone:
    policy_for(user=actor, meeting=item.meeting).require(Ability.LEDGER_UPDATE, item)
    _require_open(item, "text")
    text = text.strip()
    if not text:
        raise ValidationError({"text": "请填写进展内容"})
    _check_length("text", "进展内容", text, text_limit(Milestone, "text"))
    if date > today():
        raise ValidationError({"date": "进展节点的日期不能晚于今天"})
    # Progress is made after the meeting (for a carried-over copy: after the meeting it began at).
    check_record_date(_origin_meeting(item), date, phase=Phase.AFTER, field="date", label="进展节点的日期")
    milestone = Milestone.objects.create(item=item, date=date, text=text, created_by=actor)
    stored = _attach(actor=actor, item=item, milestone=milestone, uploads=files, field="files")
    changes = []
    if item.status in TRANSITIONS["start"][0]:
        changes.append(transition(item, "start"))
        item.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        event_type="rectification.milestone_added",
        obj=item,
        organization=_org(item),
        changes=changes,
        extra={"text": text[:60], "files": len(stored), "date": cn_date(date)},
    )
    return milestone


@transaction.atomic
def closure_request(*, actor: Any, item: RectificationItem, note: str, files: Iterable[Any] = ()) -> RectificationItem:
    """The owner asks for 销号: needs at least one evidence file (uploaded now or before)."""
    policy_for(user=actor, meeting=item.meeting).require(Ability.LEDGER_UPDATE, item)
    _require_not_carried(item, "note")
    note = note.strip()
    if not note:
        raise ValidationError({"note": "请说明整改完成情况"})
    _check_length("note", "整改完成情况", note, MAX_CLOSURE_NOTE)
    change = transition(item, "request")
    files = list(files)
    if not files and not item.evidence_files.exists():
        raise ValidationError({"files": "申请销号须上传至少一份佐证材料（会议记录、制度文件、照片等）"})
    milestone = Milestone.objects.create(
        item=item, date=today(), text=f"{CLOSURE_PREFIX}{note}", is_closure_request=True, created_by=actor
    )
    stored = _attach(actor=actor, item=item, milestone=milestone, uploads=files, field="files")
    item.progress = 100
    item.principal_verified_at = None
    item.principal_verified_by = None
    item.return_reason = ""
    item.save()
    audit_record(
        actor=actor,
        event_type="rectification.closure_requested",
        obj=item,
        organization=_org(item),
        changes=[change],
        extra={"note": note[:200], "files": len(stored)},
    )
    return item


def _verify_stage(actor: Any, item: RectificationItem) -> str:
    """The stage the actor verifies the item at; refused (with the reason) when none."""
    policy = policy_for(user=actor, meeting=item.meeting)
    stage = policy.verify_stage(item)
    if stage:
        policy.require(Ability.LEDGER_VERIFY, item)
        return stage
    if item.status != Status.REQUESTED:
        raise ValidationError({"status": f"“{item.get_status_display()}”状态的整改事项不能审核销号"})
    if frozen_message(item.meeting, Ability.LEDGER_VERIFY):
        policy.require(Ability.LEDGER_VERIFY, item)  # the frozen state's own reason
    if item.principal_verified_at is not None:
        raise PermissionDenied("该事项已经主要负责同志审核，须由督导组审核销号")
    raise PermissionDenied("销号须先经主要负责同志审核")


@transaction.atomic
def closure_verify(*, actor: Any, item: RectificationItem, on: dt.date | None = None) -> RectificationItem:
    """The principal verifies; for a team item when the meeting requires it, the 督导组 (or the
    superior's organization department) verifies after him. Only then is the item closed."""
    stage = _verify_stage(actor, item)
    now = timezone.now()
    if stage == "principal":
        item.principal_verified_at = now
        item.principal_verified_by = actor
        if item.owner_id is None and policy_for(user=actor, meeting=item.meeting).team_needs_review:
            change = transition(item, "principal_verify")
            item.save()
            audit_record(actor=actor, event_type="rectification.principal_verified", obj=item, organization=_org(item))
            return item
    change = transition(item, "verify")
    item.closed_on = on or today()
    item.progress = 100
    item.save()
    audit_record(
        actor=actor,
        event_type="rectification.closed",
        obj=item,
        organization=_org(item),
        changes=[change],
        extra={"date": cn_date(item.closed_on)},
    )
    return item


@transaction.atomic
def closure_return(*, actor: Any, item: RectificationItem, reason: str) -> RectificationItem:
    """The verifier at the item's stage sends the request back, with a reason."""
    _verify_stage(actor, item)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写退回理由"})
    _check_length("reason", "退回理由", reason, MAX_REASON)
    change = transition(item, "return")
    item.return_reason = reason
    item.principal_verified_at = None
    item.principal_verified_by = None
    item.save()
    audit_record(
        actor=actor,
        event_type="rectification.returned",
        obj=item,
        organization=_org(item),
        changes=[change],
        extra={"reason": reason[:200]},
    )
    return item


@transaction.atomic
def item_reopen(*, actor: Any, item: RectificationItem, reason: str) -> RectificationItem:
    """A closed item found not really done goes back to 整改中 (preparer or administrator)."""
    policy_for(user=actor, meeting=item.meeting).require(Ability.LEDGER_MANAGE, item)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "请填写重新打开的理由"})
    _check_length("reason", "重新打开的理由", reason, MAX_REASON)
    change = transition(item, "reopen")
    item.closed_on = None
    item.principal_verified_at = None
    item.principal_verified_by = None
    item.save()
    audit_record(
        actor=actor,
        event_type="rectification.reopened",
        obj=item,
        organization=_org(item),
        changes=[change],
        extra={"reason": reason[:200]},
    )
    return item


# --- carry-over -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CarryResult:
    created: list[RectificationItem]
    to_team: list[str]  # owners who left the team: their items went to the team's plan


@transaction.atomic
def carry_over_items(*, actor: Any, meeting: Meeting) -> CarryResult:
    """Copy last year's open items (in progress and long-term) into this meeting's ledger, each
    linked to its origin, and mark each origin 已结转: it leaves last year's open counts, warnings
    and 我的整改, and counts once, where it now lives. Run again, it adds only what is not carried
    yet; an item is carried once (a carried item is no longer open; the database holds one copy per
    item). Only from last year's meeting of the same unit: another unit's ledger is never copied
    into this one."""
    policy_for(user=actor, meeting=meeting).require(Ability.LEDGER_DEFINE)
    if meeting.previous is None:
        raise ValidationError({"meeting": "本次会议没有关联上年度会议，无法结转"})
    previous = previous_of_same_unit(meeting)
    if previous is None:
        raise ValidationError({"meeting": "关联的上年度会议不属于本单位，不能结转其整改事项"})
    carried = RectificationItem.objects.filter(carried_from__isnull=False).values("carried_from_id")
    open_items = list(
        RectificationItem.objects.select_for_update(of=("self",))
        .filter(meeting=previous)
        .exclude(status__in=(Status.CLOSED, Status.CARRIED))
        .exclude(pk__in=carried)
        .select_related("owner", "responsible_leader")
        .order_by("number")
    )
    if not open_items:
        raise ValidationError({"meeting": "上年度台账中没有需要结转的未完成事项"})
    entries = {e.person_id: e for e in RosterEntry.objects.filter(meeting=meeting)}
    number = _next_number(meeting)
    created, to_team = [], []
    for old in open_items:
        owner = entries.get(old.owner.person_id) if old.owner else None
        if old.owner is not None and owner is None:
            to_team.append(old.owner.name)
        leader = entries.get(old.responsible_leader.person_id) if old.responsible_leader else None
        started = old.status != Status.NOT_STARTED or old.progress > 0
        created.append(
            _new_item(
                meeting=meeting,
                owner=owner,
                problem_text=old.problem_text,
                measures=old.measures,
                responsible_leader=leader,
                responsible_division=old.responsible_division,
                responsible_person=old.responsible_person,
                deadline=old.deadline,
                long_term=old.long_term,
                number=number,
                carried_from=old,
                status=Status.IN_PROGRESS if started else Status.NOT_STARTED,
                progress=min(old.progress, 99),
                progress_note=old.progress_note,
            )
        )
        number += 1
    per_item: dict[str, list[dict[str, str]]] = {str(i.pk): [] for i in created}
    for old in open_items:
        per_item[str(old.pk)] = [
            {"field": "status", "label": "状态", "old": old.get_status_display(), "new": Status.CARRIED.label}
        ]
        old.status = Status.CARRIED
        old.save(update_fields=["status", "updated_at"])
    audit_record(
        actor=actor,
        event_type="rectification.carried_over",
        obj=meeting,
        organization=meeting.organization,
        extra={"count": len(created), "items": per_item},
    )
    return CarryResult(created=created, to_team=sorted(set(to_team)))


# --- settings and notices -------------------------------------------------------------------------

SETTINGS_FIELDS = ("first_warning_days", "second_warning_days", "team_needs_review")


@transaction.atomic
def settings_update(*, actor: Any, meeting: Meeting, data: dict[str, Any]) -> RectificationSettings:
    policy_for(user=actor, meeting=meeting).require(Ability.LEDGER_MANAGE)
    current = RectificationSettings.objects.filter(meeting=meeting).first() or RectificationSettings(meeting=meeting)
    changes = apply_changes(current, {k: v for k, v in data.items() if k in SETTINGS_FIELDS})
    errors = {}
    if not 1 <= current.first_warning_days <= 365:
        errors["first_warning_days"] = "应为1到365之间的天数"
    if not 0 <= current.second_warning_days <= 365:
        errors["second_warning_days"] = "应为0到365之间的天数"
    elif current.second_warning_days > current.first_warning_days:
        errors["second_warning_days"] = "第二次提醒应晚于第一次提醒，天数应不大于第一次提醒"
    if errors:
        raise ValidationError(errors)
    if changes:
        current.save()
        audit_record(
            actor=actor,
            event_type="rectification.settings",
            obj=current,
            organization=meeting.organization,
            changes=changes,
        )
    return current


NOTICE_FIELDS = ("kind", "scope", "channel", "place", "published_on", "until", "contact", "text")


def _check_notice(notice: Notice) -> None:
    errors = {}
    if not notice.scope.strip():
        errors["scope"] = "请填写公示（通报）范围"
    if not notice.channel.strip():
        errors["channel"] = "请填写公示（通报）方式"
    if notice.until is not None and notice.until < notice.published_on:
        errors["until"] = "公示截止日期不能早于公示日期"
    for field, label in (("published_on", "公示（通报）日期"), ("until", "公示截止日期")):
        if field in errors:
            continue
        try:
            check_record_date(notice.meeting, getattr(notice, field), phase=Phase.AFTER, field=field, label=label)
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    try:
        check_lengths(notice, ("scope", "channel", "place", "contact", "text"))
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items() if k not in errors})
    if errors:
        raise ValidationError(errors)


def _sync_notice_step(meeting: Meeting) -> None:
    first = Notice.objects.filter(meeting=meeting).aggregate(d=Min("published_on"))["d"]
    meeting_step_sync(meeting=meeting, step="notice", done_on=first)


@transaction.atomic
def notice_create(
    *,
    actor: Any,
    meeting: Meeting,
    kind: str,
    scope: str,
    channel: str,
    published_on: dt.date,
    place: str = "",
    until: dt.date | None = None,
    contact: str = "",
    text: str = "",
) -> Notice:
    from mingjing.rectification.notices import notice_text

    policy_for(user=actor, meeting=meeting).require(Ability.LEDGER_DEFINE)
    notice = Notice(
        meeting=meeting,
        kind=kind,
        scope=scope.strip(),
        channel=channel.strip(),
        place=place.strip(),
        published_on=published_on,
        until=until,
        contact=contact.strip(),
        text=text.strip(),
    )
    _check_notice(notice)
    if not notice.text:
        notice.text = notice_text(notice)
        _check_notice(notice)
    notice.full_clean()
    notice.save()
    audit_record(actor=actor, event_type="created", obj=notice, organization=meeting.organization)
    _sync_notice_step(meeting)
    return notice


@transaction.atomic
def notice_update(*, actor: Any, notice: Notice, data: dict[str, Any], regenerate: bool = False) -> Notice:
    from mingjing.rectification.notices import notice_text

    policy_for(user=actor, meeting=notice.meeting).require(Ability.LEDGER_DEFINE)
    data = {k: (v.strip() if isinstance(v, str) else v) for k, v in data.items() if k in NOTICE_FIELDS}
    if regenerate or not data.get("text", notice.text):
        probe = Notice(**{**{f: getattr(notice, f) for f in NOTICE_FIELDS}, **data, "meeting": notice.meeting})
        data["text"] = notice_text(probe)
    changes = apply_changes(notice, data)
    _check_notice(notice)
    if changes:
        notice.full_clean()
        notice.save()
        audit_record(
            actor=actor, event_type="updated", obj=notice, organization=notice.meeting.organization, changes=changes
        )
        _sync_notice_step(notice.meeting)
    return notice


@transaction.atomic
def notice_delete(*, actor: Any, notice: Notice) -> None:
    meeting = notice.meeting
    policy_for(user=actor, meeting=meeting).require(Ability.LEDGER_DEFINE)
    audit_record(actor=actor, event_type="deleted", obj=notice, organization=meeting.organization)
    notice.delete()
    _sync_notice_step(meeting)


# --- last year held on paper ----------------------------------------------------------------------

PREVIOUS_LINE_FIELDS = ("owner_name", "theme", "text", "count", "state")


@transaction.atomic
def previous_year_save(
    *, actor: Any, meeting: Meeting, previous_name: str, note: str = "", lines: Sequence[dict[str, Any]]
) -> PreviousYearSummary | None:
    """Record last year's rectification in summary for a unit whose previous meeting was held
    outside 明镜: each line an item (its problem, owner name and state) or a count of items under a
    theme. The lines are replaced as a whole (nothing links to them); no lines and no name removes
    the record. Errors name the line (第N行) and the column."""
    policy_for(user=actor, meeting=meeting).require(Ability.LEDGER_DEFINE)
    previous_name, note = previous_name.strip(), note.strip()
    current = PreviousYearSummary.objects.filter(meeting=meeting).first()
    if not previous_name and not lines:
        if current is not None:
            audit_record(actor=actor, event_type="deleted", obj=current, organization=meeting.organization)
            current.delete()
        return None
    errors: dict[str, list[str]] = {}
    if not previous_name:
        errors["previous_name"] = ["请填写上年度会议名称，如“2024年度民主生活会”"]
    summary = current or PreviousYearSummary(meeting=meeting)
    changes = apply_changes(summary, {"previous_name": previous_name, "note": note})
    try:
        check_lengths(summary, ("previous_name", "note"))
    except ValidationError as exc:
        for k, v in exc.message_dict.items():
            errors.setdefault(k, []).extend(v)
    labels = {f: str(PreviousYearLine._meta.get_field(f).verbose_name) for f in PREVIOUS_LINE_FIELDS}
    rows, line_errors = [], []
    for n, data in enumerate(lines, start=1):
        line = PreviousYearLine(
            order=n,
            owner_name=str(data.get("owner_name") or "").strip(),
            theme=str(data.get("theme") or "").strip(),
            text=str(data.get("text") or "").strip(),
            count=data.get("count") or 1,
            state=data.get("state") or PreviousState.DONE,
        )
        if not line.text and not line.theme:
            line_errors.append(f"第{n}行：请填写「{labels['text']}」，或按方面汇总时填写「{labels['theme']}」")
        if line.state not in PreviousState.values:
            line_errors.append(f"第{n}行「{labels['state']}」：应为{'、'.join(PreviousState.labels)}之一")
        if not isinstance(line.count, int) or not 1 <= line.count <= 999:
            line_errors.append(f"第{n}行「{labels['count']}」：应为1到999之间的整数")
        if line.text and line.count != 1:
            line_errors.append(f"第{n}行「{labels['count']}」：填写了具体问题的一行只算1项，按方面汇总时才填事项数")
        for field in ("owner_name", "theme", "text"):
            limit = text_limit(PreviousYearLine, field)
            message = length_error(labels[field], limit, getattr(line, field))
            if message:
                line_errors.append(f"第{n}行「{labels[field]}」：最多{limit}字（现有{len(getattr(line, field))}字）")
        rows.append(line)
    if not rows:
        line_errors.append("请至少填写一行上年度整改事项")
    if line_errors:
        errors["lines"] = line_errors
    if errors:
        raise ValidationError(errors)
    created = summary.pk is None
    summary.save()
    old = list(summary.lines.order_by("order", "id").values_list(*PREVIOUS_LINE_FIELDS))
    new = [tuple(getattr(r, f) for f in PREVIOUS_LINE_FIELDS) for r in rows]
    if old != new:
        summary.lines.all().delete()
        for r in rows:
            r.summary = summary
        PreviousYearLine.objects.bulk_create(rows)
        changes.append({"field": "lines", "label": "事项", "old": f"{len(old)}行", "new": f"{len(new)}行"})
    if created or changes:
        event = "created" if created else "updated"
        audit_record(
            actor=actor,
            event_type=event,
            obj=summary,
            organization=meeting.organization,
            changes=[] if created else changes,
        )
    return summary


def describe_value(item: RectificationItem, field: str, value: Any) -> str:
    return field_display(item, field, value)
