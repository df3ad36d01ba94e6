"""待办: what the user has to do next, computed from the records every time, never stored.

Every "may I" is the access policy's (`accounts.policy`): this module only gathers the records in a
fixed number of queries, puts the facts the policy would look up one meeting at a time (his roster
line, a 督导组 assignment, his person record, the ledger settings) on each meeting's policy before it
is asked, and lists what the policy says is his to do, each with the page where it is done.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse

from mingjing.accounts.policy import Ability, MeetingPolicy, policy_for, superior_only_q
from mingjing.lib.dates import cn_date, today
from mingjing.lib.urls import record_url
from mingjing.materials.models import Material
from mingjing.materials.models import Status as MaterialStatus
from mingjing.meetings.models import Meeting, RosterEntry, StepCompletion, SupervisorAssignment
from mingjing.meetings.selectors import meetings_for_user
from mingjing.meetings.timeline import LATE, SOON, Lateness, SharedTimelines
from mingjing.opinions.models import Campaign
from mingjing.organizations.models import Person
from mingjing.rectification.deadlines import OVERDUE, URGENT, WARNING, deadline_mark
from mingjing.rectification.models import OPEN_STATUSES, RectificationItem, RectificationSettings
from mingjing.rectification.models import Status as ItemStatus
from mingjing.yearconfigs.models import YearConfig

# Groups, in the order the page shows them.
REVIEW, VERIFY, ITEMS, WRITE, STEPS, CAMPAIGNS, UNITS = (
    "review",
    "verify",
    "items",
    "write",
    "steps",
    "campaigns",
    "units",
)
GROUP_LABELS = {
    REVIEW: "待我审核的材料",
    VERIFY: "待我审核的销号申请",
    ITEMS: "我的整改事项（临近时限或已逾期）",
    WRITE: "待我撰写或修改的材料",
    STEPS: "我负责的步骤（已逾期或即将到期）",
    CAMPAIGNS: "待结束的征求意见活动",
    UNITS: "下级单位逾期情况",
}
RED, YELLOW = "state-late", "state-soon"

_SETTINGS_DEFAULTS = {
    f: RectificationSettings._meta.get_field(f).default
    for f in ("first_warning_days", "second_warning_days", "team_needs_review")
}


@dataclass(frozen=True)
class Todo:
    group: str
    text: str
    url: str
    meeting_id: int
    mark: str = ""  # e.g. "已逾期3天"
    css: str = ""  # RED / YELLOW
    # What the entry is about, stable while it stays the same task (reminders key on it), and its deadline.
    key: str = ""
    due: dt.date | None = None
    late_days: int = 0  # how late (the superior's late units are shown the latest first)


LIVE_IDS_MAX = 200
RECENT_DAYS = 3 * 366  # older meetings' open items live on as carried copies in later ledgers


@dataclass
class _Reach:
    """The meetings where something can still be done (recent, not a copy, not cancelled), as the
    to-dos read them. A superior reaches thousands of units' meetings in which his one task is to
    follow lateness up (`superior_only_q`): those stay rows, and become objects with a policy only
    when a material or a closure there waits for him."""

    near: list[Meeting]  # objects, each to get its policy
    far: list[tuple]  # superior-only, not archived: (id, unit short name, config id, planned date, entered after)
    done: dict[int, set[str]]  # steps done, by meeting id
    configs: dict[int, YearConfig]
    # Every one's id: a list when they are few and loaded; else a subquery (a list of thousands of
    # ids costs more than the query).
    live: QuerySet | list[int]

    def prepare(self, meetings: list[Meeting]) -> None:
        """Give loaded meetings their configuration and steps done from what was read once."""
        for m in meetings:
            m.config = self.configs.get(m.config_id) or m.config
            m._todo_done = self.done[m.pk]


def _reach(user: Any, on: dt.date) -> _Reach:
    recent = on - dt.timedelta(days=RECENT_DAYS)
    reachable = meetings_for_user(user=user).filter(is_copy=False, planned_date__gte=recent)
    only_superior = superior_only_q(user)
    near_meetings = reachable if only_superior is None else reachable.exclude(only_superior)
    near = list(near_meetings.select_related(None).select_related("organization", "config").prefetch_related(None))
    far = []
    if only_superior is not None:
        far = list(
            reachable.filter(only_superior, archived_on__isnull=True)
            .order_by("planned_date", "pk")
            .values_list("pk", "organization__short_name", "config_id", "planned_date", "entered_after")
        )
    # The far meetings' year configurations read once each, not decoded again on every row; the
    # steps done as one list of (meeting, step) rather than a prefetch (an object per meeting and step).
    configs = {m.config_id: m.config for m in near}
    if missing := {r[2] for r in far} - set(configs):
        configs.update(YearConfig.objects.in_bulk(missing))
    live: QuerySet | list[int] = reachable.order_by().values("pk")
    if only_superior is None and len(near) <= LIVE_IDS_MAX:
        # All he reaches is loaded already: their ids, not the access rule compiled into every query.
        live = [m.pk for m in near]
    done: dict[int, set[str]] = defaultdict(set)
    for meeting_id, step in (
        StepCompletion.objects.filter(meeting_id__in=live).order_by().values_list("meeting_id", "step")
    ):
        done[meeting_id].add(step)
    reach = _Reach(near, far, done, configs, live)
    reach.prepare(near)
    return reach


class _Policies:
    """Each meeting's policy with the facts it reads per meeting (his roster line, an assignment,
    his person record, the ledger settings) loaded for all meetings at once, in a fixed number of
    queries, and put on the policy before it is asked."""

    def __init__(self, user: Any, live: QuerySet | list[int]) -> None:
        self.user = user
        # His assignments and roster lines are few whatever he reaches: read them all.
        self.assigned = set(SupervisorAssignment.objects.filter(user_id=user.pk).values_list("meeting_id", flat=True))
        self.entries = {
            e.meeting_id: e for e in RosterEntry.objects.filter(person__user_id=user.pk).select_related("person")
        }
        # His person record (one per account): from a roster line when he has one.
        if self.entries:
            self.person_id = next(iter(self.entries.values())).person_id
        else:
            self.person_id = Person.objects.filter(user_id=user.pk).values_list("pk", flat=True).first()
        self.settings = {
            row["meeting_id"]: row
            for row in RectificationSettings.objects.filter(meeting_id__in=live).values(
                "meeting_id", *_SETTINGS_DEFAULTS
            )
        }
        self.by_id: dict[int, MeetingPolicy] = {}

    def add(self, meetings: list[Meeting]) -> None:
        for m in meetings:
            policy = policy_for(user=self.user, meeting=m)
            entry = self.entries.get(m.pk)
            row = self.settings.get(m.pk, _SETTINGS_DEFAULTS)
            policy.know(  # loaded above for all meetings, not looked up per meeting
                supervisor=m.pk in self.assigned,
                entry=entry,
                person_id=entry.person_id if entry is not None else self.person_id,
                team_needs_review=row["team_needs_review"],
                held="meeting" in m._todo_done,
            )
            m._todo_settings = row
            self.by_id[m.pk] = policy


def _late_css(days_late: int) -> str:
    return RED if days_late > 0 else YELLOW


def _late_unit(meeting_id: int, unit: str, lateness: Lateness, url: str) -> Todo | None:
    """The superior's line for a unit below whose meeting has late steps (None when none is late)."""
    worst = lateness.worst
    if worst is None:
        return None
    text = f"{unit}：{len(lateness.late)}个步骤逾期，最久为“{worst.step.label}”"
    key = f"late:{meeting_id}:{worst.step.key}"
    return Todo(UNITS, text, url, meeting_id, worst.state_label, RED, key, late_days=worst.late_days)


def todos_for_user(*, user: Any, on: dt.date | None = None) -> list[Todo]:
    """The user's to-dos, grouped as GROUP_LABELS, most urgent first within a group."""
    on = on or today()
    reach = _reach(user, on)
    if not reach.near and not reach.far:
        return []
    live = reach.live
    facts = _Policies(user, live)
    facts.add(reach.near)
    policies = facts.by_id
    by_id = {m.pk: m for m in reach.near}
    todos: list[Todo] = []

    # What waits for him: materials submitted for approval, 销号 requests at a stage someone in his
    # place could verify (the principal's first, then the review of team items), his own open items;
    # the policy decides each. (A superior reaches thousands of meetings' requests and verifies
    # none before their principal has: they are left out in SQL.)
    submitted = list(
        Material.objects.filter(meeting_id__in=live, status=MaterialStatus.SUBMITTED).select_related("owner")
    )
    principal_ids = [pk for pk, p in policies.items() if p.is_principal]
    requested = Q(meeting_id__in=principal_ids, principal_verified_at__isnull=True) | Q(
        principal_verified_at__isnull=False, owner__isnull=True
    )
    mine_q = Q(owner__person__user_id=user.pk) | Q(responsible_leader__person__user_id=user.pk)
    if facts.person_id is not None or facts.entries:
        mine_q |= Q(responsible_person__user_id=user.pk)
    near_deadline = Q(status__in=OPEN_STATUSES, deadline__isnull=False) & mine_q
    items = list(
        RectificationItem.objects.filter(
            Q(meeting_id__in=live) & ((Q(status=ItemStatus.REQUESTED) & requested) | near_deadline)
        ).order_by("deadline", "meeting_id", "number")
    )
    # The superior-only meetings these name become objects too (a few: what waits for him).
    named = {x.meeting_id for x in [*submitted, *items]} - set(by_id)
    if named:
        asked = list(Meeting.objects.filter(pk__in=sorted(named)).select_related("organization"))
        reach.prepare(asked)
        facts.add(asked)
        by_id.update((m.pk, m) for m in asked)

    # Materials waiting for my approval (outlines for the principal, the team's for the 督导组).
    for material in submitted:
        meeting = by_id[material.meeting_id]
        if policies[meeting.pk].can(Ability.APPROVE_MATERIAL, material.owner):
            url = reverse("materials:edit", args=[meeting.pk, material.slot])
            key = f"review:{material.pk}:{material.current_version}"
            todos.append(Todo(REVIEW, f"{meeting.organization.short_name}：{material}待审核", url, meeting.pk, key=key))

    item_url = record_url("rectification:item")
    for item in items:
        meeting = by_id[item.meeting_id]
        policy = policies[meeting.pk]
        url = item_url.of(item.pk)
        label = f"{meeting.organization.short_name}：{item.key} {item.problem_text[:30]}"
        if item.status == ItemStatus.REQUESTED and policy.can(Ability.LEDGER_VERIFY, item):
            key = f"verify:{item.pk}:{policy.verify_stage(item)}"
            todos.append(Todo(VERIFY, f"{label} 申请销号", url, meeting.pk, key=key))
        elif item.status != ItemStatus.REQUESTED and policy.is_mine(item):
            s = meeting._todo_settings
            mark = deadline_mark(
                item, today=on, first_days=s["first_warning_days"], second_days=s["second_warning_days"]
            )
            if mark.state in (OVERDUE, URGENT, WARNING):
                todos.append(
                    Todo(ITEMS, label, url, meeting.pk, mark.label, mark.css, f"item:{item.pk}", item.deadline)
                )

    # My outline (and the principal's team material) not yet written, or returned; before the meeting.
    writable = {}
    for m in reach.near:
        policy = policies[m.pk]
        if "meeting" in m._todo_done or m.archived_on is not None:
            continue
        if policy.entry is not None and policy.can(Ability.WRITE_MATERIAL, policy.entry):
            writable[(m.pk, policy.entry.pk)] = (m, policy.entry)
        if policy.is_principal and policy.can(Ability.WRITE_MATERIAL, None):
            writable[(m.pk, None)] = (m, None)
    if writable:
        found = {
            (mat.meeting_id, mat.owner_id): mat
            for mat in Material.objects.filter(meeting_id__in={k[0] for k in writable}).filter(
                Q(owner__isnull=True) | Q(owner_id__in=[k[1] for k in writable if k[1]])
            )
        }
        for key, (m, owner) in writable.items():
            mat = found.get(key)
            if mat is None or mat.current_version == 0:
                state = "尚未撰写"
            elif mat.status == MaterialStatus.RETURNED:
                state = "已退回修改"
            elif mat.status == MaterialStatus.DRAFT:
                state = "尚未提交审核"
            else:
                continue
            what = "领导班子对照检查材料" if owner is None else "个人发言提纲"
            slot = "team" if owner is None else str(owner.pk)
            url = reverse("materials:edit", args=[m.pk, slot])
            mark, key = f"会议{cn_date(m.planned_date)}召开", f"write:{m.pk}:{slot}:{state}"
            todos.append(Todo(WRITE, f"{m.title}：{what}{state}", url, m.pk, mark, key=key, due=m.planned_date))

    # Timeline steps whose responsible role is mine in the meeting, late or due within days.
    # The meeting page's address from one reverse: a superior reaches thousands of meetings.
    meeting_url = record_url("meetings:detail")
    timelines = SharedTimelines(today=on)
    for m in reach.near:
        if m.archived_on is not None:
            continue
        policy = policies[m.pk]
        mine = {
            "preparer": policy.can(Ability.EDIT),
            "principal": policy.is_principal,
            "member": policy.entry is not None,
        }
        when = dict(planned_date=m.planned_date, config=m.config, done=m._todo_done, entered_after=m.entered_after)
        url = meeting_url.of(m.pk)
        for v in timelines.views(**when):
            if v.state in (LATE, SOON) and mine.get(str(v.step.responsible)):
                css, key = _late_css(v.late_days), f"step:{m.pk}:{v.step.key}"
                todos.append(Todo(STEPS, f"{m.title}：{v.step.label}", url, m.pk, v.state_label, css, key, v.due_on))
        # The superior watches the units below: one line per late meeting.
        if policy.superior and (todo := _late_unit(m.pk, m.organization.short_name, timelines.lateness(**when), url)):
            todos.append(todo)
    for pk, unit, config_id, planned_date, entered_after in reach.far:  # superior-only: lateness alone
        lateness = timelines.lateness(
            planned_date=planned_date, config=reach.configs[config_id], done=reach.done[pk], entered_after=entered_after
        )
        if todo := _late_unit(pk, unit, lateness, meeting_url.of(pk)):
            todos.append(todo)

    # Campaigns past their closing date and still open, for whoever keeps the records.
    editors = [pk for pk, p in policies.items() if p.can(Ability.EDIT)]
    if editors:
        for c in Campaign.objects.filter(meeting_id__in=editors, closed_on__isnull=True, closes_on__lt=on):
            m = by_id[c.meeting_id]
            url = reverse("opinions:campaign", args=[c.pk])
            mark = f"截止日期{cn_date(c.closes_on)}已过"
            todos.append(Todo(CAMPAIGNS, f"{m.title}：{c}", url, m.pk, mark, YELLOW, f"campaign:{c.pk}", c.closes_on))

    rank = {g: i for i, g in enumerate(GROUP_LABELS)}
    todos.sort(key=lambda t: rank[t.group])
    return todos


UNITS_SHOWN = 10  # the superior's late units on the panel; the rest are one line to the overview


@dataclass(frozen=True)
class Panel:
    """What the 待办 panel shows: the groups, the late units not listed, and the top bar's count."""

    groups: list[tuple[str, list[Todo]]]
    more_units: int
    count: int


def grouped(todos: list[Todo]) -> list[tuple[str, list[Todo]]]:
    groups: dict[str, list[Todo]] = {}
    for t in todos:
        groups.setdefault(t.group, []).append(t)
    return [(GROUP_LABELS[g], groups[g]) for g in GROUP_LABELS if g in groups]


def panel(todos: list[Todo]) -> Panel:
    """The to-dos as the panel shows them, whatever the number of units below the user.

    The user's own tasks are all listed and each counts once. Late units below a superior are the
    units' own work, which he follows up: the panel lists the UNITS_SHOWN latest (most days late first)
    and one line "另有N个下级单位有逾期" to the overview; in the top bar's count they make one entry
    (following up the late units), so the count stays what he must act on himself and does not grow
    with the units below him.
    """
    own = [t for t in todos if t.group != UNITS]
    units = [t for t in todos if t.group == UNITS]
    shown = heapq.nsmallest(UNITS_SHOWN, units, key=lambda t: (-t.late_days, t.text))
    return Panel(grouped(own + shown), len(units) - len(shown), len(own) + (1 if units else 0))
