"""Recording study sessions: the unit's own records, kept by its preparer or administrator
(`Ability.EDIT`). Each write runs in a transaction, asks the policy first and records one audit
event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mingjing.accounts.policy import Ability, policy_for
from mingjing.audit.services import apply_changes, audit_record
from mingjing.lib.limits import check_lengths
from mingjing.meetings.dates import Phase, check_record_date
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.meetings.services import meeting_step_sync
from mingjing.studies.models import StudyForm, StudySession

SESSION_FIELDS = ("session_date", "form", "materials", "minutes")


def _check_participants(meeting: Meeting, participants: list[RosterEntry]) -> None:
    if any(p.meeting_id != meeting.pk for p in participants):
        raise ValidationError({"participants": "只能选择本次会议班子名单中的成员"})


def _check_form(session: StudySession, *, kept: str | None = None) -> None:
    """The form must be one the meeting's configuration offers; `kept`, the form the session already
    had, stays allowed after the configuration drops it."""
    offered = session.meeting.config.study_kind_choices(keep=kept)
    if session.form not in {value for value, _ in offered}:
        shown = str(dict(StudyForm.choices).get(session.form, session.form))
        raise ValidationError(
            {"form": f"“{shown}”不是本次会议可选的学习研讨形式，可选：{'、'.join(label for _, label in offered)}"}
        )


def _check(session: StudySession, *, kept_form: str | None = None) -> None:
    """A session is held while the meeting is prepared, in a form the configuration offers, and its
    texts fit the report."""
    _check_form(session, kept=kept_form)
    check_record_date(
        session.meeting, session.session_date, phase=Phase.PREPARATION, field="session_date", label="学习研讨日期"
    )
    check_lengths(session)


def _names(entries: Iterable[RosterEntry]) -> str:
    return "、".join(e.name for e in sorted(entries, key=lambda e: (e.precedence, e.pk))) or "（空）"


@transaction.atomic
def study_session_record(
    *,
    actor: Any,
    meeting: Meeting,
    session_date: dt.date,
    form: str,
    materials: str,
    participants: Iterable[RosterEntry] = (),
    minutes: str = "",
) -> StudySession:
    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)
    people = list(participants)
    _check_participants(meeting, people)
    session = StudySession(
        meeting=meeting, session_date=session_date, form=form, materials=materials.strip(), minutes=minutes.strip()
    )
    _check(session)
    session.full_clean()
    session.save()
    session.participants.set(people)
    audit_record(
        actor=actor,
        event_type="created",
        obj=session,
        organization=meeting.organization,
        changes=[{"field": "participants", "label": "参加的班子成员", "old": "", "new": _names(people)}],
    )
    _sync_step(meeting)
    return session


def _sync_step(meeting: Meeting) -> None:
    """The 学习研讨 step is done once a collective session (集中学习, 中心组学习 or 研讨) is recorded; its date is
    the latest such session's, so the timeline shows how late the last one was held."""
    latest = (
        StudySession.objects.filter(
            meeting=meeting, form__in=[StudyForm.COLLECTIVE, StudyForm.CENTRAL_GROUP, StudyForm.SEMINAR]
        )
        .order_by("-session_date")
        .values_list("session_date", flat=True)
        .first()
    )
    meeting_step_sync(meeting=meeting, step="study", done_on=latest)


@transaction.atomic
def study_session_update(
    *, actor: Any, session: StudySession, data: dict[str, Any], participants: Iterable[RosterEntry] | None = None
) -> StudySession:
    policy_for(user=actor, meeting=session.meeting).require(Ability.EDIT)
    kept_form = session.form
    changes = apply_changes(session, {k: v for k, v in data.items() if k in SESSION_FIELDS})
    if participants is not None:
        people = list(participants)
        _check_participants(session.meeting, people)
        old, new = _names(session.participants.all()), _names(people)
        if old != new:
            session.participants.set(people)
            changes.append({"field": "participants", "label": "参加的班子成员", "old": old, "new": new})
    if changes:
        _check(session, kept_form=kept_form)
        session.full_clean()
        scalar = [c["field"] for c in changes if c["field"] != "participants"]
        if scalar:
            session.save(update_fields=scalar)
        audit_record(
            actor=actor, event_type="updated", obj=session, organization=session.meeting.organization, changes=changes
        )
        _sync_step(session.meeting)
    return session


@transaction.atomic
def study_session_delete(*, actor: Any, session: StudySession) -> None:
    meeting = session.meeting
    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)
    audit_record(actor=actor, event_type="deleted", obj=session, organization=meeting.organization)
    session.delete()
    _sync_step(meeting)
