"""The superior's overview: every unit whose meetings the user reads (his subtree), one row each
for the chosen year and kind — including units with no meeting — with the meeting's state, its
lateness, the 请示's approval, the dates it was held and reported, and the ledger's figures.

Fixed number of queries whatever the number of units: the units, the year's meetings, their step
completions, the approved requests and the ledgers' roll-up (`rectification.tally`); the rest (state,
lateness, sorting, filtering) is computed in Python from those rows.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.core.exceptions import PermissionDenied
from django.db.models import Case, DateField, F, Max, Q, Sum, When

from mingjing.accounts.access import Perm, access_for
from mingjing.compliance.selectors import broken_counts
from mingjing.lib.dates import today
from mingjing.meetings.models import Meeting, StepCompletion
from mingjing.meetings.timeline import STEP_BY_KEY, STEPS, SharedTimelines, current_step
from mingjing.organizations.models import Organization
from mingjing.plans.models import PlanRequest, RequestStatus
from mingjing.rectification.models import OPEN_STATUSES, LedgerTally, Status
from mingjing.yearconfigs.models import MeetingKind, YearConfig

RED, YELLOW, GREEN, GREY = "red", "yellow", "green", "grey"
LATENESS_LABELS = {RED: "逾期", YELLOW: "临近", GREEN: "正常", GREY: "无会议"}
LATENESS_RANK = {RED: 0, YELLOW: 1, GREY: 2, GREEN: 3}
NO_MEETING = "未建立民主生活会"
DATED_STEPS = ("meeting", "report")  # held on, reported on
STATES = {"late": "有逾期", "none": "无会议", "open": "未召开", "held": "已召开", "archived": "已归档"}

SORTS = {
    "unit": lambda r: r.unit.path,
    "lateness": lambda r: (LATENESS_RANK[r.lateness], -r.late_days, r.unit.path),
    "state": lambda r: (r.step_index, r.unit.path),
    "held": lambda r: (r.held_on or dt.date.max, r.unit.path),
    "overdue": lambda r: (-r.items_overdue, r.unit.path),
    "items": lambda r: (-r.items_total, r.unit.path),
}
SORT_LABELS = {
    "unit": "单位",
    "lateness": "逾期情况",
    "state": "会议进度",
    "held": "召开日期",
    "overdue": "逾期整改事项",
    "items": "整改事项数",
}


class UnitRef(NamedTuple):
    """A unit as the overview shows it: five columns read as tuples, not thousands of model objects."""

    pk: int
    parent_id: int | None
    name: str
    short_name: str
    path: str


class MeetingRef(NamedTuple):
    """A meeting as the overview needs it (the compliance column loads the shown rows' meetings)."""

    pk: int
    organization_id: int
    config_id: int
    title: str
    planned_date: dt.date
    archived_on: dt.date | None
    entered_after: bool


@dataclass(slots=True)
class Row:
    unit: UnitRef
    meeting: MeetingRef | None = None
    extra_meetings: int = 0  # further meetings of the same year and kind (专题 added)
    state: str = NO_MEETING
    step_index: int = -1  # how far the meeting is (index of its current step; len(STEPS) when done)
    lateness: str = GREY
    late_steps: tuple[str, ...] = ()
    late_days: int = 0
    request_approved_on: dt.date | None = None
    held_on: dt.date | None = None
    report_on: dt.date | None = None
    report_due: dt.date | None = None
    items_total: int = 0
    items_closed: int = 0
    items_overdue: int = 0
    rules_broken: int | None = None  # compliance rules broken (None: no meeting, or not computed)

    @property
    def lateness_label(self) -> str:
        if self.lateness == RED and self.late_steps:
            return f"逾期：{'、'.join(self.late_steps)}"
        if self.lateness == RED and self.items_overdue:
            return f"整改事项逾期{self.items_overdue}项"
        return LATENESS_LABELS[self.lateness]

    @property
    def report_late(self) -> bool:
        return self.report_on is not None and self.report_due is not None and self.report_on > self.report_due

    @property
    def state_key(self) -> str:
        if self.meeting is None:
            return "none"
        if self.meeting.archived_on is not None:
            return "archived"
        return "held" if self.held_on else "open"


def require_oversight(user: Any) -> Any:
    """The user's access, or 403 for a user who reads no meeting (a 督导组 member reads only the
    meetings he is assigned to)."""
    access = access_for(user)
    if not access.can_anywhere(Perm.MEETING_READ):
        raise PermissionDenied("只有可以查看本单位或下级单位民主生活会的人员可以查看总览")
    return access


def oversight_units(user: Any) -> list[UnitRef]:
    """The units whose meetings the user reads, in tree order."""
    access = require_oversight(user)
    rows = (
        Organization.objects.filter(access.org_q(Perm.MEETING_READ))
        .order_by("path")
        .values_list("id", "parent_id", "name", "short_name", "path")
    )
    return [UnitRef._make(r) for r in rows]


def oversight_years() -> list[int]:
    return sorted(set(YearConfig.objects.values_list("year", flat=True)), reverse=True)


def overview_rows(
    *,
    user: Any,
    year: int,
    kind: str = MeetingKind.ANNUAL,
    subtree: int | None = None,
    state: str = "",
    sort: str = "unit",
    on: dt.date | None = None,
) -> tuple[list[Row], list[Organization]]:
    """(the rows for the filters, every unit in reach — for the subtree choice)."""
    on = on or today()
    units = oversight_units(user)
    shown = units
    if subtree is not None:
        top = next((u for u in units if u.pk == subtree), None)
        shown = [u for u in units if top is not None and u.path.startswith(top.path)]
    by_unit = {u.pk: Row(unit=u) for u in shown}

    access = access_for(user)
    # The year's meetings of the units in reach, as a subquery the other reads reuse (no id lists).
    year_meetings = Meeting.objects.filter(
        access.org_q(Perm.MEETING_READ, "organization__"),
        config__year=year,
        kind=kind,
        cancelled_on__isnull=True,
        is_copy=False,
    )
    if subtree is not None:
        year_meetings = year_meetings.filter(organization_id__in=list(by_unit))
    columns = ("id", *MeetingRef._fields[1:])
    meetings = [MeetingRef._make(r) for r in year_meetings.order_by("planned_date", "id").values_list(*columns)]
    # The few year configurations once, not one copy per meeting.
    configs = YearConfig.objects.in_bulk({m.config_id for m in meetings})
    for m in meetings:
        row = by_unit[m.organization_id]
        if row.meeting is None:
            row.meeting = m
        else:
            row.extra_meetings += 1
    ids = year_meetings.values("id")

    # Which steps are done; the day only of the two the row shows (decoding thousands of dates
    # costs more than the query).
    shown_day = Case(When(step__in=DATED_STEPS, then=F("completed_on")), output_field=DateField())
    completions: dict[int, dict[str, dt.date | None]] = defaultdict(dict)
    for meeting_id, step, done_on in StepCompletion.objects.filter(meeting_id__in=ids).values_list(
        "meeting_id", "step", shown_day
    ):
        completions[meeting_id][step] = done_on
    approved = dict(
        PlanRequest.objects.filter(meeting_id__in=ids, status=RequestStatus.APPROVED)
        .values("meeting_id")
        .annotate(on=Max("replied_on"))
        .values_list("meeting_id", "on")
    )
    # The ledgers' roll-up (rectification.tally: items per meeting, status and deadline), not the
    # items themselves: one GROUP BY over a few rows per meeting. Items carried on count where they now live.
    figures = {
        r["meeting_id"]: r
        for r in LedgerTally.objects.filter(meeting_id__in=ids)
        .exclude(status=Status.CARRIED)
        .values("meeting_id")
        .annotate(
            total=Sum("count"),
            closed=Sum("count", filter=Q(status=Status.CLOSED)),
            overdue=Sum("count", filter=Q(status__in=OPEN_STATUSES, deadline__lt=on)),
        )
    }

    report_step = STEP_BY_KEY["report"]
    timelines = SharedTimelines(today=on)
    report_due: dict[tuple, dt.date] = {}
    for row in by_unit.values():
        m = row.meeting
        if m is None:
            # A year already over with no meeting for it is late; the current one is a warning.
            row.lateness = RED if year < on.year else YELLOW
            row.late_steps = ("未建立会议",) if year < on.year else ()
            continue
        config = configs[m.config_id]
        done = completions.get(m.pk, {})
        step = current_step(done)
        row.step_index = STEPS.index(step) if step else len(STEPS)
        row.state = "已归档" if m.archived_on else (step.label if step else "已全部完成")
        lateness = timelines.lateness(
            planned_date=m.planned_date, config=config, done=done, entered_after=m.entered_after
        )
        late = lateness.late
        row.late_steps = lateness.labels
        row.late_days = lateness.late_days
        row.request_approved_on = approved.get(m.pk)
        row.held_on = done.get("meeting")
        row.report_on = done.get("report")
        due_key = (m.planned_date, m.config_id)
        if due_key not in report_due:  # the units meet on the few dates the superior sets
            report_due[due_key] = report_step.due(m.planned_date, config)
        row.report_due = report_due[due_key]
        f = figures.get(m.pk)
        if f:
            row.items_total, row.items_closed, row.items_overdue = f["total"] or 0, f["closed"] or 0, f["overdue"] or 0
        if late or row.items_overdue:
            row.lateness = RED
        elif lateness.soon:
            row.lateness = YELLOW
        else:
            row.lateness = GREEN

    rows = list(by_unit.values())
    if state == "late":
        rows = [r for r in rows if r.lateness == RED]
    elif state in STATES:
        rows = [r for r in rows if r.state_key == state]
    rows.sort(key=SORTS.get(sort, SORTS["unit"]))
    return rows, units


def add_compliance(rows: list[Row], *, on: dt.date | None = None) -> list[Row]:
    """Each row's count of compliance rules broken, for the rows given (the page shown, or every row
    for the export and the printable table): their meetings loaded and judged all at once, in the
    compliance selectors' fixed number of queries."""
    ids = [r.meeting.pk for r in rows if r.meeting is not None]
    meetings = list(Meeting.objects.filter(pk__in=ids).select_related("config", "organization")) if ids else []
    broken = broken_counts(meetings, on=on)
    for r in rows:
        if r.meeting is not None:
            r.rules_broken = broken[r.meeting.pk]
    return rows
