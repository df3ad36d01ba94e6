"""Reads about units and people, always within what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from mingjing.accounts.access import Perm, access_for
from mingjing.accounts.selectors import get_scoped, require
from mingjing.lib.pagination import search_q
from mingjing.organizations.models import Division, Organization, OrgKind, PartyBranch, Person, TeamRole, team_rank


def units_for_user(*, user: Any, perm: Perm = Perm.UNIT_READ) -> QuerySet[Organization]:
    return Organization.objects.filter(access_for(user).org_q(perm)).select_related("parent")


def unit_filters(params: Any) -> dict[str, str]:
    """The units list's filters: `q` (words of the name or short name) and `kind`."""
    kind = params.get("kind", "")
    return {"q": params.get("q", "").strip()[:100], "kind": kind if kind in OrgKind.values else ""}


def filter_units(units: QuerySet[Organization], *, q: str = "", kind: str = "") -> QuerySet[Organization]:
    if q:
        units = units.filter(search_q(q, ["name", "short_name"]))
    if kind:
        units = units.filter(kind=kind)
    return units.order_by("path")


def get_unit_for_user(*, user: Any, pk: Any, perm: Perm = Perm.UNIT_READ) -> Organization:
    """404 outside the user's reach; 403 when he sees the unit but lacks `perm`."""
    unit = get_scoped(units_for_user(user=user), pk, missing="没有找到该单位")
    if perm is not Perm.UNIT_READ:
        require(user, perm, unit)
    return unit


def people_of_unit(*, organization: Organization) -> QuerySet[Person]:
    """The unit's people, team first, with what the people table shows (fixed query count)."""
    return (
        Person.objects.filter(organization=organization)
        .select_related("branch", "heads_division", "user")
        .prefetch_related(Prefetch("supervised_divisions", queryset=Division.objects.order_by("order", "id")))
        .order_by("-is_active", team_rank(), "precedence", "id")
    )


def team_of_unit(*, organization: Organization) -> QuerySet[Person]:
    """The current leadership team in order of precedence: the principal first."""
    return (
        people_of_unit(organization=organization)
        .filter(is_active=True, team_role__in=[TeamRole.PRINCIPAL, TeamRole.MEMBER])
        .order_by(team_rank(), "precedence", "id")
    )


def get_person_for_user(*, user: Any, pk: Any, perm: Perm = Perm.UNIT_READ) -> Person:
    qs = Person.objects.filter(access_for(user).org_q(Perm.UNIT_READ, "organization__")).select_related(
        "organization", "branch", "heads_division", "user"
    )
    person = get_scoped(qs, pk, missing="没有找到该人员")
    if perm is not Perm.UNIT_READ:
        require(user, perm, person.organization)
    return person


def get_division_for_user(*, user: Any, pk: Any, perm: Perm = Perm.UNIT_MANAGE) -> Division:
    qs = Division.objects.filter(access_for(user).org_q(Perm.UNIT_READ, "organization__"))
    division = get_scoped(qs.select_related("organization"), pk, missing="没有找到该科室")
    require(user, perm, division.organization)
    return division


def get_branch_for_user(*, user: Any, pk: Any, perm: Perm = Perm.UNIT_MANAGE) -> PartyBranch:
    qs = PartyBranch.objects.filter(access_for(user).org_q(Perm.UNIT_READ, "organization__"))
    branch = get_scoped(qs.select_related("organization"), pk, missing="没有找到该党支部")
    require(user, perm, branch.organization)
    return branch
