"""Writing problems (查摆问题), causes (原因剖析) and measures (整改措施).

Each write runs in a transaction, asks the policy whether its actor may edit for the record's
owner (`Ability.EDIT_FOR`: the preparer/admin for everyone, a member for himself, the principal for
the team) and records one audit event. They also check the data: the owner is on this meeting's
roster, the aspect is one of the meeting's year configuration, the linked
opinions and problems belong to this meeting (and, for measures, to the same owner).

A new record goes to the end of its owner's list; `*_move` swaps it with its neighbour (for a
problem: the neighbour under the same aspect, since the material numbers problems per aspect).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.db.models import Max, ProtectedError

from mingjing.accounts.policy import Ability, MeetingPolicy, policy_for
from mingjing.audit.services import apply_changes, audit_record
from mingjing.lib.dates import today
from mingjing.lib.limits import check_lengths
from mingjing.lib.ordering import order_counter
from mingjing.lib.xlsx import cell_error, shown_errors
from mingjing.meetings.models import Meeting, RosterEntry, StepCompletion
from mingjing.meetings.services import meeting_step_sync
from mingjing.opinions.models import Opinion
from mingjing.problems.models import Cause, Measure, Problem, Source
from mingjing.yearconfigs.models import Aspect

PROBLEM_FIELDS = ("aspect", "description", "example", "source")
CAUSE_FIELDS = ("heading", "text")
MEASURE_FIELDS = ("heading", "text")
UP, DOWN = "up", "down"
DIRECTION_PHRASES = {UP: "上移一位", DOWN: "下移一位"}
EXAMPLE_PREFIX = "比如"


# --- shared checks -----------------------------------------------------------------------------


def _check_owner(meeting: Meeting, member: RosterEntry | None) -> None:
    if member is not None and member.meeting_id != meeting.pk:
        raise ValidationError({"member": "只能选择本次会议班子名单中的成员"})


def _require_edit_for(actor: Any, meeting: Meeting, member: RosterEntry | None) -> None:
    """403 with the policy's reason unless the actor may edit the owner's records."""
    policy_for(user=actor, meeting=meeting).require(Ability.EDIT_FOR, member)


def _clean_text(value: str) -> str:
    return (value or "").strip()


def _clean_example(value: str) -> str:
    """Keep the example as written; an example that is only "比如" (or "比如，") is no example."""
    text = _clean_text(value)
    if text.rstrip("，,：:。…. ") in ("", EXAMPLE_PREFIX):
        return ""
    return text


def _delete(obj: Problem | Cause | Measure) -> None:
    """Delete, or explain in Chinese when another record (a ledger item, a material) holds it."""
    try:
        obj.delete()
    except ProtectedError as exc:
        raise ValidationError(f"“{_short(str(obj))}”已被其他记录引用，不能删除") from exc


def _short(text: str, n: int = 20) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _list_display(objs: Iterable[Any]) -> str:
    items = [f"“{_short(str(o.text if hasattr(o, 'text') else o))}”" for o in objs]
    return "、".join(items) or "（空）"


def _next_order(model: type[models.Model], meeting: Meeting, member: RosterEntry | None) -> int:
    qs = model.objects.filter(meeting=meeting, member=member)
    return (qs.aggregate(m=Max("order"))["m"] or 0) + 1


def _check_problem(problem: Problem, *, kept_aspect_id: int | None = None) -> None:
    """`kept_aspect_id`: the aspect the problem already had, which it may keep once retired."""
    errors: dict[str, str] = {}
    if problem.aspect_id is not None and problem.aspect.config_id != problem.meeting.config_id:
        errors["aspect"] = "只能选择本次会议年度配置中的重点方面"
    elif problem.aspect_id is not None and problem.aspect.retired and problem.aspect_id != kept_aspect_id:
        errors["aspect"] = f"重点方面“{problem.aspect.order}. {problem.aspect.title}”已停用，新填写的问题不能再选"
    if problem.aspect_id is None:
        errors["aspect"] = "请选择问题所属的重点方面"
    if not problem.description:
        errors["description"] = "请填写问题表现"
    if errors:
        raise ValidationError(errors)


def _check_source(problem: Problem, *, kept: str | None = None) -> None:
    """The source must be one this meeting's configuration offers; `kept`, the source the problem
    already had, stays allowed after the configuration drops it."""
    offered = problem.meeting.config.problem_source_choices(keep=kept)
    if problem.source not in {value for value, _ in offered}:
        labels = dict(Source.choices)
        shown = str(labels.get(problem.source, problem.source))
        raise ValidationError(
            {"source": f"“{shown}”不正确：不是本次会议可选的问题来源，可填：{'、'.join(label for _, label in offered)}"}
        )


def _check_opinions(meeting: Meeting, opinions: list[Opinion]) -> None:
    if any(o.campaign.meeting_id != meeting.pk for o in opinions):
        raise ValidationError({"opinions": "只能关联本次会议征求到的意见"})


def _check_problems(meeting: Meeting, member: RosterEntry | None, problems: list[Problem]) -> None:
    if any(p.meeting_id != meeting.pk or p.member_id != (member.pk if member else None) for p in problems):
        raise ValidationError({"problems": "只能选择同一对象（领导班子或本人）在本次会议查摆的问题"})


# --- the timeline step -------------------------------------------------------------------------


def problems_sync_step(*, meeting: Meeting) -> None:
    """ "查摆问题、剖析原因" is done when the team and every roster member have a problem; the date
    is the day that first became true (kept while it stays true), and the step reopens when it
    stops being true."""
    owners = set(Problem.objects.filter(meeting=meeting).values_list("member_id", flat=True).distinct())
    roster = set(RosterEntry.objects.filter(meeting=meeting).values_list("pk", flat=True))
    complete = None in owners and roster <= owners
    if not complete:
        meeting_step_sync(meeting=meeting, step="problems", done_on=None)
        return
    existing = StepCompletion.objects.filter(meeting=meeting, step="problems").values_list("completed_on", flat=True)
    meeting_step_sync(
        meeting=meeting, step="problems", done_on=existing.first() or today(), note="领导班子和每名班子成员均已查摆问题"
    )


# --- problems ------------------------------------------------------------------------------------


@transaction.atomic
def problem_create(
    *,
    actor: Any,
    meeting: Meeting,
    member: RosterEntry | None,
    aspect: Aspect | None,
    description: str,
    example: str = "",
    source: str = Source.SELF,
    opinions: Iterable[Opinion] = (),
) -> Problem:
    """A problem of the team (member None) or of one member. A problem without an example is
    saved (and flagged on the pages), not refused."""
    _check_owner(meeting, member)
    _require_edit_for(actor, meeting, member)
    linked = list(opinions)
    _check_opinions(meeting, linked)
    problem = Problem(
        meeting=meeting,
        member=member,
        aspect=aspect,
        description=_clean_text(description),
        example=_clean_example(example),
        source=source,
        order=_next_order(Problem, meeting, member),
    )
    _check_problem(problem)
    _check_source(problem)
    check_lengths(problem)
    problem.full_clean()
    problem.save()
    problem.opinions.set(linked)
    changes = [{"field": "member", "label": "对象", "old": "", "new": member.name if member else "领导班子"}]
    if linked:
        changes.append({"field": "opinions", "label": "相关意见", "old": "", "new": _list_display(linked)})
    audit_record(actor=actor, event_type="created", obj=problem, organization=meeting.organization, changes=changes)
    problems_sync_step(meeting=meeting)
    return problem


@transaction.atomic
def problem_update(
    *, actor: Any, problem: Problem, data: dict[str, Any], opinions: Iterable[Opinion] | None = None
) -> Problem:
    _require_edit_for(actor, problem.meeting, problem.member)
    kept_aspect_id, kept_source = problem.aspect_id, problem.source
    data = {k: v for k, v in data.items() if k in PROBLEM_FIELDS}
    if "description" in data:
        data["description"] = _clean_text(data["description"])
    if "example" in data:
        data["example"] = _clean_example(data["example"])
    changes = apply_changes(problem, data)
    _check_problem(problem, kept_aspect_id=kept_aspect_id)
    _check_source(problem, kept=kept_source)
    if any(c["field"] == "aspect" for c in changes):  # moved to another aspect: last under it
        problem.order = _next_order(Problem, problem.meeting, problem.member)
    if opinions is not None:
        linked = list(opinions)
        _check_opinions(problem.meeting, linked)
        old = list(problem.opinions.order_by("id"))
        if {o.pk for o in old} != {o.pk for o in linked}:
            problem.opinions.set(linked)
            changes.append(
                {
                    "field": "opinions",
                    "label": "相关意见",
                    "old": _list_display(old),
                    "new": _list_display(sorted(linked, key=lambda o: o.pk)),
                }
            )
    check_lengths(problem)
    if changes:
        problem.full_clean()
        problem.save()
        audit_record(
            actor=actor, event_type="updated", obj=problem, organization=problem.meeting.organization, changes=changes
        )
    return problem


@transaction.atomic
def problem_delete(*, actor: Any, problem: Problem) -> None:
    """Deleting a problem unlinks it from the measures answering it (the measures stay)."""
    meeting = problem.meeting
    _require_edit_for(actor, meeting, problem.member)
    audit_record(actor=actor, event_type="deleted", obj=problem, organization=meeting.organization)
    _delete(problem)
    problems_sync_step(meeting=meeting)


# --- several problems at once: the page's rows or an imported sheet ------------------------------

# The column (on the sheet and on the page) that names each checked field in an error.
PROBLEM_COLUMNS = {
    "member": "对象",
    "aspect": "重点方面",
    "description": "问题表现",
    "example": "具体事例",
    "source": "问题来源",
}


@dataclass(frozen=True)
class ProblemRow:
    number: int  # the row on the sheet or on the page, named in errors
    member: RosterEntry | None
    aspect: Aspect | None
    description: str
    example: str = ""
    source: str = Source.SELF


def _row_problem(policy: MeetingPolicy, meeting: Meeting, row: ProblemRow, order: int) -> tuple[Problem, list[str]]:
    """The problem a row makes, and its errors ("第3行「问题表现」：…"), checked as problem_create checks one."""
    problem = Problem(
        meeting=meeting,
        member=row.member,
        aspect=row.aspect,
        description=_clean_text(row.description),
        example=_clean_example(row.example),
        source=row.source or Source.SELF,
        order=order,
    )
    errors: dict[str, list[str]] = {}
    checks = [
        lambda: _check_owner(meeting, row.member),
        lambda: _check_problem(problem),
        lambda: check_lengths(problem, ("description", "example")),
    ]
    for check in checks:
        try:
            check()
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    if "member" not in errors:
        try:
            policy.require(Ability.EDIT_FOR, row.member)
        except PermissionDenied as exc:
            owner = row.member.name if row.member else "领导班子"
            errors["member"] = [f"不能录入{owner}的问题：{exc}"]
    try:
        _check_source(problem)
    except ValidationError as exc:
        errors.setdefault("source", []).extend(exc.message_dict["source"])
    messages = [cell_error(row.number, PROBLEM_COLUMNS.get(f, f), m) for f, ms in errors.items() for m in ms]
    return problem, messages


@transaction.atomic
def problems_create_many(
    *, actor: Any, meeting: Meeting, rows: Sequence[ProblemRow], errors: Sequence[str] = ()
) -> list[Problem]:
    """Several problems at once, each under its owner (the actor must be able to edit for every
    row's owner: Ability.EDIT_FOR). Every row is checked first; with any error (or any in `errors`,
    what the caller found reading the rows) nothing is saved and the ValidationError lists them
    by row and column. One audit event for them all."""
    policy = policy_for(user=actor, meeting=meeting)
    if not rows and not errors:
        raise ValidationError("没有要保存的问题：请至少填写一行")
    next_order = order_counter(Problem.objects.filter(meeting=meeting), "member_id")
    problems, messages = [], list(errors)
    for row in rows:
        order = next_order(row.member.pk if row.member is not None else None)
        problem, row_errors = _row_problem(policy, meeting, row, order)
        problems.append(problem)
        messages += row_errors
    if messages:
        raise ValidationError(shown_errors(messages))
    Problem.objects.bulk_create(problems, batch_size=500)
    owners = {p.member.name if p.member else "领导班子" for p in problems}
    audit_record(
        actor=actor,
        event_type="problems.created_many",
        obj=meeting,
        organization=meeting.organization,
        extra={"count": len(problems), "owners": "、".join(sorted(owners))},
    )
    problems_sync_step(meeting=meeting)
    return problems


# --- causes --------------------------------------------------------------------------------------


def _check_heading_text(obj: Cause | Measure, heading_label: str, text_label: str) -> None:
    errors = {}
    if not obj.heading:
        errors["heading"] = f"请填写{heading_label}"
    if not obj.text:
        errors["text"] = f"请填写{text_label}"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def cause_create(*, actor: Any, meeting: Meeting, member: RosterEntry | None, heading: str, text: str) -> Cause:
    _check_owner(meeting, member)
    _require_edit_for(actor, meeting, member)
    cause = Cause(
        meeting=meeting,
        member=member,
        heading=_clean_text(heading),
        text=_clean_text(text),
        order=_next_order(Cause, meeting, member),
    )
    _check_heading_text(cause, "标题", "剖析")
    check_lengths(cause)
    cause.full_clean()
    cause.save()
    audit_record(
        actor=actor,
        event_type="created",
        obj=cause,
        organization=meeting.organization,
        changes=[{"field": "member", "label": "对象", "old": "", "new": member.name if member else "领导班子"}],
    )
    return cause


@transaction.atomic
def cause_update(*, actor: Any, cause: Cause, data: dict[str, Any]) -> Cause:
    _require_edit_for(actor, cause.meeting, cause.member)
    data = {k: _clean_text(v) for k, v in data.items() if k in CAUSE_FIELDS}
    changes = apply_changes(cause, data)
    _check_heading_text(cause, "标题", "剖析")
    check_lengths(cause)
    if changes:
        cause.full_clean()
        cause.save()
        audit_record(
            actor=actor, event_type="updated", obj=cause, organization=cause.meeting.organization, changes=changes
        )
    return cause


@transaction.atomic
def cause_delete(*, actor: Any, cause: Cause) -> None:
    _require_edit_for(actor, cause.meeting, cause.member)
    audit_record(actor=actor, event_type="deleted", obj=cause, organization=cause.meeting.organization)
    _delete(cause)


# --- measures ------------------------------------------------------------------------------------


def _problems_display(problems: Iterable[Problem]) -> str:
    return "、".join(f"“{_short(p.description)}”" for p in problems) or "（空）"


@transaction.atomic
def measure_create(
    *,
    actor: Any,
    meeting: Meeting,
    member: RosterEntry | None,
    heading: str,
    text: str,
    problems: Iterable[Problem] = (),
) -> Measure:
    _check_owner(meeting, member)
    _require_edit_for(actor, meeting, member)
    answered = list(problems)
    _check_problems(meeting, member, answered)
    measure = Measure(
        meeting=meeting,
        member=member,
        heading=_clean_text(heading),
        text=_clean_text(text),
        order=_next_order(Measure, meeting, member),
    )
    _check_heading_text(measure, "努力方向", "具体措施")
    check_lengths(measure)
    measure.full_clean()
    measure.save()
    measure.problems.set(answered)
    changes = [{"field": "member", "label": "对象", "old": "", "new": member.name if member else "领导班子"}]
    if answered:
        changes.append({"field": "problems", "label": "针对的问题", "old": "", "new": _problems_display(answered)})
    audit_record(actor=actor, event_type="created", obj=measure, organization=meeting.organization, changes=changes)
    return measure


@transaction.atomic
def measure_update(
    *, actor: Any, measure: Measure, data: dict[str, Any], problems: Iterable[Problem] | None = None
) -> Measure:
    _require_edit_for(actor, measure.meeting, measure.member)
    data = {k: _clean_text(v) for k, v in data.items() if k in MEASURE_FIELDS}
    changes = apply_changes(measure, data)
    _check_heading_text(measure, "努力方向", "具体措施")
    check_lengths(measure)
    if problems is not None:
        answered = list(problems)
        _check_problems(measure.meeting, measure.member, answered)
        old = list(measure.problems.order_by("order", "id"))
        if {p.pk for p in old} != {p.pk for p in answered}:
            measure.problems.set(answered)
            changes.append(
                {
                    "field": "problems",
                    "label": "针对的问题",
                    "old": _problems_display(old),
                    "new": _problems_display(sorted(answered, key=lambda p: (p.order, p.pk))),
                }
            )
    if changes:
        measure.full_clean()
        measure.save()
        audit_record(
            actor=actor, event_type="updated", obj=measure, organization=measure.meeting.organization, changes=changes
        )
    return measure


@transaction.atomic
def measure_delete(*, actor: Any, measure: Measure) -> None:
    _require_edit_for(actor, measure.meeting, measure.member)
    audit_record(actor=actor, event_type="deleted", obj=measure, organization=measure.meeting.organization)
    _delete(measure)


# --- reordering ----------------------------------------------------------------------------------


def _siblings(obj: Problem | Cause | Measure) -> list[Any]:
    """The owner's records of this kind in order, renumbered 1..n where the stored numbers
    collide or have gaps, so that swapping two numbers is always a real move."""
    model = type(obj)
    items = list(
        model.objects.select_for_update()
        .filter(meeting_id=obj.meeting_id, member_id=obj.member_id)
        .order_by("order", "id")
    )
    renumbered = []
    for i, item in enumerate(items, start=1):
        if item.order != i:
            item.order = i
            renumbered.append(item)
    if renumbered:
        model.objects.bulk_update(renumbered, ["order"])
    return items


@transaction.atomic
def record_move(*, actor: Any, obj: Problem | Cause | Measure, direction: str) -> bool:
    """Move a problem, cause or measure one place up or down among its owner's records (a
    problem: among those under the same aspect). Returns False when it is already at that end."""
    _require_edit_for(actor, obj.meeting, obj.member)
    if direction not in DIRECTION_PHRASES:
        raise ValidationError({"direction": "移动方向只能是上移或下移"})
    items = _siblings(obj)
    if isinstance(obj, Problem):
        items = [p for p in items if p.aspect_id == obj.aspect_id]
    position = next(i for i, item in enumerate(items) if item.pk == obj.pk)
    other = position - 1 if direction == UP else position + 1
    if not 0 <= other < len(items):
        return False
    mine, theirs = items[position], items[other]
    mine.order, theirs.order = theirs.order, mine.order
    type(obj).objects.bulk_update([mine, theirs], ["order"])
    obj.order = mine.order
    audit_record(
        actor=actor,
        event_type="problems.moved",
        obj=obj,
        organization=obj.meeting.organization,
        extra={"direction": DIRECTION_PHRASES[direction]},
    )
    return True
