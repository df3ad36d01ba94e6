"""Writes for meetings. Each runs in a transaction, asks the policy whether its actor may write
(`actor` None is the system: the console and internal step syncs, still bound by the archive and
the imported-copy state), validates, and records one audit event."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mingjing.accounts.models import Membership, Role
from mingjing.accounts.policy import Ability, forget_policies, frozen_message, policy_for
from mingjing.audit.services import actor_display_name, apply_changes, audit_record
from mingjing.lib.dates import cn_date, today
from mingjing.lib.shapes import prepared_query
from mingjing.meetings.dates import check_meeting_date
from mingjing.meetings.models import Meeting, RosterEntry, StepCompletion, SupervisorAssignment
from mingjing.meetings.timeline import STEP_BY_KEY
from mingjing.organizations.models import Organization
from mingjing.organizations.selectors import team_of_unit
from mingjing.yearconfigs.models import MeetingKind, YearConfig
from mingjing.yearconfigs.selectors import configs_for_unit

MEETING_FIELDS = ("title", "kind", "planned_date", "half_day", "place", "config", "entered_after")
REASON_MAX = 300


def default_title(organization: Organization, config: YearConfig) -> str:
    """'市农业农村局党组领导班子2025年度民主生活会' — the form seed 000 uses."""
    return f"{organization.short_name}领导班子{config.name}"


def _check_config(organization: Organization, config: YearConfig) -> None:
    if not configs_for_unit(organization=organization).filter(pk=config.pk).exists():
        raise ValidationError({"config": "该年度配置不适用于本单位"})


def _same_year_and_kind(meeting: Meeting) -> Meeting | None:
    """Another meeting (not cancelled) of the same unit, year and kind."""
    return (
        Meeting.objects.filter(
            organization_id=meeting.organization_id,
            config__year=meeting.config.year,
            kind=meeting.kind,
            cancelled_on__isnull=True,
        )
        .exclude(pk=meeting.pk)
        .order_by("planned_date", "id")
        .first()
    )


def _check_one_per_year(meeting: Meeting, *, actor: Any, extra_reason: str = "") -> str:
    """One meeting per unit, year and kind; a second 专题 meeting only when the unit's administrator
    says so, with a reason. Return the reason to keep ('' when the meeting is not an extra one)."""
    other = _same_year_and_kind(meeting)
    if other is None:
        return ""
    kind = meeting.get_kind_display()
    existing = f"本单位{meeting.config.year}年度已有{kind}民主生活会“{other.title}”（{cn_date(other.planned_date)}）"
    if meeting.kind != MeetingKind.SPECIAL:
        raise ValidationError({"config": f"{existing}，同一单位同一年度同一类型只能召开一次民主生活会"})
    if not extra_reason:
        raise ValidationError(
            {"config": f"{existing}；如确需增开专题民主生活会，请由单位管理员勾选“增开专题民主生活会”并说明理由"}
        )
    policy_for(user=actor, meeting=meeting).require(Ability.ADD_EXTRA_MEETING)
    return extra_reason


def _clean_reason(reason: str, *, field: str, label: str) -> str:
    reason = (reason or "").strip()
    if len(reason) > REASON_MAX:
        raise ValidationError({field: f"{label}不能超过{REASON_MAX}字（现有{len(reason)}字）"})
    return reason


def _freeze_roster(meeting: Meeting) -> list[RosterEntry]:
    team = list(team_of_unit(organization=meeting.organization))
    entries = RosterEntry.objects.bulk_create(
        RosterEntry(
            meeting=meeting,
            person=p,
            name=p.name,
            post=p.post,
            team_role=p.team_role,
            precedence=p.precedence,
            branch=p.branch,
        )
        for p in team
    )
    through = RosterEntry.supervised_divisions.through
    through.objects.bulk_create(
        through(rosterentry_id=entry.pk, division_id=d.pk)
        for entry, person in zip(entries, team, strict=True)
        for d in person.supervised_divisions.all()
    )
    return entries


@transaction.atomic
def meeting_create(
    *,
    actor: Any,
    organization: Organization,
    config: YearConfig,
    planned_date: dt.date,
    half_day: str = "am",
    place: str = "",
    title: str = "",
    kind: str = "",
    previous: Meeting | None = None,
    extra_reason: str = "",
    entered_after: bool = False,
) -> Meeting:
    """`extra_reason`: the administrator's reason for a second 专题 meeting in the same year;
    `entered_after`: the meeting was held already and is entered after the fact (no lateness)."""
    meeting = Meeting(
        organization=organization,
        config=config,
        kind=kind or config.kind,
        title=title.strip() or default_title(organization, config),
        planned_date=planned_date,
        half_day=half_day,
        place=place.strip(),
        previous=previous,
        entered_after=entered_after,
    )
    # The unit's own preparer or administrator creates its meetings (the superior only reads them).
    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)
    _check_config(organization, config)
    check_meeting_date(config, planned_date)
    reason = _clean_reason(extra_reason, field="extra_reason", label="增开理由")
    # Serialise creations for the unit, so two requests cannot both pass the duplicate check.
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    meeting.extra_reason = _check_one_per_year(meeting, actor=actor, extra_reason=reason)
    meeting.full_clean()
    meeting.save()
    roster = _freeze_roster(meeting)
    if meeting.extra_reason:
        audit_record(
            actor=actor,
            event_type="meeting.created_extra",
            obj=meeting,
            organization=organization,
            extra={"reason": meeting.extra_reason, "roster_count": len(roster)},
        )
    elif previous is None:
        audit_record(
            actor=actor,
            event_type="created",
            obj=meeting,
            organization=organization,
            extra={"roster_count": len(roster)},
        )
    else:
        audit_record(
            actor=actor,
            event_type="meeting.created_from_previous",
            obj=meeting,
            organization=organization,
            extra={"previous": previous.title, "roster_count": len(roster)},
        )
    return meeting


@dataclass
class RosterChange:
    joined: list[str] = field(default_factory=list)
    left: list[str] = field(default_factory=list)


_ROSTER_NAMES = prepared_query(
    lambda meeting_id: RosterEntry.objects.filter(meeting_id=meeting_id).values_list("person_id", "name")
)


def roster_change_since(previous: Meeting, meeting: Meeting, *, roster: list | None = None) -> RosterChange:
    """Who joined and who left the team between two meetings (for the 'next year' notice). `roster`:
    the meeting's roster lines when the page has loaded them already (not read again)."""
    before = dict(_ROSTER_NAMES(meeting_id=previous.pk))
    if roster is None:
        after = dict(meeting.roster.values_list("person_id", "name"))
    else:
        after = {e.person_id: e.name for e in sorted(roster, key=lambda e: (e.precedence, e.pk))}
    return RosterChange(
        joined=[after[k] for k in after if k not in before], left=[before[k] for k in before if k not in after]
    )


def meeting_create_next(
    *,
    actor: Any,
    previous: Meeting,
    config: YearConfig,
    planned_date: dt.date,
    half_day: str = "am",
    place: str = "",
    title: str = "",
    entered_after: bool = False,
) -> Meeting:
    """Next year's meeting from last year's: same unit and place; the roster is frozen anew
    from today's team (people leave and join between years) and the link to last year is
    kept, so its open rectification items carry over."""
    return meeting_create(
        actor=actor,
        organization=previous.organization,
        config=config,
        planned_date=planned_date,
        half_day=half_day,
        place=place or previous.place,
        title=title,
        previous=previous,
        entered_after=entered_after,
    )


@transaction.atomic
def meeting_update(*, actor: Any, meeting: Meeting, data: dict[str, Any]) -> Meeting:
    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)
    data = {k: v for k, v in data.items() if k in MEETING_FIELDS}
    if "config" in data and data["config"] != meeting.config:
        _check_config(meeting.organization, data["config"])
    changes = apply_changes(meeting, data)
    if changes:
        changed = {c["field"] for c in changes}
        if changed & {"config", "planned_date"}:
            check_meeting_date(meeting.config, meeting.planned_date)
        if changed & {"config", "kind"}:
            Organization.objects.select_for_update().filter(pk=meeting.organization_id).first()
            _check_one_per_year(meeting, actor=actor, extra_reason=meeting.extra_reason)
        meeting.full_clean()
        meeting.save(update_fields=[c["field"] for c in changes])
        audit_record(actor=actor, event_type="updated", obj=meeting, organization=meeting.organization, changes=changes)
    return meeting


@transaction.atomic
def meeting_refreeze_roster(*, actor: Any, meeting: Meeting) -> int:
    """Take the roster again from the unit's current team (before the meeting is held).

    Entries are updated in place, so talks, opinions, problems … recorded for a member stay
    linked to him. A member who left the team is removed only when nothing was recorded for him;
    otherwise the refreeze is refused with his name and what refers to him."""
    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)
    if StepCompletion.objects.filter(meeting=meeting, step="meeting").exists():
        raise ValidationError("会议已召开，班子名单不能再更新")
    team = {p.pk: p for p in team_of_unit(organization=meeting.organization)}
    entries = {e.person_id: e for e in meeting.roster.all()}
    leaving = [e for pid, e in entries.items() if pid not in team]
    blocked = [(e, kinds) for e in leaving if (kinds := _records_referring_to(e))]
    if blocked:
        detail = "；".join(f"{e.name}（已有{'、'.join(kinds)}）" for e, kinds in blocked)
        raise ValidationError(f"以下人员已不在班子中，但本次会议已有与其相关的记录，不能从名单中移除：{detail}")
    for entry in leaving:
        entry.delete()
    for person_id, person in team.items():
        entry = entries.get(person_id) or RosterEntry(meeting=meeting, person=person)
        entry.name, entry.post, entry.team_role = person.name, person.post, person.team_role
        entry.precedence, entry.branch = person.precedence, person.branch
        entry.save()
        entry.supervised_divisions.set(person.supervised_divisions.all())
    forget_policies(meeting)  # who is on the team (and who is its principal) may have changed
    audit_record(
        actor=actor,
        event_type="meeting.roster_frozen",
        obj=meeting,
        organization=meeting.organization,
        extra={"count": len(team)},
    )
    return len(team)


def _records_referring_to(entry: RosterEntry) -> list[str]:
    """The kinds of records (by their Chinese names) that point at a roster entry."""
    kinds = []
    for rel in RosterEntry._meta.related_objects:
        model = rel.related_model
        if rel.many_to_many:
            found = getattr(entry, rel.get_accessor_name()).exists()
        else:
            found = model._default_manager.filter(**{rel.field.name: entry}).exists()
        if found:
            kinds.append(str(model._meta.verbose_name))
    return sorted(set(kinds))


AUTO_NOTE = "依据记录自动完成"


def _by_records(done: StepCompletion) -> bool:
    return done.completed_by_id is None and done.note.startswith(AUTO_NOTE)


def _record_step(*, actor: Any, meeting: Meeting, step: str, completed_on: dt.date, note: str) -> StepCompletion:
    done = StepCompletion(meeting=meeting, step=step, completed_on=completed_on, note=note.strip(), completed_by=actor)
    done.full_clean()
    done.save()
    audit_record(
        actor=actor,
        event_type="meeting.step_completed",
        obj=meeting,
        organization=meeting.organization,
        extra={"step": STEP_BY_KEY[step].label, "date": cn_date(completed_on)},
    )
    return done


def _remove_step(*, actor: Any, meeting: Meeting, done: StepCompletion) -> None:
    done.delete()
    audit_record(
        actor=actor,
        event_type="meeting.step_reopened",
        obj=meeting,
        organization=meeting.organization,
        extra={"step": STEP_BY_KEY[done.step].label},
    )


@transaction.atomic
def meeting_step_complete(
    *, actor: Any, meeting: Meeting, step: str, completed_on: dt.date, note: str = ""
) -> StepCompletion:
    """Mark by hand a step no record can say is done (the report sent to the superior); the
    person who marked it is kept and shown. A step its records decide is refused."""
    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)
    if step not in STEP_BY_KEY:
        raise ValidationError({"step": "没有这个步骤"})
    info = STEP_BY_KEY[step]
    if not info.manual:
        raise ValidationError({"step": f"“{info.label}”依据记录自动完成（{info.decided_by}），不能手动标记"})
    if StepCompletion.objects.filter(meeting=meeting, step=step).exists():
        raise ValidationError({"step": f"“{info.label}”已标记为完成"})
    if completed_on > today():
        raise ValidationError({"completed_on": f"完成日期不能晚于今天（{cn_date(today())}）"})
    return _record_step(actor=actor, meeting=meeting, step=step, completed_on=completed_on, note=note)


@transaction.atomic
def meeting_step_reopen(*, actor: Any, meeting: Meeting, step: str) -> None:
    """Take back a step marked by hand. A step its records completed reopens only when the records
    change (a hand-marked one left from before is taken back, so the records decide again)."""
    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)
    done = StepCompletion.objects.filter(meeting=meeting, step=step).first()
    if done is None:
        raise ValidationError({"step": "该步骤尚未完成"})
    info = STEP_BY_KEY[step]
    if _by_records(done) and not info.manual:
        raise ValidationError({"step": f"“{info.label}”依据记录自动完成（{info.decided_by}），不能手动改回"})
    _remove_step(actor=actor, meeting=meeting, done=done)


@transaction.atomic
def meeting_step_sync(*, meeting: Meeting, step: str, done_on: dt.date | None, note: str = "") -> None:
    """Derive a step's completion from records (a complete talk coverage, an approved request …).

    Called by other apps' services inside their own transaction, with done_on None when the
    records no longer complete the step. Only changes are written; the actor is the system, since
    the step follows from the records, not from someone's decision: a completion marked by hand
    (before steps followed their records) gives way to what the records say."""
    state = Meeting.objects.filter(pk=meeting.pk).only("archived_on", "is_copy", "cancelled_on").first()
    if state is None or frozen_message(state, Ability.EDIT):
        # The timeline is frozen with the archive (the ledger still moves: rectification runs all
        # year), in an imported copy and in a cancelled meeting; the state is read afresh, the
        # caller's object may be stale.
        return
    current = StepCompletion.objects.filter(meeting=meeting, step=step).first()
    if done_on is None:
        if current is not None:
            _remove_step(actor=None, meeting=meeting, done=current)
        return
    if current is not None and not _by_records(current):
        _remove_step(actor=None, meeting=meeting, done=current)
        current = None
    if current is None:
        _record_step(actor=None, meeting=meeting, step=step, completed_on=done_on, note=f"{AUTO_NOTE}{note}".strip())
    elif current.completed_on != done_on:
        current.completed_on = done_on
        current.save(update_fields=["completed_on"])


def meeting_has_records(meeting: Meeting) -> list[str]:
    """The kinds of records (Chinese names) the meeting holds, besides its own roster, steps,
    督导组 and settings: a meeting with any of them is cancelled, not deleted."""
    own = {RosterEntry, StepCompletion, SupervisorAssignment}
    kinds = []
    for rel in Meeting._meta.related_objects:
        model = rel.related_model
        if model in own or model._meta.model_name.endswith("settings"):
            continue
        if model._default_manager.filter(**{rel.field.name: meeting}).exists():
            kinds.append("下一年度会议" if model is Meeting else str(model._meta.verbose_name))
    return sorted(set(kinds))


@transaction.atomic
def meeting_delete(*, actor: Any, meeting: Meeting) -> None:
    """Delete a meeting created by mistake: only while it holds no records."""
    policy_for(user=actor, meeting=meeting).require(Ability.CANCEL_MEETING)
    kinds = meeting_has_records(meeting)
    if kinds:
        raise ValidationError({"meeting": f"本次会议已有{'、'.join(kinds)}，不能删除；如不再召开，请填写原因后取消"})
    audit_record(
        actor=actor,
        event_type="meeting.deleted",
        obj=meeting,
        organization=meeting.organization,
        extra={"date": cn_date(meeting.planned_date)},
    )
    meeting.delete()


@transaction.atomic
def meeting_cancel(*, actor: Any, meeting: Meeting, reason: str) -> Meeting:
    """Cancel a meeting that holds records: it is kept, read-only, and leaves every list and count."""
    policy_for(user=actor, meeting=meeting).require(Ability.CANCEL_MEETING)
    reason = _clean_reason(reason, field="reason", label="取消原因")
    if not reason:
        raise ValidationError({"reason": "请填写取消原因"})
    on = today()
    Meeting.objects.filter(pk=meeting.pk).update(cancelled_on=on, cancel_reason=reason)
    meeting.cancelled_on, meeting.cancel_reason = on, reason
    forget_policies(meeting)
    audit_record(
        actor=actor,
        event_type="meeting.cancelled",
        obj=meeting,
        organization=meeting.organization,
        extra={"reason": reason},
    )
    return meeting


@transaction.atomic
def meeting_supervisor_assign(*, actor: Any, meeting: Meeting, user: Any, title: str = "") -> SupervisorAssignment:
    """The unit's staff or the superior's organization department assigns a 督导组 member of a unit
    above the meeting's unit."""
    policy_for(user=actor, meeting=meeting).require(Ability.ASSIGN_SUPERVISORS)
    eligible = Membership.objects.filter(
        user=user, role=Role.SUPERVISOR, organization_id__in=meeting.organization.ancestor_ids
    ).exists()
    if not eligible:
        raise ValidationError({"user": "只能指派上级单位的督导组成员"})
    if SupervisorAssignment.objects.filter(meeting=meeting, user=user).exists():
        raise ValidationError({"user": "该督导组成员已指派到本次会议"})
    assignment = SupervisorAssignment.objects.create(meeting=meeting, user=user, title=title.strip())
    forget_policies(meeting)
    audit_record(
        actor=actor,
        event_type="meeting.supervisor_assigned",
        obj=meeting,
        organization=meeting.organization,
        extra={"user": actor_display_name(user)},
    )
    return assignment


@transaction.atomic
def meeting_supervisor_remove(*, actor: Any, assignment: SupervisorAssignment) -> None:
    """Withdraw a 督导组 member: the same people who assign him (the unit's staff, the superior)."""
    meeting = assignment.meeting
    policy_for(user=actor, meeting=meeting).require(Ability.ASSIGN_SUPERVISORS)
    name = actor_display_name(assignment.user)
    assignment.delete()
    forget_policies(meeting)
    audit_record(
        actor=actor,
        event_type="meeting.supervisor_removed",
        obj=meeting,
        organization=meeting.organization,
        extra={"user": name},
    )
