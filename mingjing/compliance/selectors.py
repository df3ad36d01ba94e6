"""Judging the compliance rules (rules.py) for many meetings at once, in a fixed number of queries.

`compliance_for_meetings(meetings)` reads, for all of them together: the step completions, the first
请示, the roster, the meeting records with attendance and criticisms, the problems' counts, the
materials (with the 【待补充】 left in their current text, counted in the database, and the day each
was approved) and the ledger's counts — ten queries whatever the number of meetings — and judges
each rule in Python. The meeting page asks for one meeting, the oversight overview for a page of
them, the archive checklist for the meeting it boxes.

A rule whose moment has not come says so (PENDING) and is not broken: the meeting rules wait for the
meeting to be held; the preparation rules are broken only once the meeting's date has passed with
the work still undone; the report rule once its deadline has.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, Max, Min, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Length, Replace
from django.urls import reverse
from django.utils import timezone

from mingjing.documents.slots import MISSING
from mingjing.lib.dates import cn_date, today
from mingjing.lib.shapes import PreparedQuery, prepared_query
from mingjing.materials.models import APPROVED_OR_LATER, Action, Material, MaterialVersion, ReviewEvent
from mingjing.meetings.models import Meeting, RosterEntry, StepCompletion
from mingjing.meetings.timeline import STEP_BY_KEY
from mingjing.minutes.models import Criticism, MeetingRecord, Presence
from mingjing.organizations.models import TeamRole
from mingjing.plans.models import PlanRequest
from mingjing.problems.models import Problem
from mingjing.rectification.models import RectificationItem
from mingjing.rectification.models import Status as ItemStatus

from .rules import (
    BROKEN,
    OFF,
    OK,
    PENDING,
    RULES,
    STATUS_LABELS,
    days_setting,
    hope_classifier,
    quorum_share,
    rule_settings,
)

NOT_HELD = "会议尚未召开，召开后判断"
SHOWN_NAMES = 6  # names listed in a detail line before "等N人"


@dataclass(frozen=True)
class RuleResult:
    code: str
    name: str
    threshold: str  # "提前15天", "2/3" … ("" when the rule has none)
    status: str
    details: str
    url_name: str
    meeting_id: int
    fix_label: str

    @property
    def url(self) -> str:
        """Where it is fixed (reversed when shown: a list of many meetings needs only the counts)."""
        url = reverse(self.url_name, args=[self.meeting_id])
        return url + "#step-report" if self.code == "report_deadline" else url

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def broken(self) -> bool:
        return self.status == BROKEN


@dataclass
class MeetingCompliance:
    meeting: Meeting
    results: list[RuleResult] = field(default_factory=list)

    @property
    def broken(self) -> list[RuleResult]:
        return [r for r in self.results if r.status == BROKEN]

    @property
    def broken_count(self) -> int:
        return len(self.broken)

    @property
    def pending_count(self) -> int:
        return sum(1 for r in self.results if r.status == PENDING)


def _names(names: list[str]) -> str:
    shown = "、".join(names[:SHOWN_NAMES])
    return shown + (f"等{len(names)}人" if len(names) > SHOWN_NAMES else "")


def _day(value: dt.date | dt.datetime | None) -> dt.date | None:
    """A timestamp's day in the configured time zone (the day the page would print)."""
    if isinstance(value, dt.datetime):
        return (timezone.localtime(value) if timezone.is_aware(value) else value).date()
    return value


@dataclass
class _Facts:
    """What the queries found for one meeting."""

    steps: dict[str, dt.date] = field(default_factory=dict)
    first_request: dt.date | None = None
    roster: list[tuple[int, str, str]] = field(default_factory=list)  # (entry id, name, team role)
    record: bool = False
    attendance: dict[int, str] = field(default_factory=dict)  # entry id → presence
    criticisms: list[tuple[int | None, int, str]] = field(default_factory=list)  # (from, to, text)
    problems: dict[int | None, tuple[int, int]] = field(default_factory=dict)  # owner → (total, lacking)
    materials: dict[int | None, dict] = field(default_factory=dict)  # owner → status, missing, approved_on
    items: tuple[int, int, int] = (0, 0, 0)  # (total, without a responsible person, without a deadline)


@dataclass(frozen=True)
class Known:
    """What the meeting page has read already: the steps done (step → day) and the roster lines."""

    steps: dict[str, dt.date]
    roster: list[Any]


def _shapes() -> dict[str, QuerySet]:
    """The fact queries, without the meetings they ask about."""
    current_text = MaterialVersion.objects.filter(material=OuterRef("pk"), number=OuterRef("current_version"))
    missing = (Length("text") - Length(Replace("text", Value(MISSING), Value("")))) / len(MISSING)
    approved = (
        ReviewEvent.objects.filter(material=OuterRef("pk"), action=Action.APPROVE)
        .order_by()
        .values("material")
        .annotate(last=Max("created_at"))
        .values("last")
    )
    return {
        "steps": StepCompletion.objects.values_list("meeting_id", "step", "completed_on"),
        "first_request": PlanRequest.objects.order_by()
        .values("meeting_id")
        .annotate(first=Min("sent_on"))
        .values_list("meeting_id", "first"),
        "roster": RosterEntry.objects.values_list("pk", "meeting_id", "name", "team_role"),
        # The record and its attendance in one read (a record without attendance gives one row of None).
        "attendance": MeetingRecord.objects.values_list("meeting_id", "attendances__entry_id", "attendances__status"),
        "criticisms": Criticism.objects.values_list("record__meeting_id", "from_entry_id", "to_entry_id", "text"),
        # The same count as the problems page's (problems.selectors.problem_counts): no example recorded.
        "problems": Problem.objects.order_by()
        .values("meeting_id", "member_id")
        .annotate(n=Count("id"), lacking=Count("id", filter=Q(example="")))
        .values_list("meeting_id", "member_id", "n", "lacking"),
        "materials": Material.objects.annotate(
            missing=Coalesce(
                Subquery(current_text.annotate(n=missing).values("n")[:1], output_field=IntegerField()), 0
            ),
            approved_at=Subquery(approved[:1]),
        ).values("meeting_id", "owner_id", "kind", "status", "current_version", "missing", "approved_at"),
        "items": RectificationItem.objects.exclude(status=ItemStatus.CARRIED)
        .order_by()
        .values("meeting_id")
        .annotate(
            total=Count("id"),
            no_person=Count("id", filter=Q(responsible_person__isnull=True, responsible_leader__isnull=True)),
            no_deadline=Count("id", filter=Q(deadline__isnull=True, long_term=False)),
        )
        .values_list("meeting_id", "total", "no_person", "no_deadline"),
    }


def _facts_of(name: str, meeting: str = "meeting_id") -> PreparedQuery:
    """One fact query for a set of meetings, compiled once per process (lib/shapes.py)."""
    return prepared_query(lambda meeting_ids: _shapes()[name].filter(**{f"{meeting}__in_ints": meeting_ids}))


_FACTS = {
    name: _facts_of(name)
    for name in ("steps", "first_request", "roster", "attendance", "problems", "materials", "items")
}
_FACTS["criticisms"] = _facts_of("criticisms", meeting="record__meeting_id")


def _gather(meetings: list[Meeting], known: Known | None = None) -> dict[int, _Facts]:
    facts = {m.pk: _Facts() for m in meetings}
    ids = set(facts)
    if known is not None:  # one meeting whose page has read its steps and roster already
        (only,) = ids
        facts[only].steps = dict(known.steps)
        facts[only].roster = [(e.pk, e.name, e.team_role) for e in known.roster]
    else:
        for meeting_id, step, done_on in _FACTS["steps"](meeting_ids=ids):
            facts[meeting_id].steps[step] = done_on
        for pk, meeting_id, name, role in _FACTS["roster"](meeting_ids=ids):
            facts[meeting_id].roster.append((pk, name, role))
    for meeting_id, first in _FACTS["first_request"](meeting_ids=ids):
        facts[meeting_id].first_request = first
    for meeting_id, entry_id, status in _FACTS["attendance"](meeting_ids=ids):
        facts[meeting_id].record = True
        if entry_id is not None:
            facts[meeting_id].attendance[entry_id] = status
    for meeting_id, giver, receiver, text in _FACTS["criticisms"](meeting_ids=ids):
        facts[meeting_id].criticisms.append((giver, receiver, text))
    for meeting_id, member_id, n, lacking in _FACTS["problems"](meeting_ids=ids):
        facts[meeting_id].problems[member_id] = (n, lacking)
    for row in _FACTS["materials"](meeting_ids=ids):
        facts[row["meeting_id"]].materials[row["owner_id"]] = row
    for meeting_id, total, no_person, no_deadline in _FACTS["items"](meeting_ids=ids):
        facts[meeting_id].items = (total, no_person, no_deadline)
    return facts


class _Judge:
    """The rules for one meeting, from its facts."""

    def __init__(self, meeting: Meeting, facts: _Facts, on: dt.date, hope_only: Callable[[str], bool]) -> None:
        self.meeting, self.facts, self.on, self.hope_only = meeting, facts, on, hope_only
        self.config = meeting.config
        self.settings = rule_settings(self.config)
        self.day = meeting.planned_date
        self.held = "meeting" in facts.steps
        self.names = {pk: name for pk, name, _ in facts.roster}
        self.principals = {pk for pk, _, role in facts.roster if role == TeamRole.PRINCIPAL}

    def preparation(self, done: bool, due: dt.date, ok: str, waiting: str, late: str) -> tuple[str, str]:
        """Preparation work: fine when done; waiting until its due day has passed (or the meeting was
        held, after which nothing can be prepared any more); broken after."""
        if done:
            return OK, ok
        if not self.held and (self.on <= due or self.meeting.entered_after):
            # A meeting entered after the fact: what is not entered yet is waiting, not late.
            return PENDING, waiting
        return BROKEN, late

    # --- the rules ----------------------------------------------------------------------------
    def request_lead(self, s: dict) -> tuple[str, str, str]:
        days = self.config.plan_lead_days
        due = self.day - dt.timedelta(days=days)
        threshold = f"会前{days}天"
        sent = self.facts.first_request
        if sent is None and "plan_request" in self.facts.steps:
            # Entered after the fact: the request's approval is recorded, the request itself is not.
            approved = self.facts.steps["plan_request"]
            if approved <= due:
                return threshold, OK, f"未登记请示，{cn_date(approved)}已获上级同意（不晚于{cn_date(due)}）"
            return threshold, BROKEN, f"未登记请示；上级{cn_date(approved)}同意，晚于应报送日期{cn_date(due)}"
        if sent is None:
            if self.on <= due or self.meeting.entered_after:
                # Entered after the fact: a record not yet entered is not a late one.
                return threshold, PENDING, f"尚未报送请示，应于{cn_date(due)}前报送"
            return threshold, BROKEN, f"尚未报送请示，应于{cn_date(due)}前报送，已逾期{(self.on - due).days}天"
        if sent <= due:
            return threshold, OK, f"{cn_date(sent)}报送请示，会前{(self.day - sent).days}天"
        return threshold, BROKEN, f"{cn_date(sent)}才报送请示，会前仅{(self.day - sent).days}天（应不少于{days}天）"

    def quorum(self, s: dict) -> tuple[str, str, str]:
        numerator, denominator = quorum_share(s["share"])
        threshold = f"{numerator}/{denominator}" if denominator != 100 else f"{numerator}%"
        if not self.held:
            return threshold, PENDING, NOT_HELD
        expected = len(self.facts.attendance) or len(self.facts.roster)
        present = sum(1 for status in self.facts.attendance.values() if status == Presence.PRESENT)
        if not self.facts.attendance:
            return threshold, BROKEN, "会议记录未登记出席情况"
        required = -(-expected * numerator // denominator)
        text = f"应到{expected}人，实到{present}人（至少应到{required}人）"
        return threshold, OK if present >= required else BROKEN, text

    def talk_coverage(self, s: dict) -> tuple[str, str, str]:
        days = days_setting(s["days_before"])
        due = self.day - dt.timedelta(days=days)
        threshold = "会前" if not days else f"会前{days}天"
        done_on = self.facts.steps.get("talks")
        if done_on is not None and done_on > due:
            return threshold, BROKEN, f"{cn_date(done_on)}才全覆盖，应于{cn_date(due)}前完成"
        return (threshold,) + self.preparation(
            done_on is not None,
            due,
            f"{cn_date(done_on)}全覆盖" if done_on else "",
            f"谈心谈话尚未全覆盖，应于{cn_date(due)}前完成",
            "会前谈心谈话未全覆盖",
        )

    def criticism(self, s: dict) -> tuple[str, str, str]:
        if not self.held:
            return "", PENDING, NOT_HELD
        present = [pk for pk, status in self.facts.attendance.items() if status == Presence.PRESENT]
        if not self.facts.attendance:
            present = [pk for pk, _, _ in self.facts.roster]
        counted: set[tuple[int, int]] = set()
        hopes = 0
        for giver, receiver, text in self.facts.criticisms:
            if giver is None:
                continue
            if self.hope_only(text):
                hopes += 1
            else:
                counted.add((giver, receiver))
        missing = [
            f"{self.names.get(g, '')}→{self.names.get(r, '')}"
            for r in present
            for g in present
            if g != r and (g, r) not in counted
        ]
        parts = []
        if missing:
            shown = "、".join(missing[:SHOWN_NAMES]) + (f"等{len(missing)}对" if len(missing) > SHOWN_NAMES else "")
            parts.append(f"缺少{len(missing)}对相互批评：{shown}")
        if hopes:
            parts.append(f"{hopes}条批评意见只提希望、建议，未点出具体问题，不计入")
        if not missing:
            return "", OK, f"到会{len(present)}人相互批评全覆盖" + ("；" + parts[0] if parts else "")
        return "", BROKEN, "；".join(parts)

    def problem_examples(self, s: dict) -> tuple[str, str, str]:
        total = sum(n for n, _ in self.facts.problems.values())
        lacking = {owner: gap for owner, (_, gap) in self.facts.problems.items() if gap}
        owners = [("领导班子" if o is None else self.names.get(o, "")) + f"{n}条" for o, n in lacking.items()]
        done = total > 0 and not lacking
        late = f"{sum(lacking.values())}条问题没有具体事例：{'、'.join(owners)}" if total else "未登记查摆问题"
        status, text = self.preparation(done, self.day, f"{total}条问题均有具体事例", late, late)
        return "", status, text

    def outline_approval(self, s: dict) -> tuple[str, str, str]:
        days = days_setting(s["days_before"])
        due = self.day - dt.timedelta(days=days)
        threshold = "会前" if not days else f"会前{days}天"
        members = [(pk, name) for pk, name, role in self.facts.roster if role != TeamRole.PRINCIPAL]
        unapproved, late = [], []
        for pk, name in members:
            m = self.facts.materials.get(pk)
            approved_on = _day(m["approved_at"]) if m else None
            if not m or m["status"] not in APPROVED_OR_LATER or approved_on is None:
                unapproved.append(name)
            elif approved_on > due:
                late.append(f"{name}（{cn_date(approved_on)}）")
        if late:
            return threshold, BROKEN, f"会后才审核通过：{'、'.join(late)}"
        broken = f"{_names(unapproved)}的发言提纲未经主要负责同志审核通过"
        waiting = f"{_names(unapproved)}的发言提纲尚未审核通过，应于{cn_date(due)}前完成"
        ok = f"{len(members)}人的发言提纲均已审核通过"
        return (threshold,) + self.preparation(not unapproved, due, ok, waiting, broken)

    def no_placeholders(self, s: dict) -> tuple[str, str, str]:
        left = []
        for owner, m in self.facts.materials.items():
            if m["missing"]:
                label = "班子材料" if owner is None else self.names.get(owner, "") + "的发言提纲"
                left.append(f"{label}{m['missing']}处")
        written = sum(1 for m in self.facts.materials.values() if m["current_version"])
        if not written:
            status, text = self.preparation(False, self.day, "", "材料尚未撰写", "材料未撰写")
            return "", status, text
        text = f"尚有【待补充】：{'、'.join(left)}"
        status, text = self.preparation(not left, self.day, f"{written}份材料均已补全", text, text)
        return "", status, text

    def report_deadline(self, s: dict) -> tuple[str, str, str]:
        days = self.config.report_deadline_days
        threshold = f"会后{days}天内"
        due = STEP_BY_KEY["report"].due(self.day, self.config)
        sent = self.facts.steps.get("report")
        if not self.held:
            return threshold, PENDING, NOT_HELD
        if sent is not None:
            if sent <= due:
                return threshold, OK, f"{cn_date(sent)}报送"
            return threshold, BROKEN, f"{cn_date(sent)}才报送，逾期{(sent - due).days}天（应于{cn_date(due)}前）"
        if self.on <= due:
            return threshold, PENDING, f"尚未报送，应于{cn_date(due)}前报送"
        if self.meeting.entered_after:  # entered after the fact: not reported as late by days
            return threshold, BROKEN, f"尚未报送（未登记），应于{cn_date(due)}前报送"
        return threshold, BROKEN, f"尚未报送，应于{cn_date(due)}前报送，已逾期{(self.on - due).days}天"

    def rectification_fields(self, s: dict) -> tuple[str, str, str]:
        if not self.held:
            return "", PENDING, NOT_HELD
        total, no_person, no_deadline = self.facts.items
        if not total:
            return "", PENDING, "尚未制定整改事项"
        gaps = []
        if no_person:
            gaps.append(f"{no_person}项未明确责任领导或责任人")
        if no_deadline:
            gaps.append(f"{no_deadline}项未明确整改时限（长期坚持的除外）")
        if gaps:
            return "", BROKEN, "；".join(gaps)
        return "", OK, f"{total}项均已明确责任人和时限"


def judge(meeting: Meeting, facts: _Facts, on: dt.date, hope_only: Callable[[str], bool]) -> MeetingCompliance:
    j = _Judge(meeting, facts, on, hope_only)
    result = MeetingCompliance(meeting=meeting)
    for rule in RULES:
        s = j.settings[rule.code]
        if not s.get("enabled", True):
            threshold, status, details = "", OFF, "本年度配置未启用此项检查"
        else:
            threshold, status, details = getattr(j, rule.code)(s)
        result.results.append(
            RuleResult(rule.code, rule.name, threshold, status, details, rule.url_name, meeting.pk, rule.fix_label)
        )
    return result


def compliance_for_meetings(
    meetings: list[Meeting], *, on: dt.date | None = None, known: Known | None = None
) -> dict[int, MeetingCompliance]:
    """Every meeting's rules judged, by meeting id. The meetings come with their `config` (select_related)."""
    if not meetings:
        return {}
    on = on or today()
    facts = _gather(meetings, known)
    hope_only = hope_classifier()
    return {m.pk: judge(m, facts[m.pk], on, hope_only) for m in meetings}


def meeting_compliance(*, meeting: Meeting, on: dt.date | None = None, known: Known | None = None) -> MeetingCompliance:
    return compliance_for_meetings([meeting], on=on, known=known)[meeting.pk]


def broken_counts(meetings: list[Any], *, on: dt.date | None = None) -> dict[int, int]:
    """Rules broken per meeting id (the overview's column)."""
    return {pk: c.broken_count for pk, c in compliance_for_meetings(meetings, on=on).items()}
