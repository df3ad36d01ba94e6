"""Reads about study sessions, reached through the meeting the user may see."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db.models import Prefetch, QuerySet

from mingjing.accounts.policy import Ability
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.meetings.selectors import get_meeting_record_for_user
from mingjing.studies.models import StudyForm, StudySession


def sessions_of_meeting(*, meeting: Meeting) -> QuerySet[StudySession]:
    roster = RosterEntry.objects.order_by("precedence", "id")
    return StudySession.objects.filter(meeting=meeting).prefetch_related(Prefetch("participants", queryset=roster))


def session_counts(sessions: list[StudySession], offered: list[str] | None = None) -> dict[str, int]:
    """{"集中学习": 2, "研讨": 1, "个人自学": 0} in the order of the forms, for the page and the report:
    the forms `offered` (the configuration's; every form when None) and any form a session has."""
    counts = Counter(s.form for s in sessions)
    return {
        str(label): counts.get(value, 0)
        for value, label in StudyForm.choices
        if offered is None or value in offered or counts.get(value)
    }


def get_session_for_user(*, user: Any, pk: Any, ability: Ability = Ability.READ) -> StudySession:
    return get_meeting_record_for_user(
        model=StudySession, user=user, pk=pk, ability=ability, missing="没有找到该学习研讨记录"
    )
