"""Reads about meetings, always within what the user may see."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from functools import cache
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q, QuerySet, prefetch_related_objects
from django.http import Http404

from mingjing.accounts.access import Perm, access_for
from mingjing.accounts.models import Membership, Role
from mingjing.accounts.policy import ANY, Ability, policy_for
from mingjing.accounts.selectors import get_scoped
from mingjing.audit.services import actor_display_name
from mingjing.lib.dates import today
from mingjing.lib.memo import per_build
from mingjing.lib.pagination import search_q
from mingjing.lib.shapes import ID_RANGE, PreparedQuery, prepared_query, query_shape
from mingjing.meetings.models import Meeting, RosterEntry, StepCompletion, SupervisorAssignment
from mingjing.meetings.timeline import StepView, build_timeline, current_step
from mingjing.organizations.models import Division, TeamRole, team_rank
from mingjing.yearconfigs.models import MeetingKind


def meetings_for_user(*, user: Any) -> QuerySet[Meeting]:
    """The meetings the user may see, for lists and counts: a cancelled meeting is left out (it
    is still reached by its URL, read-only, through `get_meeting_for_user`)."""
    return _reachable_meetings(user=user).filter(cancelled_on__isnull=True)


def meeting_filters(params: Any) -> dict[str, Any]:
    """The meetings list's filters from the query string: `q` (words of the name or the unit's
    name), `year` (the configuration's year) and `kind`; a value that does not parse is ignored."""
    year = params.get("year", "").strip()
    kind = params.get("kind", "")
    return {
        "q": params.get("q", "").strip()[:100],
        "year": int(year) if year.isdigit() and len(year) == 4 else None,
        "kind": kind if kind in MeetingKind.values else "",
    }


def filter_meetings(meetings: QuerySet[Meeting], *, q: str = "", year: int | None = None, kind: str = "") -> QuerySet:
    if q:
        meetings = meetings.filter(search_q(q, ["title", "organization__name", "organization__short_name"]))
    if year:
        meetings = meetings.filter(config__year=year)
    if kind:
        meetings = meetings.filter(kind=kind)
    return meetings


@query_shape
def _steps_done() -> QuerySet[StepCompletion]:
    # With the note and who marked it: the meeting page's timeline reads them from here too.
    return StepCompletion.objects.only("meeting_id", "step", "completed_on", "note", "completed_by")


def _steps_prefetch() -> Prefetch:
    """The steps done, for meetings read. (Made per query: prefetching writes hints on its queryset,
    which must not be shared.)"""
    return Prefetch("step_completions", queryset=_steps_done().all())


def _meetings_with_steps() -> QuerySet[Meeting]:
    """Meetings with their unit and configuration, and the steps done."""
    return Meeting.objects.select_related("organization", "config").prefetch_related(_steps_prefetch())


def _reachable_meetings(*, user: Any) -> QuerySet[Meeting]:
    access = access_for(user)
    assigned = SupervisorAssignment.objects.filter(user_id=access.user_id).values("meeting_id")
    return _meetings_with_steps().filter(access.org_q(Perm.MEETING_READ, "organization__") | Q(id__in=assigned))


@cache
def _meeting_by_pk_query(related: tuple[str, ...]) -> PreparedQuery[Meeting]:
    return prepared_query(lambda pk: Meeting.objects.select_related("organization", "config", *related).filter(pk=pk))


def _meeting_by_pk(pk: Any, related: tuple[str, ...], missing: str) -> Meeting:
    """One meeting with its unit, configuration and `related`, and its steps done (a prepared query:
    a meeting page's first read costs no building or compiling)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404(missing) from exc
    found = _meeting_by_pk_query(related)(pk=pk) if pk in ID_RANGE else []
    if not found:
        raise Http404(missing)
    prefetch_related_objects(found, _steps_prefetch())
    return found[0]


def get_meeting_for_user(
    *, user: Any, pk: Any, ability: Ability = Ability.READ, target: Any = ANY, related: tuple[str, ...] = ()
) -> Meeting:
    """404 when the meeting is outside the user's reach; 403 with the policy's reason when he may
    read it but not do `ability` (to `target`). `related`: more foreign keys read with it."""
    missing = "没有找到该民主生活会"
    meeting = _meeting_by_pk(pk, related, missing)
    # The same reach as _reachable_meetings, asked of the one meeting found (the roles in Python, an
    # assignment by one query only for a user whose roles do not reach it): not compiled into the read.
    access = access_for(user)
    if not access.can(Perm.MEETING_READ, meeting.organization):
        assigned = SupervisorAssignment.objects.filter(meeting=meeting, user_id=access.user_id).exists()
        if not assigned:
            raise Http404(missing)
        policy_for(user=user, meeting=meeting).know(supervisor=True)
    if ability is not Ability.READ:
        policy_for(user=user, meeting=meeting).require(ability, target)
    return meeting


def get_meeting_record_for_user(
    *,
    model: type,
    user: Any,
    pk: Any,
    ability: Ability = Ability.READ,
    missing: str = "没有找到该记录",
    via: str = "",
    related: tuple[str, ...] = (),
) -> Any:
    """A record that belongs to a meeting (a talk, a study session …), reached only through a
    meeting the user may see: 404 outside it, 403 when he may read but not do `ability`.
    `via` names the record's parent when the meeting is one hop further ("campaign" for an
    opinion, "plan" for a plan task); `related` adds select_related fields."""
    prefix = f"{via}__" if via else ""
    qs = model.objects.filter(**{f"{prefix}meeting__in": _reachable_meetings(user=user)}).select_related(
        *([via] if via else []),
        f"{prefix}meeting",
        f"{prefix}meeting__organization",
        f"{prefix}meeting__config",
        *related,
    )
    record = get_scoped(qs, pk, missing=missing)
    if ability is not Ability.READ:
        meeting = getattr(record, via).meeting if via else record.meeting
        policy_for(user=user, meeting=meeting).require(ability)
    return record


def meeting_current_step_label(meeting: Meeting) -> str:
    """Uses the prefetched completions: no query per row in lists."""
    step = current_step(c.step for c in meeting.step_completions.all())
    return step.label if step else "已全部完成"


_ROSTER_IN_TEAM_ORDER = prepared_query(
    lambda meeting_id: (
        RosterEntry.objects.filter(meeting_id=meeting_id)
        .select_related("branch", "person")
        .order_by(team_rank(), "precedence", "id")
    )
)


def meeting_roster(*, meeting: Meeting) -> list[RosterEntry]:
    """The roster lines in team order, with their branch, person and the divisions each supervises."""
    roster = _ROSTER_IN_TEAM_ORDER(meeting_id=meeting.pk)
    divisions = Prefetch("supervised_divisions", queryset=Division.objects.order_by("order", "id"))
    prefetch_related_objects(roster, divisions)
    return roster


@per_build  # one document build reads the roster once (the report, its tallies, counts and ledger)
def roster_in_order(meeting: Meeting) -> list[RosterEntry]:
    """The meeting's roster in team order (principal first, then precedence), plain rows; read-only."""
    return list(RosterEntry.objects.filter(meeting=meeting).order_by(team_rank(), "precedence", "id"))


@query_shape
def _users_with_person() -> QuerySet:
    return get_user_model().objects.select_related("person")


_PREPARERS = prepared_query(
    lambda organization_id: (
        Membership.objects.filter(organization_id=organization_id, role=Role.PREPARER)
        .select_related("user", "user__person")
        .order_by("id")
    )
)


def meeting_timeline(
    *,
    meeting: Meeting,
    on: dt.date | None = None,
    roster: list[RosterEntry] | None = None,
    completions: Iterable[StepCompletion] | None = None,
) -> list[StepView]:
    """`roster` and `completions`: the meeting's roster lines and steps done when the page has
    loaded them already (not read again); who marked a step is read only when someone did."""
    rows = list(StepCompletion.objects.filter(meeting=meeting) if completions is None else completions)
    completed = {r.step: r.completed_on for r in rows}
    notes = {r.step: r.note for r in rows}
    marked = {r.completed_by_id for r in rows if r.completed_by_id}
    names = {u.pk: actor_display_name(u) for u in _users_with_person().filter(pk__in=marked)} if marked else {}
    marked_by = {r.step: names[r.completed_by_id] for r in rows if r.completed_by_id in names}
    if roster is None:
        roster = list(RosterEntry.objects.filter(meeting=meeting).values_list("team_role", "name"))
    else:
        roster = [(e.team_role, e.name) for e in sorted(roster, key=lambda e: (e.precedence, e.pk))]
    responsible: dict[str, list[str]] = {
        Role.PRINCIPAL: [name for role, name in roster if role == TeamRole.PRINCIPAL],
        Role.MEMBER: [name for role, name in roster if role == TeamRole.MEMBER],
        Role.PREPARER: [actor_display_name(m.user) for m in _PREPARERS(organization_id=meeting.organization_id)],
    }
    return build_timeline(
        planned_date=meeting.planned_date,
        config=meeting.config,
        completed=completed,
        responsible=responsible,
        today=on or today(),
        notes=notes,
        completed_by=marked_by,
        entered_after=meeting.entered_after,
    )


_SUPERVISORS = prepared_query(
    lambda meeting_id: SupervisorAssignment.objects.filter(meeting_id=meeting_id).select_related("user", "user__person")
)


def meeting_supervisors(*, meeting: Meeting) -> list[SupervisorAssignment]:
    return _SUPERVISORS(meeting_id=meeting.pk)


def assignable_supervisors(*, meeting: Meeting) -> QuerySet[Membership]:
    """督导组 members of the units above the meeting's unit."""
    return (
        Membership.objects.filter(role=Role.SUPERVISOR, organization_id__in=meeting.organization.ancestor_ids)
        .exclude(user__supervised_meetings__meeting=meeting)
        .select_related("user", "user__person", "organization")
        .order_by("organization__path", "user__username")
    )
