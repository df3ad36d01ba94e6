"""Reads about users and roles, scoped to what the asking user may see."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db.models import Model, Prefetch, Q, QuerySet
from django.http import Http404

from mingjing.accounts.access import Perm, access_for
from mingjing.accounts.models import AccountSecurity, Membership, Role
from mingjing.organizations.models import Person


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


def account_units(account: Any) -> list[Any]:
    """The units an account belongs to: its own unit, where it holds roles, where its person is."""
    from mingjing.organizations.models import Organization

    ids = set(Membership.objects.filter(user=account).values_list("organization_id", flat=True))
    ids |= set(
        AccountSecurity.objects.filter(user=account, organization__isnull=False).values_list(
            "organization_id", flat=True
        )
    )
    ids |= set(Person.objects.filter(user=account).values_list("organization_id", flat=True))
    return list(Organization.objects.filter(pk__in=ids))


def account_roles(account: Any) -> set[str]:
    return set(Membership.objects.filter(user=account).values_list("role", flat=True))


def accounts_for_user(*, user: Any) -> QuerySet:
    """Accounts in a unit the user manages accounts of (its own unit, a role or its person there)."""
    access = access_for(user)
    q = (
        access.org_q(Perm.ACCOUNTS_MANAGE, "security__organization__")
        | access.org_q(Perm.ACCOUNTS_MANAGE, "memberships__organization__")
        | access.org_q(Perm.ACCOUNTS_MANAGE, "person__organization__")
    )
    ids = get_user_model().objects.filter(q).values("pk")
    return get_user_model().objects.filter(pk__in=ids).select_related("person", "person__organization", "security")


def accounts_of_unit(*, user: Any, organization: Any) -> QuerySet:
    require(user, Perm.ACCOUNTS_MANAGE, organization)
    ids = (
        get_user_model()
        .objects.filter(
            Q(security__organization=organization)
            | Q(memberships__organization=organization)
            | Q(person__organization=organization)
        )
        .values("pk")
    )
    return (
        get_user_model()
        .objects.filter(pk__in=ids)
        .select_related("person", "person__organization", "security")
        .prefetch_related(Prefetch("memberships", queryset=Membership.objects.select_related("organization")))
        .order_by("username")
    )


def get_account_for_user(*, user: Any, pk: Any, manage: bool = False) -> Any:
    """404 outside the user's units; with manage=True, 403 (with the reason) when he may see the
    account but not change it."""
    account = get_scoped(accounts_for_user(user=user), pk, missing="没有找到该账号")
    if manage:
        require_account_manage(user, account)
    return account


def require_account_manage(user: Any, account: Any) -> None:
    if user is None:  # the console
        return
    if user.pk == account.pk:
        raise PermissionDenied("不能在此处修改自己的账号，请使用“修改密码”")
    reason = access_for(user).account_refusal(units=account_units(account), roles=account_roles(account))
    if reason:
        raise PermissionDenied(reason)


def require_anywhere(user: Any, perm: Perm) -> None:
    if not access_for(user).can_anywhere(perm):
        raise PermissionDenied("您没有执行此操作的权限")


def unlinked_people(*, organization: Any) -> QuerySet:
    return (
        Person.objects.filter(organization=organization, user__isnull=True, is_active=True)
        .select_related("organization")
        .order_by("precedence", "name", "id")
    )


def person_label(person: Any) -> str:
    """A roster person as every choice shows him, so that namesakes are told apart."""
    parts = [person.name, person.post or "职务未填", person.organization.short_name]
    if person.user_id:
        parts.append(f"账号 {person.user.username}")
    return " · ".join(parts)


def account_label(account: Any) -> str:
    """An account as choices and history show it: name, username and unit."""
    try:
        person = account.person
    except ObjectDoesNotExist:
        person = None
    name = account.first_name or account.username
    unit = person.organization.short_name if person is not None else ""
    return f"{name}（{account.username}）" + (f" · {unit}" if unit else "")
