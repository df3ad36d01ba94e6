"""When a meeting's records may be dated: one rule for every app.

A record belongs to one phase of its meeting: preparation (study sessions, talks, opinions, the
plan and the request) happens in the meeting's year, before the meeting; the meeting's own record
is dated on the meeting day; what follows it (rectification deadlines, notices, the report) comes
after, within a few years. A date outside its window is refused with a Chinese error that names the
field and the allowed range, so an impossible date never reaches a document.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from django.core.exceptions import ValidationError

from mingjing.lib.dates import cn_date

YEARS_AFTER = 3  # a rectification deadline or a notice later than this is a typing error


class Phase(enum.Enum):
    PREPARATION = "preparation"  # from the start of the meeting's year to the meeting day
    MEETING_DAY = "meeting_day"  # the meeting day itself
    AFTER = "after"  # from the meeting day to YEARS_AFTER years later
    WHOLE = "whole"  # a plan's steps and tasks: from the start of preparation to the end of AFTER


def meeting_day(meeting: Any) -> dt.date:
    """The day the meeting is (or was) held: its planned date, which the preparer keeps current."""
    return meeting.planned_date


def date_window(meeting: Any, phase: Phase) -> tuple[dt.date, dt.date]:
    """The first and last day a record of `phase` may carry."""
    day = meeting_day(meeting)
    if phase is Phase.MEETING_DAY:
        return day, day
    if phase is Phase.AFTER:
        try:
            last = day.replace(year=day.year + YEARS_AFTER)
        except ValueError:  # 29 February
            last = day.replace(year=day.year + YEARS_AFTER, day=28)
        return day, last
    first = dt.date(min(meeting.config.year, day.year), 1, 1)
    if phase is Phase.WHOLE:
        return first, date_window(meeting, Phase.AFTER)[1]
    return first, day


def check_record_date(meeting: Any, value: dt.date | None, *, phase: Phase, field: str, label: str) -> None:
    """Raise a ValidationError on `field` when `value` lies outside the meeting's window."""
    if value is None:
        return
    first, last = date_window(meeting, phase)
    if first <= value <= last:
        return
    if phase is Phase.MEETING_DAY:
        allowed = f"应为本次民主生活会召开日期{cn_date(first)}"
    else:
        allowed = f"应在{cn_date(first)}至{cn_date(last)}之间"
    raise ValidationError({field: f"{label}{allowed}（本次民主生活会于{cn_date(meeting_day(meeting))}召开）"})


def meeting_date_window(config: Any) -> tuple[dt.date, dt.date]:
    """When a meeting of a year configuration may be held: in its year or the year after it (a
    year's 民主生活会 is usually held at the turn of the year, and is late rather than absurd until
    the next year ends)."""
    return dt.date(config.year, 1, 1), dt.date(config.year + 1, 12, 31)


def check_meeting_date(
    config: Any, value: dt.date | None, *, field: str = "planned_date", label: str = "计划召开日期"
) -> None:
    """Raise a ValidationError on `field` when the meeting's own date is absurd for its year."""
    if value is None or config is None:
        return
    first, last = meeting_date_window(config)
    if not first <= value <= last:
        why = f"{config.year}年度的民主生活会在该年度或次年召开"
        raise ValidationError({field: f"{label}应在{cn_date(first)}至{cn_date(last)}之间（{why}）"})
