"""The identity controls (等保 第三级 8.1.4.1): the security administrator's policy, the password rules,
the lockout limits django-axes reads, what a login records, and the session rules every request obeys.

The policy is one database row (SecurityPolicy), kept in the process's cache so that a request adds no
query (and always the same number of them); the security administrator's page clears the cache when it
saves. `mingjing serve` runs several processes: they share one cache, a file cache in the data directory
(settings.CACHES), so the clearing reaches them all.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from importlib import import_module
from typing import Any
from urllib.parse import urlencode

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.password_validation import CommonPasswordValidator, UserAttributeSimilarityValidator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from mingjing.accounts.models import AccountSecurity, SecurityPolicy, SessionRecord

POLICY_CACHE_KEY = "mingjing:security-policy"

# Session keys.
LOGIN_AT = "mj_login_at"
SEEN_AT = "mj_seen_at"
MUST_CHANGE = "mj_must_change"  # "reset" (an administrator set the password) or "expired"
# The idle clock is written back at most this often, so that a page view rarely writes the session.
SEEN_RESOLUTION = 60


def get_policy() -> SecurityPolicy:
    policy = cache.get(POLICY_CACHE_KEY)
    if policy is None:
        policy = SecurityPolicy.objects.filter(pk=1).first() or SecurityPolicy(pk=1)
        cache.set(POLICY_CACHE_KEY, policy, None)
    return policy


def forget_policy() -> None:
    cache.delete(POLICY_CACHE_KEY)


# --- lockout (django-axes reads these through settings.AXES_FAILURE_LIMIT / AXES_COOLOFF_TIME) -------------


def lockout_failure_limit(request: Any, credentials: Any) -> int:
    return get_policy().lockout_failures


def lockout_cooloff(request: Any = None) -> dt.timedelta:
    return dt.timedelta(minutes=get_policy().lockout_minutes)


def lockout_response(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> HttpResponse:
    policy = get_policy()
    context = {"failures": policy.lockout_failures, "minutes": policy.lockout_minutes}
    return render(request, "registration/locked.html", context, status=429)


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' check before the password one. Only the login page's form counts and locks out:
    a call without a request (the test client's login(), a script) has no address to count by."""

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def client_ip(request: HttpRequest) -> str | None:
    """The address axes counts failures by (REMOTE_ADDR; a trusted proxy sets it through the WSGI server)."""
    return request.META.get("REMOTE_ADDR") or None


# --- password rules -------------------------------------------------------------------------------------

CLASSES = (
    ("大写字母", re.compile(r"[A-Z]")),
    ("小写字母", re.compile(r"[a-z]")),
    ("数字", re.compile(r"[0-9]")),
    ("符号", re.compile(r"[^A-Za-z0-9]")),
)


class MinimumLengthValidator:
    def validate(self, password: str, user: Any = None) -> None:
        n = get_policy().min_length
        if len(password) < n:
            raise ValidationError(f"密码太短，至少需要{n}个字符。", code="password_too_short")

    def get_help_text(self) -> str:
        return f"至少{get_policy().min_length}个字符。"


class CharacterClassesValidator:
    def validate(self, password: str, user: Any = None) -> None:
        n = get_policy().min_classes
        if sum(1 for _, pattern in CLASSES if pattern.search(password)) < n:
            raise ValidationError(
                f"密码须包含大写字母、小写字母、数字、符号中的至少{n}类。", code="password_too_few_classes"
            )

    def get_help_text(self) -> str:
        return f"包含大写字母、小写字母、数字、符号中的至少{get_policy().min_classes}类。"


class SimilarityValidator(UserAttributeSimilarityValidator):
    """Not like the username or the name (validate_password must be given the user)."""

    DEFAULT_USER_ATTRIBUTES = ("username", "first_name", "last_name", "email")

    def validate(self, password: str, user: Any = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError("密码与用户名或姓名过于相似。", code="password_too_similar") from exc
        username = (getattr(user, "username", "") or "").lower()
        if username and len(username) >= 3 and username in password.lower():
            raise ValidationError("密码不能包含用户名。", code="password_too_similar")

    def get_help_text(self) -> str:
        return "不能与用户名或姓名相似。"


class CommonValidator(CommonPasswordValidator):
    def validate(self, password: str, user: Any = None) -> None:
        try:
            super().validate(password, user)
        except ValidationError as exc:
            raise ValidationError("该密码过于常见，容易被猜中。", code="password_too_common") from exc

    def get_help_text(self) -> str:
        return "不能是常见密码。"


class NotNumericValidator:
    def validate(self, password: str, user: Any = None) -> None:
        if password.isdigit():
            raise ValidationError("密码不能全是数字。", code="password_entirely_numeric")

    def get_help_text(self) -> str:
        return "不能全是数字。"


class SameCharacterValidator:
    """'aaaaaaaa1A' and the like: one character repeated is no password."""

    def validate(self, password: str, user: Any = None) -> None:
        if password and len(set(password.lower())) <= max(2, len(password) // 4):
            raise ValidationError("密码中重复的字符太多。", code="password_repetitive")

    def get_help_text(self) -> str:
        return "不能大部分由同一字符重复构成。"


# --- login, logout and the sessions of an account --------------------------------------------------------


def _session_store() -> Any:
    return import_module(settings.SESSION_ENGINE).SessionStore


def key_hash(session_key: str) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()


def _delete_sessions(records: list[SessionRecord]) -> None:
    """End the sessions behind these records (found by hash among the unexpired sessions) and drop them."""
    if not records:
        return
    hashes = {r.key_hash for r in records}
    store = _session_store()
    model = store.get_model_class() if hasattr(store, "get_model_class") else None
    if model is not None:
        keys = model.objects.filter(expire_date__gt=timezone.now()).values_list("session_key", flat=True)
        for key in keys.iterator():
            if key_hash(key) in hashes:
                store(session_key=key).delete()
    SessionRecord.objects.filter(pk__in=[r.pk for r in records]).delete()


def end_sessions(user: Any, *, keep: str | None = None) -> int:
    """End the account's tracked sessions (all but `keep`); returns how many ended."""
    records = list(SessionRecord.objects.filter(user=user).exclude(key_hash=key_hash(keep) if keep else ""))
    _delete_sessions(records)
    return len(records)


def security_of(user: Any) -> AccountSecurity:
    security = AccountSecurity.objects.filter(user=user).first()
    if security is None:
        # An account from before the identity controls: its password's age counts from now.
        security = AccountSecurity.objects.create(user=user, password_changed_at=timezone.now())
    return security


def password_expires_at(security: AccountSecurity, policy: SecurityPolicy) -> dt.datetime | None:
    if security.is_demo or not policy.max_age_days or security.password_changed_at is None:
        return None
    return security.password_changed_at + dt.timedelta(days=policy.max_age_days)


def on_login(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    """Record the login, tell the user about the previous one, start the session clocks, end the
    oldest sessions beyond the limit, and require a password change where one is due."""
    if request is None or not hasattr(request, "session"):
        return
    now = timezone.now()
    policy = get_policy()
    with transaction.atomic():
        security = security_of(user)
        previous_at, previous_ip = security.last_login_at, security.last_login_ip
        security.last_login_at, security.last_login_ip = now, client_ip(request)
        security.save(update_fields=["last_login_at", "last_login_ip"])
        request.session[LOGIN_AT] = request.session[SEEN_AT] = int(now.timestamp())
        must = ""
        expires = password_expires_at(security, policy)
        if security.must_change_password and not security.is_demo:
            must = "reset"
        elif expires is not None and expires <= now:
            must = "expired"
        if must:
            request.session[MUST_CHANGE] = must
        else:
            request.session.pop(MUST_CHANGE, None)
        if request.session.session_key is None:
            request.session.save()
        SessionRecord.objects.update_or_create(
            key_hash=key_hash(request.session.session_key),
            defaults={"user": user, "ip": client_ip(request), "created_at": now},
        )
        # At most N sessions: the newest stay, the older ones end.
        ended = list(
            SessionRecord.objects.filter(user=user).order_by("-created_at", "-id")[max(policy.max_sessions, 1) :]
        )
        _delete_sessions(ended)
    if previous_at is not None:
        t = timezone.localtime(previous_at)
        when = f"{t.year}年{t.month}月{t.day}日 {t:%H:%M}"
        messages.info(request, f"上次登录：{when}，地址 {previous_ip or '未知'}", fail_silently=True)
    if ended:
        messages.info(request, f"同一账号最多同时登录{policy.max_sessions}处，已退出较早的登录。", fail_silently=True)
    if not must and expires is not None and expires - now <= dt.timedelta(days=policy.warn_days):
        days = max((timezone.localdate(expires) - timezone.localdate(now)).days, 0)
        messages.warning(request, f"您的密码将在{days}天后到期，请及时修改。", fail_silently=True)


def on_logout(sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
    if request is not None and getattr(request, "session", None) is not None and request.session.session_key:
        SessionRecord.objects.filter(key_hash=key_hash(request.session.session_key)).delete()


# Pages that must never read the session (the anonymous opinion form promises it, signed-in or not).
SESSIONLESS_VIEWS = {"opinions:public_form"}


class SessionRulesMiddleware:
    """Idle timeout, the absolute session age, and the password change that must come first."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Any, view_args: Any, view_kwargs: Any) -> Any:
        # Without a session cookie nobody is signed in, so the session is not even read.
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        match = request.resolver_match
        if match is not None and match.view_name in SESSIONLESS_VIEWS:
            return None
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            return self.check(request)
        return None

    def check(self, request: HttpRequest) -> HttpResponse | None:
        session = request.session
        now = int(timezone.now().timestamp())
        seen = session.get(SEEN_AT)
        login_at = session.get(LOGIN_AT)
        if seen is None or login_at is None:  # a session from before these rules
            session[SEEN_AT] = session[LOGIN_AT] = seen = login_at = now
        policy = get_policy()
        if now - seen > policy.idle_minutes * 60:
            return self.end(request, f"超过{policy.idle_minutes}分钟未操作，已自动退出，请重新登录。")
        if now - login_at > settings.SESSION_COOKIE_AGE:
            return self.end(request, "登录时间已超过上限，已自动退出，请重新登录。")
        if now - seen >= SEEN_RESOLUTION:
            session[SEEN_AT] = now
        must = session.get(MUST_CHANGE)
        if must and request.path not in _allowed_while_changing() and request.headers.get("HX-Request"):
            # A fragment the page loads (the to-do count) is refused, not swapped for the password page.
            return HttpResponse("请先修改密码", status=403, content_type="text/plain; charset=utf-8")
        if must and request.path not in _allowed_while_changing():
            messages.warning(
                request,
                "管理员重置了您的密码，请先设置新密码。" if must == "reset" else "您的密码已过期，请先设置新密码。",
            )
            return redirect("accounts:password_change")
        return None

    def end(self, request: HttpRequest, message: str) -> HttpResponse:
        logout(request)
        messages.info(request, message)
        if request.headers.get("HX-Request"):  # htmx: the whole page goes to the login form
            return HttpResponse(status=200, headers={"HX-Redirect": reverse("login")})
        if request.method == "GET":
            return redirect(f"{reverse('login')}?{urlencode({'next': request.get_full_path()})}")
        return redirect("login")


def _allowed_while_changing() -> set[str]:
    return {reverse("accounts:password_change"), reverse("logout"), reverse("login")}
