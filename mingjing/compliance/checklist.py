"""What is still open in a meeting before it is boxed (归档前核对): the steps not done, the compliance
rules broken and the 【待补充】 each document would seal into the box.

The archive page, `mingjing archive` and the archive service read the same checklist: the web page
shows it with a confirmation, the CLI prints it and asks for --force, the service refuses a meeting
never held and writes the open points into the audit line of a forced archive.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from mingjing.compliance.selectors import RuleResult, meeting_compliance
from mingjing.documents.registry import kinds
from mingjing.documents.selectors import overrides_for
from mingjing.meetings.models import Meeting
from mingjing.meetings.selectors import meeting_roster, meeting_timeline
from mingjing.meetings.timeline import DONE

CATALOGUE_KIND = "catalogue"  # the archive catalogue is written by the box itself
NOT_HELD = "本次民主生活会尚未召开（会议记录未定稿，“召开民主生活会”步骤未完成），不能归档"


@dataclass(frozen=True)
class DocumentGap:
    title: str
    missing: int


@dataclass
class Checklist:
    meeting: Meeting
    held: bool
    steps_open: list[str] = field(default_factory=list)
    rules_broken: list[RuleResult] = field(default_factory=list)
    documents: list[DocumentGap] = field(default_factory=list)  # only those with 【待补充】 left
    documents_checked: int = 0

    @property
    def blocked(self) -> str:
        """Why the meeting cannot be archived at all ('' when it can)."""
        return "" if self.held else NOT_HELD

    @property
    def missing_total(self) -> int:
        return sum(d.missing for d in self.documents)

    @property
    def open_points(self) -> list[str]:
        """Every open point as one line (the CLI prints them, a forced archive audits them)."""
        lines = [f"步骤未完成：{label}" for label in self.steps_open]
        lines += [f"不符合：{r.name}（{r.details}）" for r in self.rules_broken]
        lines += [f"【待补充】{d.missing}处：{d.title}" for d in self.documents]
        return lines

    @property
    def clean(self) -> bool:
        return not self.open_points


def document_gaps(meeting: Meeting) -> tuple[list[DocumentGap], int]:
    """Each of the meeting's documents as the box would write it (the users' edits applied), with
    the 【待补充】 it prints; (those with any left, how many documents were checked)."""
    roster = meeting_roster(meeting=meeting)
    gaps, checked = [], 0
    for kind in kinds():
        if kind.kind == CATALOGUE_KIND or not kind.docx:
            continue
        members = roster if kind.per_member else [None, *roster] if kind.member_optional else [None]
        for member in members:
            overrides = overrides_for(meeting=meeting, kind=kind.kind, member=member)
            doc = kind.build_docx(meeting, member, overrides)
            checked += 1
            if doc.missing:
                gaps.append(DocumentGap(kind.label + (f"（{member.name}）" if member else ""), doc.missing))
    return gaps, checked


def archive_checklist(*, meeting: Meeting, on: dt.date | None = None, documents: bool = True) -> Checklist:
    """The checklist; `documents=False` leaves out the (slow) document rendering."""
    timeline = meeting_timeline(meeting=meeting, on=on)
    held = any(v.step.key == "meeting" and v.state == DONE for v in timeline)
    checklist = Checklist(
        meeting=meeting,
        held=held,
        steps_open=[v.step.label for v in timeline if v.state != DONE and v.step.key != "archive"],
        rules_broken=meeting_compliance(meeting=meeting, on=on).broken,
    )
    if documents:
        checklist.documents, checklist.documents_checked = document_gaps(meeting)
    return checklist
