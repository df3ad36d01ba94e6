"""Writes of the reports app: the meeting's achievements (会议取得的成效) the 情况报告 states."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mingjing.accounts.policy import Ability, policy_for
from mingjing.audit.services import apply_changes, audit_record
from mingjing.lib.limits import length_error, text_limit
from mingjing.meetings.models import Meeting
from mingjing.reports.models import MeetingOutcome


@transaction.atomic
def outcome_save(*, actor: Any, meeting: Meeting, achievements: str) -> MeetingOutcome:
    """What the meeting achieved, one point a line; an empty text leaves the section out."""
    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)
    text = "\n".join(line.strip() for line in achievements.replace("\r\n", "\n").split("\n") if line.strip())
    if message := length_error("会议取得的成效", text_limit(MeetingOutcome, "achievements"), text):
        raise ValidationError({"achievements": message})
    outcome = MeetingOutcome.objects.select_for_update().filter(meeting=meeting).first()
    created = outcome is None
    outcome = outcome or MeetingOutcome(meeting=meeting)
    changes = apply_changes(outcome, {"achievements": text})
    if not changes and not created:
        return outcome
    outcome.save()
    audit_record(
        actor=actor,
        event_type="created" if created else "updated",
        obj=outcome,
        organization=meeting.organization,
        changes=changes,
    )
    return outcome
