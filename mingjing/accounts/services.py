"""Granting and revoking roles; creating accounts."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from mingjing.accounts.models import Membership, Role
from mingjing.audit.services import actor_display_name, audit_record
from mingjing.organizations.models import Organization


@transaction.atomic
def user_create(*, actor: Any, organization: Organization, username: str, display_name: str, password: str) -> Any:
    User = get_user_model()
    username = username.strip()
    if User.objects.filter(username=username).exists():
        raise ValidationError({"username": "该用户名已被使用"})
    if not display_name.strip():
        raise ValidationError({"display_name": "新建账号须填写姓名"})
    if not password:
        raise ValidationError({"password": "新建账号须设置初始密码"})
    user = User(username=username, first_name=display_name.strip())
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    audit_record(
        actor=actor,
        event_type="user.created",
        obj=organization,
        organization=organization,
        extra={"user": f"{user.first_name}（{user.username}）"},
    )
    return user


@transaction.atomic
def membership_grant(*, actor: Any, organization: Organization, user: Any, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": "没有这个角色"})
    if Membership.objects.filter(user=user, organization=organization, role=role).exists():
        raise ValidationError({"role": f"{actor_display_name(user)}已有“{Role(role).label}”角色"})
    membership = Membership.objects.create(user=user, organization=organization, role=role)
    audit_record(
        actor=actor,
        event_type="membership.granted",
        obj=organization,
        organization=organization,
        extra={"user": actor_display_name(user), "role": str(Role(role).label)},
    )
    return membership


@transaction.atomic
def membership_revoke(*, actor: Any, membership: Membership) -> None:
    organization = membership.organization
    extra = {"user": actor_display_name(membership.user), "role": membership.get_role_display()}
    membership.delete()
    audit_record(actor=actor, event_type="membership.revoked", obj=organization, organization=organization, extra=extra)
