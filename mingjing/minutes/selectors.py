"""Reads of the meeting record, reached through a meeting the user may see.

`minutes_for_meeting(meeting)` is what the live page, the read-only view and the documents (会议记录,
情况报告) use: everything recorded, in speaking order, with the counts and the quorum statement
computed from the rows. It runs a fixed number of queries whatever the size of the team.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count

from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.meetings.selectors import meeting_roster
from mingjing.minutes.models import (
    AgendaItem,
    Attendance,
    Criticism,
    MeetingRecord,
    MemberSpeech,
    Observer,
    SupervisorPresent,
)
from mingjing.minutes.rules import Quorum, criticism_warning
from mingjing.minutes.services import record_quorum
from mingjing.organizations.models import TeamRole
from mingjing.problems.models import Problem


def record_for_meeting(*, meeting: Meeting) -> MeetingRecord | None:
    return MeetingRecord.objects.filter(meeting=meeting).select_related("chair").first()


@dataclass
class CriticismView:
    criticism: Criticism
    warning: str | None


@dataclass
class PersonCounts:
    """One member's figures: problems he found (查摆问题) and criticisms given and received."""

    problems: int = 0
    given: int = 0  # criticisms he raised (人次)
    given_points: int = 0  # … and their points (条)
    received: int = 0
    received_points: int = 0
    warnings: int = 0  # criticisms he received that read as a wish or praise


@dataclass
class Turn:
    """One member's part of the meeting, in speaking order."""

    entry: RosterEntry
    attendance: Attendance
    speech: MemberSpeech
    criticisms: list[CriticismView]
    counts: PersonCounts

    @property
    def present(self) -> bool:
        return self.attendance.present

    @property
    def is_principal(self) -> bool:
        return self.entry.team_role == TeamRole.PRINCIPAL


@dataclass
class Totals:
    team_problems: int = 0  # the team's own problems (member empty)
    member_problems: int = 0
    criticisms: int = 0  # 人次
    criticism_points: int = 0  # 条
    warnings: int = 0

    @property
    def problems(self) -> int:
        return self.team_problems + self.member_problems

    @property
    def statement(self) -> str:
        """'领导班子查摆问题5条，班子成员查摆问题12条，相互提出批评意见18条' — as seed 001 writes it."""
        return (
            f"领导班子查摆问题{self.team_problems}条，班子成员查摆问题{self.member_problems}条，"
            f"相互提出批评意见{self.criticism_points}条（{self.criticisms}人次）"
        )


@dataclass
class Minutes:
    record: MeetingRecord
    meeting: Meeting
    quorum: Quorum
    attendances: list[Attendance]  # in roster order (principal first, then precedence)
    supervisors: list[SupervisorPresent]
    observers: list[Observer]
    agenda: list[AgendaItem]
    turns: list[Turn]  # speaking order: the principal first, then members by precedence
    totals: Totals
    roster: list[RosterEntry] = field(default_factory=list)

    @property
    def present_names(self) -> str:
        return "、".join(a.entry.name for a in self.attendances if a.present)

    @property
    def on_leave(self) -> list[Attendance]:
        return [a for a in self.attendances if not a.present]

    @property
    def present_turns(self) -> list[Turn]:
        return [t for t in self.turns if t.present]

    @property
    def principal_turn(self) -> Turn | None:
        return next((t for t in self.turns if t.is_principal), None)

    @property
    def warnings(self) -> list[CriticismView]:
        return [c for t in self.turns for c in t.criticisms if c.warning]


def speaking_order(roster: list[RosterEntry]) -> list[RosterEntry]:
    """The principal first (after he presents the team's examination), then members by precedence."""
    rank = {TeamRole.PRINCIPAL: 0, TeamRole.MEMBER: 1}
    return sorted(roster, key=lambda e: (rank.get(e.team_role, 2), e.precedence, e.pk))


def minutes_for_meeting(meeting: Meeting) -> Minutes | None:
    """Everything recorded for the meeting, or None when the record has not been started.

    Pass a meeting reached through get_meeting_for_user (the access check is the caller's)."""
    record = record_for_meeting(meeting=meeting)
    if record is None:
        return None
    record.meeting = meeting
    roster = speaking_order(meeting_roster(meeting=meeting))
    by_id = {e.pk: e for e in roster}
    attendance = {a.entry_id: a for a in Attendance.objects.filter(record=record)}
    speeches = {s.entry_id: s for s in MemberSpeech.objects.filter(record=record)}
    criticisms = list(Criticism.objects.filter(record=record).order_by("to_entry_id", "order", "id"))
    problems = dict(
        Problem.objects.filter(meeting=meeting)
        .values("member_id")
        .annotate(n=Count("id"))
        .values_list("member_id", "n")
    )
    counts: dict[int, PersonCounts] = defaultdict(PersonCounts)
    received: dict[int, list[CriticismView]] = defaultdict(list)
    totals = Totals(team_problems=problems.get(None, 0))
    for c in criticisms:
        c.to_entry = by_id.get(c.to_entry_id) or c.to_entry
        if c.from_entry_id:
            c.from_entry = by_id.get(c.from_entry_id) or c.from_entry
        view = CriticismView(criticism=c, warning=criticism_warning(c.text))
        received[c.to_entry_id].append(view)
        counts[c.to_entry_id].received += 1
        counts[c.to_entry_id].received_points += c.points
        counts[c.to_entry_id].warnings += bool(view.warning)
        if c.from_entry_id:
            counts[c.from_entry_id].given += 1
            counts[c.from_entry_id].given_points += c.points
        totals.criticisms += 1
        totals.criticism_points += c.points
        totals.warnings += bool(view.warning)
    turns = []
    for entry in roster:
        counts[entry.pk].problems = problems.get(entry.pk, 0)
        totals.member_problems += problems.get(entry.pk, 0)
        att = attendance.get(entry.pk) or Attendance(record=record, entry=entry)
        att.entry = entry
        speech = speeches.get(entry.pk) or MemberSpeech(record=record, entry=entry)
        speech.entry = entry
        turns.append(Turn(entry, att, speech, received.get(entry.pk, []), counts[entry.pk]))
    attendances = [t.attendance for t in turns]
    if record.chair_id in by_id:
        record.chair = by_id[record.chair_id]
    return Minutes(
        record=record,
        meeting=meeting,
        quorum=record_quorum(record, attendances),
        attendances=attendances,
        supervisors=list(SupervisorPresent.objects.filter(record=record)),
        observers=list(Observer.objects.filter(record=record)),
        agenda=list(AgendaItem.objects.filter(record=record)),
        turns=turns,
        totals=totals,
        roster=roster,
    )


def minutes_counts(*, meeting: Meeting) -> Totals | None:
    """The computed figures alone, for a report: Totals, or None when nothing is recorded."""
    minutes = minutes_for_meeting(meeting)
    return minutes.totals if minutes else None
