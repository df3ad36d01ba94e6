from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mingjing.accounts.access import Perm, access_for
from mingjing.audit.selectors import history_for_object
from mingjing.audit.services import audit_download
from mingjing.lib.forms import add_service_errors
from mingjing.lib.http import xlsx_response
from mingjing.lib.pagination import paginate
from mingjing.organizations import roster
from mingjing.organizations.forms import NamedForm, PersonForm, RosterImportForm, UnitForm
from mingjing.organizations.models import OrgKind
from mingjing.organizations.selectors import (
    filter_units,
    get_branch_for_user,
    get_division_for_user,
    get_person_for_user,
    get_unit_for_user,
    people_of_unit,
    unit_filters,
    units_for_user,
)
from mingjing.organizations.services import (
    branch_create,
    branch_rename,
    division_create,
    division_rename,
    organization_create,
    organization_update,
    person_create,
    person_update,
)

CHILDREN_SHOWN = 30  # on a unit's page; the rest through the units list (?parent=)


@login_required
def unit_list(request: HttpRequest) -> HttpResponse:
    """The units the user may see in tree order, a page at a time; search by name, filter by kind
    and by the unit above (`?parent=`: a unit's children, the link from its page)."""
    units = units_for_user(user=request.user)
    parent = None
    if request.GET.get("parent"):
        parent = get_unit_for_user(user=request.user, pk=request.GET["parent"])
        units = units.filter(parent=parent)
    f = unit_filters(request.GET)
    page = paginate(request, filter_units(units, **f))
    # Indent by depth below the page's shallowest unit (flat for a search or one unit's children).
    top = min((u.depth for u in page), default=0)
    flat = bool(f["q"] or parent)
    rows = [(u, 0 if flat else min(u.depth - top, 3)) for u in page]
    context = {"rows": rows, "page": page, "f": f, "kinds": OrgKind.choices, "parent": parent}
    return render(request, "organizations/unit_list.html", context)


@login_required
def unit_detail(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_unit_for_user(user=request.user, pk=unit_id)
    access = access_for(request.user)
    children = list(unit.children.order_by("path")[: CHILDREN_SHOWN + 1])  # the last one only says there are more
    context = {
        "unit": unit,
        "people": people_of_unit(organization=unit),
        "divisions": unit.divisions.all(),
        "branches": unit.branches.all(),
        "children": children[:CHILDREN_SHOWN],
        "more_children": len(children) > CHILDREN_SHOWN,
        "can_manage": access.can(Perm.UNIT_MANAGE, unit),
        "can_admin": access.can(Perm.UNIT_ADMIN, unit),
        "can_accounts": access.can(Perm.ACCOUNTS_MANAGE, unit),
        "division_form": NamedForm(prefix="division"),
        "branch_form": NamedForm(prefix="branch"),
        "history": history_for_object(unit),
    }
    return render(request, "organizations/unit_detail.html", context)


@login_required
def unit_create(request: HttpRequest, unit_id: int) -> HttpResponse:
    """A unit below `unit_id` (the new unit's 上级)."""
    parent = get_unit_for_user(user=request.user, pk=unit_id, perm=Perm.UNIT_ADMIN)
    form = UnitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            unit = organization_create(actor=request.user, parent=parent, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已新建单位“{unit.name}”")
            return redirect("organizations:detail", unit_id=unit.pk)
    return render(
        request,
        "organizations/form.html",
        {"form": form, "title": f"在“{parent.short_name}”下新建单位", "back": parent},
    )


@login_required
def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_unit_for_user(user=request.user, pk=unit_id, perm=Perm.UNIT_ADMIN)
    form = UnitForm(request.POST or None, initial={f: getattr(unit, f) for f in UnitForm.Meta.fields})
    if request.method == "POST" and form.is_valid():
        try:
            organization_update(actor=request.user, organization=unit, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "单位信息已保存")
            return redirect("organizations:detail", unit_id=unit.pk)
    return render(request, "organizations/form.html", {"form": form, "title": f"修改“{unit.short_name}”", "back": unit})


def _named_create(request: HttpRequest, unit_id: int, prefix: str, create) -> HttpResponse:
    unit = get_unit_for_user(user=request.user, pk=unit_id, perm=Perm.UNIT_MANAGE)
    form = NamedForm(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            create(
                actor=request.user,
                organization=unit,
                name=form.cleaned_data["name"],
                order=form.cleaned_data["order"] or 0,
            )
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        else:
            messages.success(request, f"已添加“{form.cleaned_data['name']}”")
    else:
        messages.error(request, "名称不能为空")
    return redirect("organizations:detail", unit_id=unit.pk)


@login_required
@require_POST
def division_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    return _named_create(request, unit_id, "division", division_create)


@login_required
@require_POST
def branch_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    return _named_create(request, unit_id, "branch", branch_create)


def _named_edit(request: HttpRequest, obj, rename, title: str) -> HttpResponse:
    form = NamedForm(request.POST or None, initial={"name": obj.name, "order": obj.order})
    if request.method == "POST" and form.is_valid():
        try:
            rename(request.user, obj, form.cleaned_data["name"], form.cleaned_data["order"] or 0)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "已保存")
            return redirect("organizations:detail", unit_id=obj.organization_id)
    context = {"form": form, "title": title, "back": obj.organization, "history": history_for_object(obj)}
    return render(request, "organizations/form.html", context)


@login_required
def division_edit(request: HttpRequest, division_id: int) -> HttpResponse:
    division = get_division_for_user(user=request.user, pk=division_id)
    return _named_edit(
        request,
        division,
        lambda a, o, n, k: division_rename(actor=a, division=o, name=n, order=k),
        f"修改科室“{division.name}”",
    )


@login_required
def branch_edit(request: HttpRequest, branch_id: int) -> HttpResponse:
    branch = get_branch_for_user(user=request.user, pk=branch_id)
    return _named_edit(
        request,
        branch,
        lambda a, o, n, k: branch_rename(actor=a, branch=o, name=n, order=k),
        f"修改党支部“{branch.name}”",
    )


@login_required
def person_add(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_unit_for_user(user=request.user, pk=unit_id, perm=Perm.UNIT_MANAGE)
    form = PersonForm(request.POST or None, organization=unit)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        divisions = data.pop("supervised_divisions")
        try:
            person = person_create(actor=request.user, organization=unit, supervised_divisions=divisions, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已添加人员“{person.name}”")
            return redirect("organizations:detail", unit_id=unit.pk)
    return render(
        request, "organizations/form.html", {"form": form, "title": f"为“{unit.short_name}”添加人员", "back": unit}
    )


@login_required
def person_detail(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(user=request.user, pk=person_id)
    context = {
        "person": person,
        "can_manage": access_for(request.user).can(Perm.UNIT_MANAGE, person.organization),
        "can_accounts": access_for(request.user).can(Perm.ACCOUNTS_MANAGE, person.organization),
        "history": history_for_object(person),
    }
    return render(request, "organizations/person_detail.html", context)


@login_required
def person_edit(request: HttpRequest, person_id: int) -> HttpResponse:
    person = get_person_for_user(user=request.user, pk=person_id, perm=Perm.UNIT_MANAGE)
    form = PersonForm(
        request.POST or None,
        instance=None,
        organization=person.organization,
        initial={
            **{f: getattr(person, f) for f in PersonForm.Meta.fields if f != "supervised_divisions"},
            "supervised_divisions": list(person.supervised_divisions.all()),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        divisions = data.pop("supervised_divisions")
        try:
            person_update(actor=request.user, person=person, data=data, supervised_divisions=divisions)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "人员信息已保存")
            return redirect("organizations:person", person_id=person.pk)
    return render(
        request, "organizations/form.html", {"form": form, "title": f"修改“{person.name}”", "back": person.organization}
    )


@login_required
def roster_template(request: HttpRequest, unit_id: int) -> HttpResponse:
    get_unit_for_user(user=request.user, pk=unit_id, perm=Perm.UNIT_MANAGE)
    return xlsx_response(roster.roster_template_xlsx(), "班子名单导入模板.xlsx")


@login_required
def roster_export(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_unit_for_user(user=request.user, pk=unit_id)
    filename = f"{unit.short_name}人员名单.xlsx"
    content = roster.roster_export_xlsx(organization=unit)
    audit_download(request=request, what="人员名单", filename=filename, obj=unit, organization=unit)
    return xlsx_response(content, filename)


@login_required
def roster_import(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = get_unit_for_user(user=request.user, pk=unit_id, perm=Perm.UNIT_MANAGE)
    form = RosterImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = roster.roster_import(actor=request.user, organization=unit, fileobj=form.cleaned_data["file"])
        except roster.RosterImportError as exc:
            errors = exc.errors
        else:
            messages.success(
                request, f"导入完成：新增{result.created}人，更新{result.updated}人，未变化{result.unchanged}人"
            )
            return redirect("organizations:detail", unit_id=unit.pk)
    return render(request, "organizations/roster_import.html", {"unit": unit, "form": form, "errors": errors})
