from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from mingjing.accounts.access import Perm, access_for, access_from
from mingjing.accounts.forms import (
    AccountCreateForm,
    GrantRoleForm,
    OwnPasswordForm,
    PasswordResetForm,
    PersonLinkForm,
    SecurityPolicyForm,
    UnlockForm,
)
from mingjing.accounts.models import Membership, Role
from mingjing.accounts.security import MUST_CHANGE, get_policy, password_expires_at, security_of
from mingjing.accounts.selectors import (
    account_units,
    accounts_of_unit,
    get_account_for_user,
    get_membership_for_admin,
    memberships_of_unit,
    require_anywhere,
    unlinked_people,
)
from mingjing.accounts.services import (
    account_create,
    account_password_reset,
    account_set_active,
    account_unlock,
    membership_grant,
    membership_revoke,
    password_change,
    person_link,
    person_unlink,
    security_policy_update,
    user_create,
)
from mingjing.audit.selectors import history_for_object
from mingjing.lib.forms import add_service_errors
from mingjing.meetings.selectors import meeting_current_step_label, meetings_for_user
from mingjing.organizations.models import Person
from mingjing.organizations.selectors import get_unit_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    roles = list(
        Membership.objects.filter(user=request.user).select_related("organization").order_by("organization__path")
    )
    access = access_from(request.user, roles)  # his roles as every check reads them, from this one query
    meetings = list(meetings_for_user(user=request.user)[:21])  # the 21st only says there are more
    rows = [(m, meeting_current_step_label(m)) for m in meetings[:20]]
    # The administrators' way in: the units whose accounts they manage, the identity controls.
    account_units = list(
        {m.organization.pk: m.organization for m in roles if access.can(Perm.ACCOUNTS_MANAGE, m.organization)}.values()
    )
    context = {
        "roles": roles,
        "rows": rows,
        "more_meetings": len(meetings) > 20,
        "has_roles": bool(access.held),
        "account_units": account_units,
        "security_admin": access.can_anywhere(Perm.SECURITY_MANAGE),
    }
    return render(request, "accounts/home.html", context)


def _with_three_admins(user) -> bool:
    return access_for(user).grant_refusal(Role.SYSTEM_ADMIN) is None


@login_required
def unit_roles(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_unit_for_user(user=request.user, pk=unit_id, perm=Perm.UNIT_ADMIN)
    form = GrantRoleForm(request.POST or None, with_three_admins=_with_three_admins(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                # The exact username only: a name is never guessed into an account.
                user = get_user_model().objects.filter(username=data["username"].strip()).first()
                if user is None:
                    if not data["display_name"] and not data["password"]:
                        raise ValidationError({"username": f"没有用户名为“{data['username']}”的账号"})
                    user = user_create(
                        actor=request.user,
                        organization=unit,
                        username=data["username"],
                        display_name=data["display_name"],
                        password=data["password"],
                    )
                membership_grant(actor=request.user, organization=unit, user=user, role=data["role"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已授予{data['username']}“{Role(data['role']).label}”角色")
            return redirect("accounts:unit_roles", unit_id=unit.pk)
    memberships = memberships_of_unit(user=request.user, organization=unit)
    return render(request, "accounts/unit_roles.html", {"unit": unit, "memberships": memberships, "form": form})


@login_required
@require_POST
def role_revoke(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = get_membership_for_admin(user=request.user, pk=membership_id)
    unit_id = membership.organization_id
    membership_revoke(actor=request.user, membership=membership)
    messages.success(request, "已撤销该角色")
    return redirect("accounts:unit_roles", unit_id=unit_id)


# --- accounts of a unit ------------------------------------------------------------------------------------


@login_required
def unit_accounts(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_unit_for_user(user=request.user, pk=unit_id, perm=Perm.ACCOUNTS_MANAGE)
    accounts = accounts_of_unit(user=request.user, organization=unit)
    people = unlinked_people(organization=unit)
    return render(request, "accounts/unit_accounts.html", {"unit": unit, "accounts": accounts, "people": people})


@login_required
def account_new(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_unit_for_user(user=request.user, pk=unit_id, perm=Perm.ACCOUNTS_MANAGE)
    initial = {}
    person_id = request.GET.get("person", "")
    if person_id.isdigit():
        initial["person"] = int(person_id)
    form = AccountCreateForm(
        request.POST or None, initial=initial, organization=unit, with_three_admins=_with_three_admins(request.user)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = account_create(
                actor=request.user,
                organization=unit,
                username=data["username"],
                display_name=data["display_name"],
                password=data["password"],
                person=data["person"],
                role=data["role"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已创建登录账号“{user.username}”，首次登录时本人须修改密码")
            return redirect("accounts:account", user_id=user.pk)
    return render(request, "accounts/account_form.html", {"form": form, "unit": unit, "title": "新建登录账号"})


@login_required
def account_detail(request: HttpRequest, user_id: int) -> HttpResponse:
    account = get_account_for_user(user=request.user, pk=user_id)
    units = account_units(account)
    person = Person.objects.filter(user=account).select_related("organization").first()
    security = security_of(account)
    link_form = None
    if person is None:
        people = Person.objects.none()
        for unit in units:
            people = people | unlinked_people(organization=unit)
        link_form = PersonLinkForm(people=people.select_related("organization"))
    context = {
        "account": account,
        "person": person,
        "security": security,
        "units": units,
        "memberships": Membership.objects.filter(user=account).select_related("organization"),
        "expires": password_expires_at(security, get_policy()),
        "link_form": link_form,
        "history": history_for_object(account),
    }
    return render(request, "accounts/account_detail.html", context)


@login_required
@require_POST
def account_disable(request: HttpRequest, user_id: int) -> HttpResponse:
    account = get_account_for_user(user=request.user, pk=user_id, manage=True)
    account_set_active(actor=request.user, user=account, active=False)
    messages.success(request, f"已停用账号“{account.username}”，其登录已全部退出")
    return redirect("accounts:account", user_id=account.pk)


@login_required
@require_POST
def account_enable(request: HttpRequest, user_id: int) -> HttpResponse:
    account = get_account_for_user(user=request.user, pk=user_id, manage=True)
    account_set_active(actor=request.user, user=account, active=True)
    messages.success(request, f"已重新启用账号“{account.username}”")
    return redirect("accounts:account", user_id=account.pk)


@login_required
def password_reset(request: HttpRequest, user_id: int) -> HttpResponse:
    account = get_account_for_user(user=request.user, pk=user_id, manage=True)
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account_password_reset(actor=request.user, user=account, password=form.cleaned_data["password"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已重置“{account.username}”的密码，本人下次登录时须修改")
            return redirect("accounts:account", user_id=account.pk)
    return render(
        request,
        "accounts/account_form.html",
        {"form": form, "account": account, "title": f"重置“{account.first_name or account.username}”的密码"},
    )


@login_required
@require_POST
def account_link(request: HttpRequest, user_id: int) -> HttpResponse:
    account = get_account_for_user(user=request.user, pk=user_id, manage=True)
    people = Person.objects.none()
    for unit in account_units(account):
        people = people | unlinked_people(organization=unit)
    form = PersonLinkForm(request.POST, people=people)
    if form.is_valid():
        try:
            person = person_link(actor=request.user, person=form.cleaned_data["person"], user=account)
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, f"已将“{person.name}”关联到账号“{account.username}”")
    else:
        messages.error(request, "请选择要关联的人员")
    return redirect("accounts:account", user_id=account.pk)


@login_required
@require_POST
def account_unlink(request: HttpRequest, user_id: int) -> HttpResponse:
    account = get_account_for_user(user=request.user, pk=user_id, manage=True)
    person = Person.objects.filter(user=account).select_related("organization").first()
    if person is not None:
        person_unlink(actor=request.user, person=person)
        messages.success(request, f"已解除“{person.name}”与账号“{account.username}”的关联")
    return redirect("accounts:account", user_id=account.pk)


# --- one's own password ------------------------------------------------------------------------------------


@login_required
def own_password(request: HttpRequest) -> HttpResponse:
    form = OwnPasswordForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            password_change(
                actor=request.user,
                new_password=form.cleaned_data["new_password1"],
                keep_session=request.session.session_key,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            update_session_auth_hash(request, request.user)
            request.session.pop(MUST_CHANGE, None)
            messages.success(request, "密码已修改")
            return redirect("home")
    must = request.session.get(MUST_CHANGE, "")
    return render(request, "accounts/password_change.html", {"form": form, "must": must})


# --- the security administrator ------------------------------------------------------------------------------


@login_required
def security_policy(request: HttpRequest) -> HttpResponse:
    require_anywhere(request.user, Perm.SECURITY_MANAGE)
    policy = get_policy()
    form = SecurityPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            security_policy_update(actor=request.user, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "身份鉴别策略已保存")
            return redirect("accounts:security_policy")
    return render(request, "accounts/security_policy.html", {"form": form, "history": history_for_object(policy)})


def _locked(field: str) -> list[dict]:
    """Accounts (field "username") or addresses ("ip_address") with enough recent failures to be locked."""
    policy = get_policy()
    since = timezone.now() - dt.timedelta(minutes=policy.lockout_minutes)
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=since)
        .exclude(**{f"{field}__isnull": True})
        .values(field)
        .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
        .filter(failures__gte=policy.lockout_failures)
        .order_by("-last")
    )
    step = dt.timedelta(minutes=policy.lockout_minutes)
    return [{"key": r[field], "failures": r["failures"], "last": r["last"], "until": r["last"] + step} for r in rows]


@login_required
def locked_accounts(request: HttpRequest) -> HttpResponse:
    require_anywhere(request.user, Perm.SECURITY_MANAGE)
    context = {"accounts": _locked("username"), "addresses": _locked("ip_address"), "policy": get_policy()}
    return render(request, "accounts/locked.html", context)


@login_required
@require_POST
def unlock(request: HttpRequest) -> HttpResponse:
    require_anywhere(request.user, Perm.SECURITY_MANAGE)
    form = UnlockForm(request.POST)
    if not form.is_valid():
        raise PermissionDenied("解锁请求不完整")
    try:
        account_unlock(actor=request.user, username=form.cleaned_data["username"], ip=form.cleaned_data["ip"] or "")
    except ValidationError as exc:
        for error in exc.messages:
            messages.error(request, error)
    else:
        messages.success(request, "已解除锁定")
    return redirect("accounts:locked")
