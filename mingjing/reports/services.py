"""Writes of the reports app: the meeting's achievements (会议取得的成效) the 情况报告 states, and the
superior's receipt of the report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mingjing.accounts.policy import Ability, policy_for
from mingjing.audit.services import save_meeting_record
from mingjing.lib.dates import today
from mingjing.lib.limits import length_error, text_limit
from mingjing.meetings.dates import Phase, check_record_date
from mingjing.meetings.models import Meeting
from mingjing.reports.models import MeetingOutcome, ReportReceipt


@transaction.atomic
def outcome_save(*, actor: Any, meeting: Meeting, achievements: str) -> MeetingOutcome:
    """What the meeting achieved, one point a line; an empty text leaves the section out."""
    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)
    text = "\n".join(line.strip() for line in achievements.replace("\r\n", "\n").split("\n") if line.strip())
    if message := length_error("会议取得的成效", text_limit(MeetingOutcome, "achievements"), text):
        raise ValidationError({"achievements": message})
    return save_meeting_record(actor=actor, model=MeetingOutcome, meeting=meeting, values={"achievements": text})


@transaction.atomic
def report_receipt_record(*, actor: Any, meeting: Meeting, received_on: dt.date, body: str) -> ReportReceipt:
    """The 督导组 or the superior's organization department records that the 情况报告 came in: the day
    (not later than today, within the meeting's aftermath) and the receiving body."""
    policy_for(user=actor, meeting=meeting).require(Ability.REVIEW)
    body = " ".join(body.split())
    errors = {}
    if not body:
        errors["body"] = "请填写收文机关"
    elif message := length_error("收文机关", text_limit(ReportReceipt, "body"), body):
        errors["body"] = message
    if received_on > today():
        errors["received_on"] = "收到日期不能晚于今天"
    else:
        try:
            check_record_date(meeting, received_on, phase=Phase.AFTER, field="received_on", label="收到日期")
        except ValidationError as exc:
            errors |= exc.message_dict
    if errors:
        raise ValidationError(errors)
    return save_meeting_record(
        actor=actor, model=ReportReceipt, meeting=meeting, values={"received_on": received_on, "body": body}
    )
