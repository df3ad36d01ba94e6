"""Reads of the archive app, through the meeting the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from mingjing.accounts.policy import Ability, policy_for
from mingjing.archive.models import ArchiveBox, ImportedEvent, WithheldOpinions
from mingjing.audit.selectors import describe
from mingjing.meetings.models import Meeting
from mingjing.meetings.selectors import get_meeting_record_for_user


def boxes_of_meeting(*, meeting: Meeting) -> QuerySet[ArchiveBox]:
    return ArchiveBox.objects.filter(meeting=meeting).select_related("created_by", "created_by__person")


def get_box_for_user(*, user: Any, pk: Any) -> ArchiveBox:
    """The box holds everything of the meeting: taken out as the policy says (TAKE_OUT)."""
    box = get_meeting_record_for_user(model=ArchiveBox, user=user, pk=pk, missing="没有找到该归档包")
    policy_for(user=user, meeting=box.meeting).require(Ability.TAKE_OUT)
    return box


@dataclass(frozen=True)
class ImportedLine:
    kind: str  # what the event is about: 民主生活会, 谈心谈话 …
    text: str


def imported_history(*, meeting: Meeting) -> list[ImportedLine]:
    """The history the meeting's bundle brought from another deployment, in its order: a
    read-only record, told in the same sentences as this deployment's own history."""
    lines = []
    for event in ImportedEvent.objects.filter(meeting=meeting):
        model = ContentType.objects.get_for_id(event.content_type_id).model_class() if event.content_type_id else None
        kind = str(model._meta.verbose_name) if model is not None else ""
        try:
            text = describe(event, kind)  # type: ignore[arg-type]  # the same fields as an AuditEvent
        except (KeyError, IndexError, TypeError, ValueError, AttributeError):
            text = f"{event.actor_name} {event.event_type} {event.object_repr}"
        lines.append(ImportedLine(kind=kind, text=text))
    return lines


def withheld_opinions(*, meeting: Meeting) -> int:
    """Online opinions the imported bundle carried as a number only."""
    return sum(WithheldOpinions.objects.filter(meeting=meeting).values_list("count", flat=True))
