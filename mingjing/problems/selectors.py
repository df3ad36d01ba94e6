"""Reads about problems, causes and measures.

Pages reach a meeting or a record through the access-checked lookups below. The report and the
examination-material skeleton call `problem_counts`, `problems_by_aspect`, `causes_of` and
`measures_of` with a meeting they have already reached through `get_meeting_for_user` (or an
equivalent access-checked selector): these four take no user.

Who reads whose records is the policy's (`mingjing.accounts.policy`, Ability.READ_DRAFTS):
everyone who may read the meeting reads the team's records and the counts. Before the meeting is
held (its "召开民主生活会" step not yet completed), a member's own problems, causes and measures
are his draft: he, the principal (who reviews outlines), the preparer/admin and the supervisors
(督导组, the superior's organization department) read them; other members do not. Once the
meeting is held everyone who may read the meeting reads them all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import Http404

from mingjing.accounts.policy import Ability, MeetingPolicy, policy_for
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.meetings.selectors import get_meeting_record_for_user, roster_in_order
from mingjing.opinions.models import Campaign, Opinion
from mingjing.opinions.selectors import visible_opinions
from mingjing.problems.models import Cause, Measure, Problem, Source
from mingjing.problems.numbering import paren, shi
from mingjing.yearconfigs.models import Aspect

TEAM_LABEL = "领导班子"
NO_ASPECT_LABEL = "未归入重点方面"


# --- lookups -----------------------------------------------------------------------------------


def roster_of(meeting: Meeting) -> list[RosterEntry]:
    """The frozen roster in team order (principal first, then precedence)."""
    return list(roster_in_order(meeting))


def get_entry_for_user(*, user: Any, pk: Any) -> RosterEntry:
    """A roster entry of a meeting the user may read (404 otherwise)."""
    return get_meeting_record_for_user(model=RosterEntry, user=user, pk=pk, missing="没有找到该班子成员")


def owner_in_meeting(*, meeting: Meeting, member_id: Any) -> RosterEntry | None:
    """The owner named by a `?member=` parameter: empty for the team, else an entry of this meeting."""
    if member_id in (None, "", "team"):
        return None
    try:
        return RosterEntry.objects.get(meeting=meeting, pk=int(member_id))
    except (ValueError, RosterEntry.DoesNotExist) as exc:
        raise Http404("没有找到该班子成员") from exc


def _record_for_edit(model: type, *, user: Any, pk: Any, missing: str) -> tuple[Any, MeetingPolicy]:
    """404 outside the user's meetings; 403 unless he may edit for the record's owner."""
    record = get_meeting_record_for_user(model=model, user=user, pk=pk, ability=Ability.READ, missing=missing)
    policy = policy_for(user=user, meeting=record.meeting)
    policy.require(Ability.EDIT_FOR, record.member)
    return record, policy


def get_problem_for_edit(*, user: Any, pk: Any) -> tuple[Problem, MeetingPolicy]:
    return _record_for_edit(Problem, user=user, pk=pk, missing="没有找到该问题")


def get_cause_for_edit(*, user: Any, pk: Any) -> tuple[Cause, MeetingPolicy]:
    return _record_for_edit(Cause, user=user, pk=pk, missing="没有找到该原因剖析")


def get_measure_for_edit(*, user: Any, pk: Any) -> tuple[Measure, MeetingPolicy]:
    return _record_for_edit(Measure, user=user, pk=pk, missing="没有找到该整改措施")


def owner_label(entry: RosterEntry | None) -> str:
    return TEAM_LABEL if entry is None else entry.name


def _owner_q(member: RosterEntry | None) -> Q:
    return Q(member__isnull=True) if member is None else Q(member=member)


# --- counts --------------------------------------------------------------------------------------


@dataclass
class CountRow:
    member: RosterEntry | None  # None: the team (or the totals row)
    label: str
    by_aspect: list[int]  # aligned with ProblemCounts.aspects
    unassigned: int = 0  # problems whose aspect was removed from the year's configuration
    total: int = 0
    lacking_example: int = 0


@dataclass
class ProblemCounts:
    aspects: list[Aspect]
    rows: list[CountRow]  # 领导班子 first, then each roster member in team order
    totals: CountRow
    by_owner: dict[int | None, CountRow] = field(default_factory=dict)  # entry id (None: team) → row

    @property
    def total(self) -> int:
        return self.totals.total

    @property
    def lacking_example(self) -> int:
        return self.totals.lacking_example

    @property
    def by_aspect(self) -> dict[str, int]:
        """{aspect title: count over the team and every member}, in the aspects' order."""
        return {a.title: n for a, n in zip(self.aspects, self.totals.by_aspect, strict=True)}

    @property
    def members_total(self) -> int:
        """Problems found by the members themselves (the report's "班子成员查摆问题XX个")."""
        return sum(r.total for r in self.rows if r.member is not None)

    @property
    def has_unassigned(self) -> bool:
        return self.totals.unassigned > 0

    @property
    def complete(self) -> bool:
        """The team and every roster member have at least one problem."""
        return all(r.total > 0 for r in self.rows)


def problem_counts(meeting: Meeting) -> ProblemCounts:
    """Counts per aspect and per owner, totals and how many lack a concrete example (3 queries)."""
    aspects = list(Aspect.objects.filter(config_id=meeting.config_id).order_by("order"))
    index = {a.pk: i for i, a in enumerate(aspects)}
    rows = [CountRow(member=None, label=TEAM_LABEL, by_aspect=[0] * len(aspects))]
    rows += [CountRow(member=e, label=e.name, by_aspect=[0] * len(aspects)) for e in roster_of(meeting)]
    by_owner = {r.member.pk if r.member else None: r for r in rows}
    totals = CountRow(member=None, label="合计", by_aspect=[0] * len(aspects))
    grouped = (
        Problem.objects.filter(meeting=meeting)
        .order_by()
        .values("member_id", "aspect_id")
        .annotate(n=Count("id"), lacking=Count("id", filter=Q(example="")))
    )
    for g in grouped:
        row = by_owner.get(g["member_id"])
        if row is None:  # an entry dropped when the roster was refrozen (cascade makes this rare)
            continue
        for target in (row, totals):
            if g["aspect_id"] in index:
                target.by_aspect[index[g["aspect_id"]]] += g["n"]
            else:
                target.unassigned += g["n"]
            target.total += g["n"]
            target.lacking_example += g["lacking"]
    return ProblemCounts(aspects=aspects, rows=rows, totals=totals, by_owner=by_owner)


# --- one owner's records, numbered as the material numbers them -----------------------------------


@dataclass
class AspectGroup:
    aspect: Aspect | None  # None: problems whose aspect was removed
    number: str  # （一）
    problems: list[Problem]  # each with .ordinal ("一是") and .label ("（一）一是")

    @property
    def title(self) -> str:
        return self.aspect.title if self.aspect else NO_ASPECT_LABEL


def _problems(meeting: Meeting, member: RosterEntry | None) -> QuerySet[Problem]:
    return (
        Problem.objects.filter(_owner_q(member), meeting=meeting)
        .select_related("aspect")
        .prefetch_related(
            Prefetch("opinions", queryset=Opinion.objects.select_related("target").order_by("id")),
            Prefetch("measures", queryset=Measure.objects.order_by("order", "id")),
        )
        .order_by("order", "id")
    )


def problems_by_aspect(
    meeting: Meeting, member: RosterEntry | None = None, *, include_empty: bool = True
) -> list[AspectGroup]:
    """The owner's problems (member None: the team's) grouped under the year's aspects in their
    order, numbered 一是/二是 within each aspect, with examples, linked opinions and measures.
    Aspects without a problem are kept (include_empty) so a skeleton can show 【待补充】."""
    aspects = list(Aspect.objects.filter(config_id=meeting.config_id).order_by("order"))
    buckets: dict[int | None, list[Problem]] = {a.pk: [] for a in aspects}
    orphans: list[Problem] = []
    for p in _problems(meeting, member):
        buckets.get(p.aspect_id, orphans).append(p)
    groups = [(a, buckets[a.pk]) for a in aspects]
    if orphans:
        groups.append((None, orphans))
    result = []
    for i, (aspect, problems) in enumerate(groups, start=1):
        number = paren(i)
        for j, p in enumerate(problems, start=1):
            p.ordinal = shi(j)
            p.label = f"{number}{p.ordinal}"
            p.unlinked_opinion = p.source == Source.OPINION and not p.opinions.all()
        if problems or include_empty:
            result.append(AspectGroup(aspect=aspect, number=number, problems=problems))
    return result


def causes_of(meeting: Meeting, member: RosterEntry | None = None) -> list[Cause]:
    """The owner's causes in order, each with .ordinal (一是, 二是 …)."""
    causes = list(Cause.objects.filter(_owner_q(member), meeting=meeting).order_by("order", "id"))
    for i, c in enumerate(causes, start=1):
        c.ordinal = shi(i)
    return causes


def measures_of(meeting: Meeting, member: RosterEntry | None = None) -> list[Measure]:
    """The owner's measures in order, each with .ordinal (（一）…) and the problems it answers
    (prefetched, in the problems' order)."""
    measures = list(
        Measure.objects.filter(_owner_q(member), meeting=meeting)
        .prefetch_related(
            Prefetch("problems", queryset=Problem.objects.select_related("aspect").order_by("order", "id"))
        )
        .order_by("order", "id")
    )
    for i, m in enumerate(measures, start=1):
        m.ordinal = paren(i)
    return measures


@dataclass
class OwnerSheet:
    member: RosterEntry | None
    groups: list[AspectGroup]
    causes: list[Cause]
    measures: list[Measure]  # each with .answers: [(label, problem)]

    @property
    def label(self) -> str:
        return owner_label(self.member)

    @property
    def problems(self) -> list[Problem]:
        return [p for g in self.groups for p in g.problems]

    @property
    def lacking_example(self) -> int:
        return sum(1 for p in self.problems if p.lacks_example)

    @property
    def unanswered(self) -> list[Problem]:
        """Problems no measure answers yet."""
        answered = {p.pk for m in self.measures for p in m.problems.all()}
        return [p for p in self.problems if p.pk not in answered]


def owner_sheet(
    meeting: Meeting, member: RosterEntry | None = None, *, policy: MeetingPolicy | None = None
) -> OwnerSheet:
    """With a reader's policy, each linked opinion says whether he may read its text
    (`opinion.text_shown`): opinions on the team, or on a member whose opinions he reads
    (Ability.READ_FEEDBACK); the others are shown as a note."""
    groups = problems_by_aspect(meeting, member)
    if policy is not None:
        for group in groups:
            for problem in group.problems:
                for opinion in problem.opinions.all():
                    opinion.text_shown = opinion.target_id is None or policy.can(Ability.READ_FEEDBACK, opinion.target)
    labels = {p.pk: p.label for g in groups for p in g.problems}
    measures = measures_of(meeting, member)
    for m in measures:
        m.answers = sorted(((labels.get(p.pk, ""), p) for p in m.problems.all()), key=lambda lp: lp[0])
    return OwnerSheet(member=member, groups=groups, causes=causes_of(meeting, member), measures=measures)


# --- choices for the forms ------------------------------------------------------------------------


def opinion_choices(*, policy: MeetingPolicy, member: RosterEntry | None) -> QuerySet[Opinion]:
    """The meeting's opinions for linking, those targeting this owner first, then the team's.
    A member editing his own problems chooses among opinions on himself and on the team; the
    preparer and the principal choose among all of the meeting's opinions that may be shown."""
    qs = _shown_opinions(policy.meeting).select_related("target")
    if not policy.can(Ability.READ_EVERY_TARGET):
        qs = qs.filter(_target_q(member) | Q(target__isnull=True))
    first = When(target__isnull=True, then=Value(0)) if member is None else When(target=member, then=Value(0))
    team = When(target__isnull=True, then=Value(1))
    return qs.annotate(rank=Case(first, team, default=Value(2), output_field=IntegerField())).order_by(
        "rank", "target__precedence", "campaign_id", "id"
    )


def _shown_opinions(meeting: Meeting) -> QuerySet[Opinion]:
    """The meeting's opinions that may be shown at all. Anonymous online responses stay hidden
    until their campaign closes and reaches its threshold: the opinions app decides that, so its
    selector is used."""
    return visible_opinions(campaigns=list(Campaign.objects.filter(meeting=meeting)))


def _target_q(member: RosterEntry | None) -> Q:
    return Q(target__isnull=True) if member is None else Q(target=member)


def problem_choices(*, meeting: Meeting, member: RosterEntry | None) -> list[Problem]:
    """The owner's problems, labelled （一）一是 as on his page, for linking a measure."""
    return [p for g in problems_by_aspect(meeting, member, include_empty=False) for p in g.problems]


def problem_sources(meeting: Meeting) -> list[str]:
    """The labels of the sources the meeting's problems came from, in the catalogue's order (the
    report's “问题来源于征求意见、谈心谈话…”). One query."""
    used = set(Problem.objects.filter(meeting=meeting).order_by().values_list("source", flat=True).distinct())
    return [str(label) for value, label in Problem._meta.get_field("source").choices if value in used]


def measure_counts(meeting: Meeting) -> tuple[int, int]:
    """(the team's measures, the members' measures), one query."""
    owners = list(Measure.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    team = sum(1 for o in owners if o is None)
    return team, len(owners) - team
