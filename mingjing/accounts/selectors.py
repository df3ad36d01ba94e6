"""Reads about users and roles, scoped to what the asking user may see."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404

from mingjing.accounts.access import Perm, access_for
from mingjing.accounts.models import Membership, Role


def role_labels_for(user: Any, organization: Any) -> str:
    """'党务工作人员' — the roles the user holds in that unit, for audit lines."""
    if organization is None:
        return ""
    roles = access_for(user).roles_in(organization.pk)
    return "、".join(str(Role(r).label) for r in roles)


def memberships_of_unit(*, user: Any, organization: Any) -> QuerySet[Membership]:
    """Roles held in a unit, for a user who may administer it."""
    require(user, Perm.UNIT_ADMIN, organization)
    return (
        Membership.objects.filter(organization=organization)
        .select_related("user", "user__person")
        .order_by("role", "user__username")
    )


def get_membership_for_admin(*, user: Any, pk: int) -> Membership:
    access = access_for(user)
    qs = Membership.objects.filter(access.org_q(Perm.UNIT_ADMIN, "organization__"))
    try:
        return qs.select_related("user", "organization").get(pk=pk)
    except Membership.DoesNotExist as exc:
        raise Http404("没有找到该角色") from exc


def require(user: Any, perm: Perm, organization: Any) -> None:
    """Raise 403 when the user lacks `perm` on a unit he can otherwise see."""
    if not access_for(user).can(perm, organization):
        raise PermissionDenied("您没有执行此操作的权限")


def get_scoped(qs: QuerySet, pk: Any, *, missing: str = "没有找到该记录") -> Model:
    try:
        return qs.get(pk=pk)
    except (qs.model.DoesNotExist, ValueError) as exc:
        raise Http404(missing) from exc
