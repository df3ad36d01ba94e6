"""Reads of the rectification ledger.

Pages reach the meeting through `get_meeting_for_user` first; what the user may see and do inside
the ledger is the policy's (`accounts.policy`, the LEDGER_* abilities): the preparer and
administrator keep every item, the principal sees and verifies every item, the 督导组 and the
superior's organization department read every item (and verify team items when the meeting requires
it), a member sees and updates only his own items. `ledger_for_meeting(meeting, policy=...)` shows
a user only what the policy lets him read.

For documents (the examination material, the report), which already hold a meeting the user may
read: `ledger_for_meeting(meeting)`, `rollup(meeting)` and `carry_over(meeting)`.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery

from mingjing.accounts.policy import Ability, MeetingPolicy, policy_for
from mingjing.accounts.selectors import get_scoped
from mingjing.audit.models import AuditEvent
from mingjing.audit.selectors import HistoryLine, describe, history_for_object
from mingjing.lib.dates import today
from mingjing.lib.memo import per_build
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.meetings.selectors import get_meeting_record_for_user, meetings_for_user, roster_in_order
from mingjing.organizations.models import Person, TeamRole
from mingjing.rectification.deadlines import OVERDUE, URGENT, WARNING, DeadlineMark, deadline_mark
from mingjing.rectification.models import (
    EvidenceFile,
    Milestone,
    Notice,
    PreviousState,
    PreviousYearSummary,
    RectificationItem,
    RectificationSettings,
    Status,
)

TEAM_LABEL = "领导班子整改方案"


def settings_for(meeting: Meeting) -> RectificationSettings:
    """The meeting's settings, or the defaults (unsaved) when none were set. Not read again when the
    meeting was fetched with them (`select_related("rectification_settings")`)."""
    # The defaults are made by the meeting's id: made with the meeting itself, a one-to-one would
    # cache them on it as if they had been read with it.
    if Meeting.rectification_settings.is_cached(meeting):
        try:
            return meeting.rectification_settings
        except RectificationSettings.DoesNotExist:
            return RectificationSettings(meeting_id=meeting.pk)
    return RectificationSettings.objects.filter(meeting=meeting).first() or RectificationSettings(meeting_id=meeting.pk)


# --- reaching an item ------------------------------------------------------------------------------
# Who may do what is decided by `accounts.policy` alone: LEDGER_READ_ALL, LEDGER_READ_ITEM(item),
# LEDGER_DEFINE, LEDGER_MANAGE, LEDGER_UPDATE(item), LEDGER_IMPORT, LEDGER_VERIFY(item) and
# `policy.verify_stage(item)`. The ledger stays live after archiving; an imported copy only reads.


ITEM_PAGE_RELATED = (
    "owner",
    "problem",
    "responsible_leader",
    "responsible_division",
    "responsible_person",
    "carried_from",
)


def get_item_for_user(
    *, user: Any, pk: Any, ability: Ability = Ability.LEDGER_READ_ITEM
) -> tuple[RectificationItem, MeetingPolicy]:
    """404 outside the meetings the user may read; 403 for another member's item, or for an item
    he may read but not do `ability` to."""
    item = get_meeting_record_for_user(
        model=RectificationItem,
        user=user,
        pk=pk,
        ability=Ability.READ,
        missing="没有找到该整改事项",
        # What the item's page names (list, problem, leader, division, person, last year's item):
        # joined here, not one query each.
        related=ITEM_PAGE_RELATED,
    )
    policy = policy_for(user=user, meeting=item.meeting)
    policy.require(Ability.LEDGER_READ_ITEM, item)
    if ability is not Ability.LEDGER_READ_ITEM:
        policy.require(ability, item)
    return item, policy


def get_evidence_for_user(*, user: Any, pk: Any) -> EvidenceFile:
    """An evidence file of an item the user may see (404 outside his meetings, 403 another member's)."""
    qs = EvidenceFile.objects.filter(item__meeting__in=meetings_for_user(user=user))
    evidence = get_scoped(qs, pk, missing="没有找到该佐证材料")
    get_item_for_user(user=user, pk=evidence.item_id)
    return evidence


def get_notice_for_user(*, user: Any, pk: Any, ability: Ability = Ability.READ) -> Notice:
    return get_meeting_record_for_user(model=Notice, user=user, pk=pk, ability=ability, missing="没有找到该公示通报")


# --- the ledger ------------------------------------------------------------------------------------


def items_of_meeting(*, meeting: Meeting) -> QuerySet[RectificationItem]:
    """The meeting's items, each with `successor_id`: its copy in next year's ledger (None if not carried)."""
    successor = RectificationItem.objects.filter(carried_from=OuterRef("pk")).values("pk")[:1]
    # Joined by primary keys from the meeting's items (index on meeting_id): PostgreSQL reads the
    # roster and person tables by index at province size (bench/postgres.py prints the plan).
    return (
        RectificationItem.objects.filter(meeting=meeting)
        .select_related("owner", "responsible_leader", "responsible_division", "responsible_person", "carried_from")
        .annotate(successor_id=Subquery(successor))
    )


@dataclass(frozen=True)
class ItemRow:
    item: RectificationItem
    mark: DeadlineMark


@dataclass
class Group:
    """The team's plan (owner None) or one member's list, with its roll-up."""

    owner: RosterEntry | None
    label: str
    rows: list[ItemRow] = field(default_factory=list)

    @property
    def total(self) -> int:
        return len(self.rows)

    def _count(self, status: str) -> int:
        return sum(1 for r in self.rows if r.item.status == status)

    @property
    def closed(self) -> int:
        return self._count(Status.CLOSED)

    @property
    def requested(self) -> int:
        return self._count(Status.REQUESTED)

    @property
    def carried(self) -> int:
        """Carried to next year's ledger: counted there, not here (neither open nor overdue)."""
        return self._count(Status.CARRIED)

    @property
    def open(self) -> int:
        return self.total - self.closed - self.carried

    @property
    def overdue(self) -> int:
        return sum(1 for r in self.rows if r.mark.state == OVERDUE)

    @property
    def warning(self) -> int:
        return sum(1 for r in self.rows if r.mark.state in (URGENT, WARNING))

    @property
    def long_term(self) -> int:
        return sum(1 for r in self.rows if r.item.long_term and r.item.is_open)

    @property
    def progress(self) -> int:
        """Average completion, a closed item counting as 100 %; carried items count next year."""
        rows = [r for r in self.rows if not r.item.is_carried]
        if not rows:
            return 0
        values = [100 if r.item.status == Status.CLOSED else r.item.progress for r in rows]
        return round(sum(values) / len(values))


@dataclass
class Ledger:
    meeting: Meeting
    settings: RectificationSettings
    groups: list[Group]

    @property
    def rows(self) -> list[ItemRow]:
        return [r for g in self.groups for r in g.rows]

    @property
    def total(self) -> Group:
        """The roll-up over every group, as one pseudo-group."""
        return Group(owner=None, label="合计", rows=self.rows)

    @property
    def members(self) -> list[Group]:
        return [g for g in self.groups if g.owner is not None]

    @property
    def team(self) -> Group | None:
        return next((g for g in self.groups if g.owner is None), None)


def _rows(items: list[RectificationItem], settings: RectificationSettings, on: dt.date) -> list[ItemRow]:
    first, second = settings.first_warning_days, settings.second_warning_days
    return [ItemRow(i, deadline_mark(i, today=on, first_days=first, second_days=second)) for i in items]


def item_mark(item: RectificationItem, settings: RectificationSettings, on: dt.date | None = None) -> DeadlineMark:
    return _rows([item], settings, on or today())[0].mark


def visible_items(items: Any, policy: MeetingPolicy | None) -> list[RectificationItem]:
    """The items the policy lets its user read (all of them without a policy: a document)."""
    items = list(items)
    if policy is None or policy.can(Ability.LEDGER_READ_ALL):
        return items
    return [i for i in items if policy.can(Ability.LEDGER_READ_ITEM, i)]


@per_build  # the archive box renders a dozen documents from one ledger
def ledger_for_meeting(meeting: Meeting, *, policy: MeetingPolicy | None = None, on: dt.date | None = None) -> Ledger:
    """The team's plan first, then each member's list in team order. With the policy of a user who
    may not read every item, only the items he may read (and only the groups that hold them, or
    his own list)."""
    return _ledger(meeting, items_of_meeting(meeting=meeting), policy=policy, on=on)


def _ledger(meeting: Meeting, items: QuerySet, *, policy: MeetingPolicy | None, on: dt.date | None) -> Ledger:
    on = on or today()
    settings = settings_for(meeting)
    partial = policy is not None and not policy.can(Ability.LEDGER_READ_ALL)
    items = visible_items(items.order_by("number"), policy)
    by_owner: dict[int | None, list[RectificationItem]] = defaultdict(list)
    for item in items:
        by_owner[item.owner_id].append(item)
    roster = [e for e in roster_in_order(meeting) if e.team_role != TeamRole.NONE]
    groups = [Group(owner=None, label=TEAM_LABEL, rows=_rows(by_owner.pop(None, []), settings, on))]
    for entry in roster:
        rows = _rows(by_owner.pop(entry.pk, []), settings, on)
        groups.append(Group(owner=entry, label=f"{entry.name}同志整改清单", rows=rows))
    for entries in by_owner.values():  # owners no longer in the team roster
        owner = entries[0].owner
        groups.append(Group(owner=owner, label=f"{owner.name}同志整改清单", rows=_rows(entries, settings, on)))
    if partial:
        groups = [g for g in groups if g.rows or (g.owner is not None and policy.owns(g.owner))]
    return Ledger(meeting=meeting, settings=settings, groups=groups)


LEDGER_STATES = {
    "open": "未完成",
    "overdue": "逾期",
    "warning": "临期",
    "requested": "申请销号",
    "closed": "已销号",
}


@dataclass
class LedgerPageGroup:
    group: Group
    rows: list[ItemRow]


def ledger_filters(params: Any) -> dict[str, str]:
    """The ledger page's filters: `list` ("team" or a roster entry id), `state` (LEDGER_STATES) and
    `q` (words of the problem or the measures)."""
    chosen = params.get("list", "")
    state = params.get("state", "")
    return {
        "list": chosen if chosen == "team" or chosen.isdigit() else "",
        "state": state if state in LEDGER_STATES else "",
        "q": params.get("q", "").strip()[:100],
    }


def _state_matches(row: ItemRow, state: str) -> bool:
    item = row.item
    if state == "open":
        return item.is_open
    if state == "overdue":
        return row.mark.state == OVERDUE
    if state == "warning":
        return row.mark.state in (URGENT, WARNING)
    return item.status == state


def ledger_rows(ledger: Ledger, *, list: str = "", state: str = "", q: str = "") -> list[tuple[Group, ItemRow]]:
    """The ledger's rows (with their group) that pass the filters, in the ledger's order."""
    words = q.split()
    chosen = []
    for g in ledger.groups:
        if list == "team" and g.owner is not None:
            continue
        if list.isdigit() and (g.owner is None or str(g.owner.pk) != list):
            continue
        for r in g.rows:
            if state and not _state_matches(r, state):
                continue
            if words and not all(w in r.item.problem_text or w in r.item.measures for w in words):
                continue
            chosen.append((g, r))
    return chosen


def page_groups(page: Any) -> list[LedgerPageGroup]:
    """A page of `ledger_rows` under the headings of their groups."""
    groups: list[LedgerPageGroup] = []
    for g, r in page:
        if not groups or groups[-1].group is not g:
            groups.append(LedgerPageGroup(group=g, rows=[]))
        groups[-1].rows.append(r)
    return groups


@per_build
def rollup(meeting: Meeting, *, on: dt.date | None = None) -> Ledger:
    """The whole ledger's roll-up: `.groups` (team, then each member) with total / closed / open /
    overdue / warning / long_term / progress, and `.total` over all of them. For the reports: each
    item with the leader, division and person it names, without the links to last year's item and
    next year's copy (the ledger page's `successor_id`)."""
    items = RectificationItem.objects.filter(meeting=meeting).select_related(
        "responsible_leader", "responsible_division", "responsible_person"
    )
    return _ledger(meeting, items, policy=None, on=on)


# --- carry-over: what last year's ledger says for this meeting -----------------------------------

DONE, IN_PROGRESS, LONG_TERM = "done", "in_progress", "long_term"
STATE_LABELS = {DONE: "已完成", IN_PROGRESS: "正在整改", LONG_TERM: "长期坚持"}


@dataclass(frozen=True)
class CarryOverLine:
    """One line of last year's rectification: an item of last year's ledger (`item`, with `current`
    its carried-over successor or itself), or a line recorded on paper (`paper`: an item, or a count
    of items under a theme)."""

    state: str
    item: RectificationItem | None = None  # last year's item
    current: RectificationItem | None = None  # where it stands now: its carried-over successor, or itself
    paper: Any = None  # a PreviousYearLine

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def count(self) -> int:
        return self.paper.count if self.paper is not None else 1

    @property
    def is_team(self) -> bool:
        return not self.paper.owner_name.strip() if self.paper is not None else self.item.owner_id is None

    @property
    def owner_label(self) -> str:
        if self.paper is not None:
            return self.paper.owner_name.strip() or "领导班子"
        return "领导班子" if self.item.owner_id is None else self.item.owner.name

    def belongs_to(self, entry: RosterEntry) -> bool:
        """The member's own line: the same person (a paper line: the same name)."""
        if self.paper is not None:
            return self.paper.owner_name.strip() == entry.name
        return self.item.owner_id is not None and self.item.owner.person_id == entry.person_id

    @property
    def text(self) -> str:
        if self.paper is not None:
            return self.paper.text
        return self.item.problem_text

    @property
    def subject(self) -> str:
        """“关于“…”的问题” for an item, “…方面的N项整改事项” for a count under a theme."""
        text = " ".join(self.text.split()).rstrip("。；;")
        if text:
            return f"关于“{text}”的问题"
        theme = self.paper.theme.strip().rstrip("。")
        return f"{theme}{'' if theme.endswith('方面') else '方面'}的{self.count}项整改事项"


@dataclass(frozen=True)
class CarryOver:
    previous: Meeting | None
    lines: list[CarryOverLine]
    paper: PreviousYearSummary | None = None  # last year recorded in summary (held outside 明镜)

    @property
    def previous_name(self) -> str | None:
        if self.previous is not None:
            return self.previous.config.name
        return self.paper.previous_name if self.paper is not None else None

    def _count(self, state: str) -> int:
        return sum(line.count for line in self.lines if line.state == state)

    @property
    def total(self) -> int:
        return sum(line.count for line in self.lines)

    @property
    def done(self) -> int:
        return self._count(DONE)

    @property
    def in_progress(self) -> int:
        return self._count(IN_PROGRESS)

    @property
    def long_term(self) -> int:
        return self._count(LONG_TERM)

    @property
    def team_lines(self) -> list[CarryOverLine]:
        return [line for line in self.lines if line.is_team]

    @property
    def member_lines(self) -> list[CarryOverLine]:
        return [line for line in self.lines if not line.is_team]

    @property
    def summary(self) -> str:
        """One sentence for the 上年度整改落实情况 section; 【待补充】 when there is no ledger."""
        if self.previous_name is None or not self.lines:
            return "【待补充】"
        return (
            f"{self.previous_name}查摆问题确定的{self.total}项整改事项，"
            f"已整改完成{self.done}项，正在整改{self.in_progress}项，需长期坚持{self.long_term}项。"
        )


def _carry_order(item: RectificationItem) -> tuple:
    """The team's items first, then the principal's, then the members' (by precedence, then owner),
    each list by number."""
    owner = item.owner
    if owner is None:
        return (0, 0, 0, item.number)
    return (1 if owner.team_role == TeamRole.PRINCIPAL else 2, owner.precedence, owner.pk, item.number)


def _state(item: RectificationItem) -> str:
    if item.status == Status.CLOSED:
        return DONE
    return LONG_TERM if item.long_term else IN_PROGRESS


def previous_of_same_unit(meeting: Meeting) -> Meeting | None:
    """Last year's meeting when it is of the same unit; None otherwise."""
    previous = meeting.previous
    if previous is None or previous.organization_id != meeting.organization_id:
        return None
    return previous


PAPER_STATES = {PreviousState.DONE: DONE, PreviousState.IN_PROGRESS: IN_PROGRESS, PreviousState.LONG_TERM: LONG_TERM}


def previous_year_summary(meeting: Meeting) -> PreviousYearSummary | None:
    """Last year's rectification as the unit recorded it in summary, with its lines; None if not."""
    summary = PreviousYearSummary.objects.filter(meeting=meeting).first()
    if summary is not None:
        summary.line_list = list(summary.lines.order_by("order", "id"))
    return summary


def carry_over(meeting: Meeting) -> CarryOver:
    """Last year's rectification as it stands for this meeting. From last year's ledger
    (meeting.previous) when it is in 明镜: an item carried over to this meeting counts by its
    successor's status (closed this year → done). A previous meeting of another unit (a link only an
    edited bundle makes) is ignored: its ledger is not ours. Without a ledger of last year, what the
    unit recorded in summary (`PreviousYearSummary`, last year held on paper)."""
    previous = previous_of_same_unit(meeting)
    lines = []
    if previous is not None:
        # One query: last year's items (with their list's owner) and this year's carried-over
        # copies, put in order here (_carry_order).
        rows = list(
            RectificationItem.objects.filter(
                Q(meeting=previous) | Q(meeting=meeting, carried_from__isnull=False)
            ).select_related("owner")
        )
        successors: dict[int, RectificationItem] = {}
        for row in sorted((r for r in rows if r.meeting_id == meeting.pk), key=lambda r: r.pk):
            successors[row.carried_from_id] = row  # the newest copy wins, as before
        items = sorted((r for r in rows if r.meeting_id == previous.pk), key=_carry_order)
        for item in items:
            current = successors.get(item.pk, item)
            lines.append(CarryOverLine(item=item, current=current, state=_state(current)))
    if lines:
        return CarryOver(previous=previous, lines=lines)
    paper = previous_year_summary(meeting)
    if paper is not None:
        paper_lines = [CarryOverLine(paper=line, state=PAPER_STATES[line.state]) for line in paper.line_list]
        team_first = sorted(paper_lines, key=lambda line: not line.is_team)  # stable: the entered order
        return CarryOver(previous=None, lines=team_first, paper=paper)
    return CarryOver(previous=previous, lines=[])


# --- an item, 我的整改, notices ------------------------------------------------------------------


def item_milestones(*, item: RectificationItem) -> list[Milestone]:
    files = EvidenceFile.objects.order_by("id")
    return list(
        Milestone.objects.filter(item=item)
        .select_related("created_by")
        .prefetch_related(Prefetch("files", queryset=files))
        .order_by("date", "id")
    )


def item_loose_files(*, item: RectificationItem) -> list[EvidenceFile]:
    return list(EvidenceFile.objects.filter(item=item, milestone__isnull=True).order_by("id"))


@dataclass(frozen=True)
class MyMeeting:
    meeting: Meeting
    rows: list[ItemRow]


def my_items(*, user: Any, on: dt.date | None = None) -> list[MyMeeting]:
    """Every item across meetings the user may read that is his: he owns the list, or he is the
    item's responsible leader or responsible person. Newest meeting first. An item carried to next
    year appears once, as its copy."""
    on = on or today()
    if not getattr(user, "is_authenticated", False):
        return []
    # His person and its roster lines first (unique user_id, indexed person_id), then the items by
    # their indexed columns: an OR over joined user_id conditions reads every item on PostgreSQL.
    people: set[int] = set()
    entries: set[int] = set()
    for person_id, entry_id in Person.objects.filter(user_id=user.pk).values_list("id", "roster_entries__id"):
        people.add(person_id)
        if entry_id is not None:
            entries.add(entry_id)
    if not people:
        return []
    mine = Q(responsible_person_id__in=sorted(people))
    if entries:
        mine |= Q(owner_id__in=sorted(entries)) | Q(responsible_leader_id__in=sorted(entries))
    meetings = meetings_for_user(user=user).values("id")
    items = list(
        RectificationItem.objects.filter(mine, meeting__in=meetings)
        .exclude(status=Status.CARRIED)  # it lives, and is his, in next year's ledger
        .select_related(
            "meeting",
            "owner",
            "responsible_leader",
            "responsible_division",
            "responsible_person",
            "meeting__rectification_settings",
        )
        .order_by("-meeting__planned_date", "meeting_id", "number")
    )
    result: list[MyMeeting] = []
    for item in items:
        if not result or result[-1].meeting.pk != item.meeting_id:
            result.append(MyMeeting(meeting=item.meeting, rows=[]))
        try:
            settings = item.meeting.rectification_settings
        except RectificationSettings.DoesNotExist:
            settings = RectificationSettings(meeting=item.meeting)
        result[-1].rows.extend(_rows([item], settings, on))
    return result


def notices_of_meeting(*, meeting: Meeting) -> QuerySet[Notice]:
    return Notice.objects.filter(meeting=meeting).order_by("published_on", "id")


# --- an item's history ----------------------------------------------------------------------------

MEETING_LEVEL_EVENTS = ("rectification.generated", "rectification.imported", "rectification.carried_over")


def _describe(event: AuditEvent, kind: str) -> str:
    """As audit's describe(), but this app's own events show each change as “由…改为…”."""
    if not (event.event_type.startswith("rectification.") and event.changes):
        return describe(event, kind)
    bare = copy.copy(event)
    bare.changes = []
    parts = [f"{c['label']}由“{c['old']}”改为“{c['new']}”" for c in event.changes]
    return describe(bare, kind) + "：" + "，".join(parts)


def item_history(item: RectificationItem, *, successors: list[RectificationItem] | None = None) -> list[HistoryLine]:
    """The item's own events, plus the ledger-wide ones (generated from problems, carried over,
    imported from a sheet) that name it, with what they changed on it. `successors`: its carried
    copies when the page has loaded them (not read again)."""
    lines = [HistoryLine(event=line.event, text=_describe(line.event, "整改事项")) for line in history_for_object(item)]
    if successors is None:
        carried = list(item.carried_to.values_list("meeting_id", flat=True))
    else:
        carried = [s.meeting_id for s in successors]
    meetings = [item.meeting_id, *carried]  # carried on: there
    events = AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Meeting),
        object_id__in=meetings,
        event_type__in=MEETING_LEVEL_EVENTS,
        extra__items__has_key=str(item.pk),
    )
    for event in events:
        text = describe(event, "整改事项")
        changes = event.extra["items"][str(item.pk)]
        if changes:
            parts = [f"{c['label']}由“{c['old'] or '（空）'}”改为“{c['new'] or '（空）'}”" for c in changes]
            text += "；本事项：" + "，".join(parts)
        lines.append(HistoryLine(event=event, text=text))
    return sorted(lines, key=lambda line: (line.event.event_time, line.event.pk), reverse=True)
