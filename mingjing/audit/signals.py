"""Sign-in events: every login, failed login and logout is an audit event."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import transaction


def client_ip(request: Any) -> str:
    """The address the request came from (REMOTE_ADDR: behind a proxy, the proxy sets it through
    the WSGI server, e.g. waitress's trusted_proxy)."""
    if request is None:
        return "未知"
    return request.META.get("REMOTE_ADDR") or "未知"


def home_unit(user: Any) -> Any:
    """The unit a sign-in is filed under: the first unit the account holds a role in."""
    from mingjing.accounts.models import Membership

    membership = Membership.objects.filter(user_id=user.pk).select_related("organization").order_by("id").first()
    return membership.organization if membership else None


def _record(*, user: Any, event_type: str, extra: dict[str, Any]) -> None:
    from mingjing.audit.services import audit_record

    with transaction.atomic():
        audit_record(actor=user, event_type=event_type, organization=home_unit(user) if user else None, extra=extra)


def on_login(sender, request, user, **kwargs) -> None:
    _record(user=user, event_type="auth.login", extra={"ip": client_ip(request)})


def on_logout(sender, request, user, **kwargs) -> None:
    if user is not None:  # logging out without a session: nothing happened
        _record(user=user, event_type="auth.logout", extra={"ip": client_ip(request)})


def on_login_failed(sender, credentials, request=None, **kwargs) -> None:
    username = str(credentials.get("username", ""))[:150]
    user = get_user_model().objects.filter(username=username).first() if username else None
    _record(user=user, event_type="auth.login_failed", extra={"username": username, "ip": client_ip(request)})


def connect() -> None:
    user_logged_in.connect(on_login, dispatch_uid="audit-login")
    user_logged_out.connect(on_logout, dispatch_uid="audit-logout")
    user_login_failed.connect(on_login_failed, dispatch_uid="audit-login-failed")
