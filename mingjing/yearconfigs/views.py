from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from mingjing.accounts.access import Perm, access_for
from mingjing.audit.selectors import history_for_object
from mingjing.lib.forms import add_service_errors
from mingjing.organizations.selectors import units_for_user
from mingjing.yearconfigs.forms import AspectFormSet, ConfigForm, CopyForm
from mingjing.yearconfigs.models import CONFIG_FIELDS
from mingjing.yearconfigs.selectors import (
    aspect_usage,
    config_aspects,
    configs_for_user,
    copy_target_units,
    get_config_for_user,
    usage_text,
)
from mingjing.yearconfigs.services import yearconfig_copy, yearconfig_create, yearconfig_update

ADD_ROWS = 3  # how many blank rows "再添加空行" adds without JavaScript


def _admin_units(user):
    return units_for_user(user=user, perm=Perm.UNIT_ADMIN)


def _aspect_formset(request: HttpRequest, initial: list[dict]) -> tuple:
    """The aspects formset, and whether the user only asked for more blank rows (nothing saved)."""
    if request.method != "POST":
        return AspectFormSet(prefix="aspects", initial=initial), False
    data = request.POST
    adding = "add_rows" in data
    if adding:
        data = data.copy()
        try:
            total = int(data.get("aspects-TOTAL_FORMS", 0))
        except ValueError:
            total = 0
        data["aspects-TOTAL_FORMS"] = str(total + ADD_ROWS)
    return AspectFormSet(data, prefix="aspects", initial=initial), adding


def _aspect_rows(formset, usage: dict[int, list]) -> list[tuple]:
    """Each row of the formset with the records that use its aspect ('' for none)."""
    rows = []
    for form in formset.forms:
        value = form["id"].value()
        pk = int(value) if str(value or "").isdigit() else None
        rows.append((form, usage_text(usage.get(pk, []))))
    return rows


def _render_form(request, *, form, formset, title, config=None, usage=None, aspect_errors=()):
    context = {
        "form": form,
        "formset": formset,
        "rows": _aspect_rows(formset, usage or {}),
        "title": title,
        "config": config,
        "aspect_errors": list(aspect_errors),
        "add_rows": ADD_ROWS,
    }
    return render(request, "yearconfigs/form.html", context)


def _split_errors(exc: ValidationError) -> tuple[ValidationError | None, list[str]]:
    """The service's errors about the aspects (shown above the table), and the rest."""
    if not hasattr(exc, "error_dict"):
        return exc, []
    rest = {k: v for k, v in exc.message_dict.items() if k != "aspects"}
    return (ValidationError(rest) if rest else None), exc.message_dict.get("aspects", [])


@login_required
def config_list(request: HttpRequest) -> HttpResponse:
    configs = configs_for_user(user=request.user)
    can_create = _admin_units(request.user).exists()
    return render(request, "yearconfigs/list.html", {"configs": configs, "can_create": can_create})


@login_required
def config_detail(request: HttpRequest, config_id: int) -> HttpResponse:
    config = get_config_for_user(user=request.user, pk=config_id)
    access = access_for(request.user)
    aspects = list(config_aspects(config=config))
    usage = aspect_usage([a.pk for a in aspects])
    context = {
        "config": config,
        "aspects": [(a, usage_text(usage[a.pk])) for a in aspects],
        "active_count": sum(not a.retired for a in aspects),
        "retired_count": sum(a.retired for a in aspects),
        "can_edit": config.organization is not None and access.can(Perm.UNIT_ADMIN, config.organization),
        "can_copy": copy_target_units(user=request.user, source=config).exists(),
        "history": history_for_object(config),
    }
    return render(request, "yearconfigs/detail.html", context)


@login_required
def config_create(request: HttpRequest) -> HttpResponse:
    units = _admin_units(request.user)
    if not units.exists():
        raise PermissionDenied("只有单位管理员可以新建年度配置")
    form = ConfigForm(
        request.POST or None, units=units, initial={"talk_rules": [], "plan_lead_days": 15, "report_deadline_days": 15}
    )
    formset, adding = _aspect_formset(request, initial=[])
    aspect_errors: list[str] = []
    if request.method == "POST" and not adding and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("organization")
        try:
            config = yearconfig_create(actor=request.user, organization=unit, aspects=formset.rows(), **data)
        except ValidationError as exc:
            rest, aspect_errors = _split_errors(exc)
            if rest:
                add_service_errors(form, rest)
        else:
            messages.success(request, f"已新建年度配置“{config.name}”")
            return redirect("yearconfigs:detail", config_id=config.pk)
    return _render_form(request, form=form, formset=formset, title="新建年度配置", aspect_errors=aspect_errors)


@login_required
def config_edit(request: HttpRequest, config_id: int) -> HttpResponse:
    config = get_config_for_user(user=request.user, pk=config_id, write=True)
    title = f"修改“{config.name}”"
    initial = {f: getattr(config, f) for f in CONFIG_FIELDS}
    initial["extra_agenda_items"] = "\n".join(config.extra_agenda_items)
    form = ConfigForm(request.POST or None, initial=initial)
    aspects = list(config_aspects(config=config))
    formset, adding = _aspect_formset(
        request,
        initial=[
            {"id": a.pk, "order": a.order, "title": a.title, "text": a.text, "retired": a.retired} for a in aspects
        ],
    )
    aspect_errors: list[str] = []
    if request.method == "POST" and not adding and form.is_valid() and formset.is_valid():
        try:
            yearconfig_update(actor=request.user, config=config, data=form.cleaned_data, aspects=formset.rows())
        except ValidationError as exc:
            rest, aspect_errors = _split_errors(exc)
            if rest:
                add_service_errors(form, rest)
        else:
            messages.success(request, "年度配置已保存")
            return redirect("yearconfigs:detail", config_id=config.pk)
    return _render_form(
        request,
        form=form,
        formset=formset,
        title=title,
        config=config,
        usage=aspect_usage([a.pk for a in aspects]),
        aspect_errors=aspect_errors,
    )


@login_required
def config_copy(request: HttpRequest, config_id: int) -> HttpResponse:
    source = get_config_for_user(user=request.user, pk=config_id)
    units = copy_target_units(user=request.user, source=source)
    if not units.exists():
        raise PermissionDenied("只有单位管理员可以新建年度配置；党务工作人员可以以系统预置配置为模板新建")
    form = CopyForm(
        request.POST or None, units=units, initial={"year": source.year + 1, "name": f"{source.year + 1}年度民主生活会"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            config = yearconfig_copy(actor=request.user, source=source, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if access_for(request.user).can(Perm.UNIT_ADMIN, config.organization):
                messages.success(request, f"已新建“{config.name}”，请按上级通知修改主题和重点方面")
                return redirect("yearconfigs:edit", config_id=config.pk)
            messages.success(request, f"已新建“{config.name}”；如需按上级通知修改主题和重点方面，请联系单位管理员")
            return redirect("yearconfigs:detail", config_id=config.pk)
    return render(request, "yearconfigs/copy.html", {"form": form, "source": source})
