"""Recording talks: the unit's own records, kept by its preparer or administrator
(`Ability.EDIT`). Each write runs in a transaction, asks the policy first and records one audit
event."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mingjing.accounts.policy import Ability, policy_for
from mingjing.audit.services import apply_changes, audit_record
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.meetings.services import meeting_step_sync
from mingjing.organizations.models import Division, PartyBranch
from mingjing.talks.models import Counterpart, Talk
from mingjing.talks.selectors import talk_coverage, talk_key, talks_of_meeting

TALK_FIELDS = (
    "talk_date",
    "member",
    "counterpart_kind",
    "other_member",
    "division",
    "branch",
    "participants",
    "topics",
    "criticism_discussed",
)


def _check(talk: Talk) -> None:
    """The counterpart must match its kind and belong to this meeting's roster or unit."""
    meeting = talk.meeting
    errors: dict[str, str] = {}
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
        talk.other_member = talk.branch = None
    elif talk.counterpart_kind == Counterpart.BRANCH_REPS:
        if talk.branch is None:
            errors["branch"] = "请选择党支部"
        elif talk.branch.organization_id != meeting.organization_id:
            errors["branch"] = "只能选择本单位的党支部"
        talk.other_member = talk.division = None
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
    participants: str = "",
    topics: str = "",
    criticism_discussed: bool = False,
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
        participants=participants.strip(),
        topics=topics.strip(),
        criticism_discussed=criticism_discussed,
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
    talks = list(talks_of_meeting(meeting=meeting))
    cov = talk_coverage(meeting=meeting, talks=talks)
    done_on = None
    if cov.complete and cov.required:
        required = {r.key for r, _ in cov.rows}
        done_on = max(t.talk_date for t in talks if talk_key(t) in required)
    meeting_step_sync(meeting=meeting, step="talks", done_on=done_on)


@transaction.atomic
def talk_update(*, actor: Any, talk: Talk, data: dict[str, Any]) -> Talk:
    policy_for(user=actor, meeting=talk.meeting).require(Ability.EDIT)
    changes = apply_changes(talk, {k: v for k, v in data.items() if k in TALK_FIELDS})
    _check(talk)
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
