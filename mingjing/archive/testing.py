"""For tests that need an archived meeting (its read-only state, the ledger after it …), not the
archiving decision itself: the meeting is marked held (its 召开民主生活会 step done, as a finalised
record would) and archived past its open points, as `mingjing archive --force` would."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mingjing.archive.models import ArchiveBox
from mingjing.archive.services import meeting_archive
from mingjing.meetings.models import Meeting, StepCompletion
from mingjing.meetings.services import meeting_step_sync


def archive_held(*, actor: Any, meeting: Meeting, held_on: dt.date | None = None, with_pdf: bool = False) -> ArchiveBox:
    if not StepCompletion.objects.filter(meeting=meeting, step="meeting").exists():
        meeting_step_sync(meeting=meeting, step="meeting", done_on=held_on or meeting.planned_date)
    return meeting_archive(actor=actor, meeting=meeting, with_pdf=with_pdf, force=True)
