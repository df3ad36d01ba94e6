"""One page of an owner's problems sheet (a member's or the team's 查摆问题、原因剖析和整改措施).

The sheet grows with the records, so it is read a page at a time: page N holds the Nth 50 problems
(under their aspects' headings, numbered as on the whole sheet), the Nth 50 causes and the Nth 50
measures. The numbering and the page of every problem and measure (for the links between them,
`?page=N#problem-ID`) come from one light query each; the page's rows with their opinions and links
from a fixed number of queries, whatever the sheet's size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Length, Trim
from django.http import HttpRequest

from mingjing.accounts.policy import Ability, MeetingPolicy
from mingjing.lib.pagination import ListPage, paginate
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.problems.models import Cause, Measure, Problem, Source
from mingjing.problems.numbering import paren, shi
from mingjing.problems.selectors import AspectGroup, _owner_q, _problems, owner_label
from mingjing.yearconfigs.models import Aspect

PER_PAGE = 50


def _page_number(index: int) -> int:
    return index // PER_PAGE + 1


@dataclass
class SheetPage:
    member: RosterEntry | None
    groups: list[AspectGroup]  # the page's problems under their aspects (every aspect on page 1)
    causes: list[Cause]
    measures: list[Measure]  # each with .answers: [(label, problem, page of the problem)]
    page: ListPage
    problem_count: int
    lacking_example: int
    unanswered: int
    cause_count: int
    measure_count: int

    @property
    def label(self) -> str:
        return owner_label(self.member)


def _problem_order(meeting: Meeting, member: RosterEntry | None) -> tuple[list[Aspect], list[dict[str, Any]]]:
    """The aspects and every problem of the owner in the sheet's order (aspects in order, the problems
    whose aspect was removed last), each row with its label and whether it has an example and a measure."""
    aspects = list(Aspect.objects.filter(config_id=meeting.config_id).order_by("order"))
    answered = Measure.problems.through.objects.filter(problem_id=OuterRef("pk"))
    rows = (
        Problem.objects.filter(_owner_q(member), meeting=meeting)
        .annotate(example_length=Length(Trim("example")), answered=Exists(answered))
        .order_by("order", "id")
        .values("pk", "aspect_id", "example_length", "answered")
    )
    buckets: dict[int | None, list[dict[str, Any]]] = {a.pk: [] for a in aspects}
    orphans: list[dict[str, Any]] = []
    for row in rows:
        buckets.get(row["aspect_id"], orphans).append(row)
    ordered = []
    groups = [buckets[a.pk] for a in aspects] + [orphans]
    for i, problems in enumerate(groups, start=1):
        for j, row in enumerate(problems, start=1):
            row.update(number=paren(i), group=i - 1, ordinal=shi(j), label=f"{paren(i)}{shi(j)}")
            ordered.append(row)
    return aspects, ordered


def sheet_page(
    request: HttpRequest, meeting: Meeting, member: RosterEntry | None, *, policy: MeetingPolicy
) -> SheetPage:
    """The page `?page=` asks for. Linked opinions the reader may not read (on another member) carry
    `text_shown = False` and are shown as a note."""
    aspects, ordered = _problem_order(meeting, member)
    measure_ids = list(
        Measure.objects.filter(_owner_q(member), meeting=meeting).order_by("order", "id").values_list("pk", flat=True)
    )
    cause_count = Cause.objects.filter(_owner_q(member), meeting=meeting).count()
    page = paginate(request, range(max(len(ordered), cause_count, len(measure_ids))), per_page=PER_PAGE)
    start = (page.number - 1) * PER_PAGE
    by_pk = {row["pk"]: (index, row) for index, row in enumerate(ordered)}
    measure_page = {pk: _page_number(i) for i, pk in enumerate(measure_ids)}

    # The page's problems, under their aspects' headings (page 1 also shows the aspects with none).
    rows = ordered[start : start + PER_PAGE]
    problems = {p.pk: p for p in _problems(meeting, member).filter(pk__in=[r["pk"] for r in rows])}
    buckets: dict[int, list[Problem]] = {}
    for row in rows:
        p = problems[row["pk"]]
        p.ordinal, p.label = row["ordinal"], row["label"]
        p.unlinked_opinion = p.source == Source.OPINION and not p.opinions.all()
        for m in p.measures.all():
            m.page = measure_page.get(m.pk, 1)
        for opinion in p.opinions.all():
            opinion.text_shown = opinion.target_id is None or policy.can(Ability.READ_FEEDBACK, opinion.target)
        buckets.setdefault(row["group"], []).append(p)
    heads: list[Aspect | None] = [*aspects, None]
    groups = [
        AspectGroup(aspect=heads[i], number=paren(i + 1), problems=buckets.get(i, []))
        for i in range(len(heads))
        if i in buckets or (page.number == 1 and i < len(aspects))
    ]

    causes = list(
        Cause.objects.filter(_owner_q(member), meeting=meeting).order_by("order", "id")[start : start + PER_PAGE]
    )
    for i, c in enumerate(causes, start=start + 1):
        c.ordinal = shi(i)
    measures = list(
        Measure.objects.filter(pk__in=measure_ids[start : start + PER_PAGE])
        .prefetch_related(Prefetch("problems", queryset=Problem.objects.only("pk", "description", "meeting_id")))
        .order_by("order", "id")
    )
    for i, m in enumerate(measures, start=start + 1):
        m.ordinal = paren(i)
        answers = []
        for p in m.problems.all():
            index, row = by_pk.get(p.pk, (0, {"label": ""}))
            answers.append((row["label"], p, _page_number(index)))
        m.answers = sorted(answers, key=lambda a: a[0])
    return SheetPage(
        member=member,
        groups=groups,
        causes=causes,
        measures=measures,
        page=page,
        problem_count=len(ordered),
        lacking_example=sum(1 for r in ordered if not r["example_length"]),
        unanswered=sum(1 for r in ordered if not r["answered"]),
        cause_count=cause_count,
        measure_count=len(measure_ids),
    )


def page_of(meeting: Meeting | int, member: RosterEntry | None, anchor: str) -> int:
    """The page of the owner's sheet that shows the record an anchor ("problem-12", "cause-3",
    "measure-7") names: where saving or moving it leads back to. 1 for any other anchor."""
    kind, _, pk = anchor.partition("-")
    if not pk.isdigit() or kind not in ("problem", "cause", "measure"):
        return 1
    meeting_id = meeting if isinstance(meeting, int) else meeting.pk
    owned = _owner_q(member) & Q(meeting_id=meeting_id)
    if kind == "problem":
        if isinstance(meeting, int):
            meeting = Meeting.objects.only("pk", "config_id").get(pk=meeting_id)
        ordered = [r["pk"] for r in _problem_order(meeting, member)[1]]
    else:
        model = Cause if kind == "cause" else Measure
        ordered = list(model.objects.filter(owned).order_by("order", "id").values_list("pk", flat=True))
    return _page_number(ordered.index(int(pk))) if int(pk) in ordered else 1
