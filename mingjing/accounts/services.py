"""Accounts, roles and the identity controls: every write takes its actor, runs in a transaction and
records one audit event. Who may change what is asked of mingjing.accounts.access (through the selectors'
require_* helpers), so the pages and the console get the same answer."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from mingjing.accounts.access import Perm, access_for
from mingjing.accounts.models import THREE_ADMINS, AccountSecurity, Membership, Role, SecurityPolicy
from mingjing.accounts.security import end_sessions, forget_policy, security_of
from mingjing.accounts.selectors import account_units, require, require_account_manage, require_anywhere
from mingjing.audit.services import actor_display_name, apply_changes, audit_record
from mingjing.organizations.models import Organization, Person


def _label(user: Any) -> str:
    return f"{actor_display_name(user)}（{user.username}）"


def _home_unit(user: Any) -> Organization | None:
    units = account_units(user)
    security = AccountSecurity.objects.filter(user=user).select_related("organization").first()
    if security is not None and security.organization is not None:
        return security.organization
    return units[0] if units else None


def _check_password(password: str, user: Any, field: str = "password") -> None:
    """The security administrator's rules, told in Chinese, judged against this user's name."""
    if not password:
        raise ValidationError({field: "请填写密码"})
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({field: exc.messages}) from exc


@transaction.atomic
def account_create(
    *,
    actor: Any,
    organization: Organization,
    username: str,
    display_name: str,
    password: str,
    person: Person | None = None,
    role: str = "",
) -> Any:
    """A login account of `organization`; its first login asks for a new password."""
    if actor is not None:
        require(actor, Perm.ACCOUNTS_MANAGE, organization)
    User = get_user_model()
    username = username.strip()
    if not username:
        raise ValidationError({"username": "请填写用户名"})
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": f"用户名“{username}”已被使用"})
    if not display_name.strip():
        raise ValidationError({"display_name": "新建账号须填写姓名"})
    user = User(username=username, first_name=display_name.strip())
    _check_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    AccountSecurity.objects.create(
        user=user, organization=organization, must_change_password=True, password_changed_at=timezone.now()
    )
    audit_record(
        actor=actor, event_type="account.created", obj=user, organization=organization, extra={"user": _label(user)}
    )
    if person is not None:
        person_link(actor=actor, person=person, user=user)
    if role:
        membership_grant(actor=actor, organization=organization, user=user, role=role)
    return user


def user_create(*, actor: Any, organization: Organization, username: str, display_name: str, password: str) -> Any:
    """Kept for the roles page: an account created there is created like any other."""
    return account_create(
        actor=actor, organization=organization, username=username, display_name=display_name, password=password
    )


@transaction.atomic
def account_set_active(*, actor: Any, user: Any, active: bool) -> None:
    """Disable an account (its sessions end at once) or enable it again."""
    require_account_manage(actor, user)
    if user.is_active == active:
        return
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        end_sessions(user)
    audit_record(
        actor=actor,
        event_type="account.enabled" if active else "account.disabled",
        obj=user,
        organization=_home_unit(user),
        extra={"user": _label(user)},
    )


@transaction.atomic
def account_password_reset(*, actor: Any, user: Any, password: str) -> None:
    """An administrator sets a temporary password; the owner must change it at his next login."""
    require_account_manage(actor, user)
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    security = security_of(user)
    security.must_change_password = not security.is_demo
    security.password_changed_at = timezone.now()
    security.save(update_fields=["must_change_password", "password_changed_at"])
    end_sessions(user)
    audit_record(
        actor=actor,
        event_type="account.password_reset",
        obj=user,
        organization=_home_unit(user),
        extra={"user": _label(user)},
    )


@transaction.atomic
def password_change(*, actor: Any, new_password: str, keep_session: str | None = None) -> None:
    """The user's own new password (the form has checked the old one): his other sessions end."""
    if actor.check_password(new_password):
        raise ValidationError({"new_password1": "新密码不能与原密码相同"})
    _check_password(new_password, actor, "new_password1")
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    security = security_of(actor)
    security.must_change_password = False
    security.password_changed_at = timezone.now()
    security.save(update_fields=["must_change_password", "password_changed_at"])
    end_sessions(actor, keep=keep_session)
    audit_record(actor=actor, event_type="account.password_changed", obj=actor, organization=_home_unit(actor))


@transaction.atomic
def person_link(*, actor: Any, person: Person, user: Any) -> Person:
    """A roster person gets his login account: he then writes his own records."""
    if actor is not None:
        require(actor, Perm.ACCOUNTS_MANAGE, person.organization)
        require_account_manage(actor, user)
    person = Person.objects.select_for_update().select_related("organization").get(pk=person.pk)
    if person.user_id == user.pk:
        return person
    if person.user_id is not None:
        raise ValidationError({"person": f"“{person.name}”已关联账号“{person.user.username}”，请先解除"})
    other = Person.objects.filter(user=user).select_related("organization").first()
    if other is not None:
        raise ValidationError(
            {"person": f"账号“{user.username}”已关联{other.organization.short_name}的“{other.name}”，请先解除"}
        )
    person.user = user
    person.save(update_fields=["user"])
    audit_record(
        actor=actor,
        event_type="account.person_linked",
        obj=user,
        organization=person.organization,
        extra={"person": person.name, "user": user.username},
    )
    return person


@transaction.atomic
def person_unlink(*, actor: Any, person: Person) -> None:
    """A person who leaves (or was linked by mistake) is no longer this account."""
    if actor is not None:
        require(actor, Perm.ACCOUNTS_MANAGE, person.organization)
    if person.user_id is None:
        return
    user = person.user
    if actor is not None and actor.pk != user.pk:
        require_account_manage(actor, user)
    person.user = None
    person.save(update_fields=["user"])
    audit_record(
        actor=actor,
        event_type="account.person_unlinked",
        obj=user,
        organization=person.organization,
        extra={"person": person.name, "user": user.username},
    )


@transaction.atomic
def membership_grant(*, actor: Any, organization: Organization, user: Any, role: str) -> Membership:
    if role not in Role.values:
        raise ValidationError({"role": "没有这个角色"})
    if actor is not None:
        reason = access_for(actor).grant_refusal(role)
        if reason:
            raise PermissionDenied(reason)
    if Membership.objects.filter(user=user, organization=organization, role=role).exists():
        raise ValidationError({"role": f"{actor_display_name(user)}已有“{Role(role).label}”角色"})
    # 三员分立: one account never holds two of the three administrators' roles, anywhere; and an
    # administrator's account holds no other role, so it never reads a meeting through one.
    if role in THREE_ADMINS:
        held = Membership.objects.filter(user=user, role__in=THREE_ADMINS).exclude(role=role).first()
        if held is not None:
            raise ValidationError(
                {
                    "role": f"{actor_display_name(user)}已是{held.get_role_display()}，"
                    f"系统管理员、安全管理员、审计管理员三者不能由同一账号兼任（三员分立）"
                }
            )
        other = Membership.objects.filter(user=user).exclude(role__in=THREE_ADMINS).first()
        if other is not None:
            raise ValidationError(
                {
                    "role": f"{actor_display_name(user)}已有“{other.get_role_display()}”角色，"
                    f"三员分立的管理员账号不能兼任其他角色，请另建账号"
                }
            )
    else:
        admin = Membership.objects.filter(user=user, role__in=THREE_ADMINS).first()
        if admin is not None:
            raise ValidationError(
                {
                    "role": f"{actor_display_name(user)}是{admin.get_role_display()}，"
                    f"三员分立的管理员账号不能兼任其他角色，请另建账号"
                }
            )
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
    if actor is not None:
        reason = access_for(actor).grant_refusal(membership.role)
        if reason:
            raise PermissionDenied(reason.replace("授予", "撤销"))
    organization = membership.organization
    extra = {"user": actor_display_name(membership.user), "role": membership.get_role_display()}
    membership.delete()
    audit_record(actor=actor, event_type="membership.revoked", obj=organization, organization=organization, extra=extra)


POLICY_FIELDS = (
    "lockout_failures",
    "lockout_minutes",
    "min_length",
    "min_classes",
    "max_age_days",
    "warn_days",
    "idle_minutes",
    "max_sessions",
)


@transaction.atomic
def security_policy_update(*, actor: Any, data: dict[str, Any]) -> SecurityPolicy:
    if actor is not None:
        require_anywhere(actor, Perm.SECURITY_MANAGE)
    policy = SecurityPolicy.objects.select_for_update().filter(pk=1).first() or SecurityPolicy(pk=1)
    changes = apply_changes(policy, {k: v for k, v in data.items() if k in POLICY_FIELDS})
    if changes:
        policy.full_clean()
        policy.save()
        audit_record(actor=actor, event_type="security.policy_updated", obj=policy, changes=changes)
    forget_policy()
    transaction.on_commit(forget_policy)
    return policy


@transaction.atomic
def account_unlock(*, actor: Any, username: str = "", ip: str = "") -> int:
    """Lift a lockout (an account's, or an address's); returns the failure records cleared."""
    from axes.utils import reset

    if actor is not None:
        require_anywhere(actor, Perm.SECURITY_MANAGE)
    if not username and not ip:
        raise ValidationError("请指定要解锁的账号或地址")
    count = reset(username=username or None) if username else reset(ip=ip)
    target = f"账号“{username}”" if username else f"地址 {ip}"
    audit_record(actor=actor, event_type="account.unlocked", extra={"target": target})
    return count
