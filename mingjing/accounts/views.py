from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mingjing.accounts.access import Perm, access_for
from mingjing.accounts.forms import GrantRoleForm
from mingjing.accounts.models import Membership, Role
from mingjing.accounts.selectors import get_membership_for_admin, memberships_of_unit
from mingjing.accounts.services import membership_grant, membership_revoke, user_create
from mingjing.lib.forms import add_service_errors
from mingjing.meetings.selectors import meeting_current_step_label, meetings_for_user
from mingjing.organizations.selectors import get_unit_for_user


@login_required
def home(request: HttpRequest) -> HttpResponse:
    access = access_for(request.user)
    roles = Membership.objects.filter(user=request.user).select_related("organization").order_by("organization__path")
    meetings = list(meetings_for_user(user=request.user)[:20])
    rows = [(m, meeting_current_step_label(m)) for m in meetings]
    return render(request, "accounts/home.html", {"roles": roles, "rows": rows, "has_roles": bool(access.held)})


@login_required
def unit_roles(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_unit_for_user(user=request.user, pk=unit_id, perm=Perm.UNIT_ADMIN)
    form = GrantRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                user = get_user_model().objects.filter(username=data["username"].strip()).first()
                if user is None:
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
