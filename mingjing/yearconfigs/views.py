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
from mingjing.yearconfigs.selectors import config_aspects, configs_for_user, get_config_for_user
from mingjing.yearconfigs.services import yearconfig_copy, yearconfig_create, yearconfig_update


def _admin_units(user):
    return units_for_user(user=user, perm=Perm.UNIT_ADMIN)


def _aspects_from(formset) -> list[dict[str, str]]:
    rows = [f.cleaned_data for f in formset.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    return [{"title": r.get("title", ""), "text": r.get("text", "")} for r in rows]


@login_required
def config_list(request: HttpRequest) -> HttpResponse:
    configs = configs_for_user(user=request.user)
    can_create = _admin_units(request.user).exists()
    return render(request, "yearconfigs/list.html", {"configs": configs, "can_create": can_create})


@login_required
def config_detail(request: HttpRequest, config_id: int) -> HttpResponse:
    config = get_config_for_user(user=request.user, pk=config_id)
    access = access_for(request.user)
    context = {
        "config": config,
        "aspects": config_aspects(config=config),
        "can_edit": config.organization is not None and access.can(Perm.UNIT_ADMIN, config.organization),
        "can_copy": _admin_units(request.user).exists(),
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
    formset = AspectFormSet(request.POST or None, prefix="aspects", initial=[{}, {}, {}])
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        data = dict(form.cleaned_data)
        unit = data.pop("organization")
        try:
            config = yearconfig_create(actor=request.user, organization=unit, aspects=_aspects_from(formset), **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已新建年度配置“{config.name}”")
            return redirect("yearconfigs:detail", config_id=config.pk)
    return render(request, "yearconfigs/form.html", {"form": form, "formset": formset, "title": "新建年度配置"})


@login_required
def config_edit(request: HttpRequest, config_id: int) -> HttpResponse:
    config = get_config_for_user(user=request.user, pk=config_id, write=True)
    initial = {f: getattr(config, f) for f in CONFIG_FIELDS}
    initial["extra_agenda_items"] = "\n".join(config.extra_agenda_items)
    form = ConfigForm(request.POST or None, initial=initial)
    formset = AspectFormSet(
        request.POST or None,
        prefix="aspects",
        initial=[{"title": a.title, "text": a.text} for a in config_aspects(config=config)],
    )
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            yearconfig_update(actor=request.user, config=config, data=form.cleaned_data, aspects=_aspects_from(formset))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "年度配置已保存")
            return redirect("yearconfigs:detail", config_id=config.pk)
    return render(
        request,
        "yearconfigs/form.html",
        {"form": form, "formset": formset, "title": f"修改“{config.name}”", "config": config},
    )


@login_required
def config_copy(request: HttpRequest, config_id: int) -> HttpResponse:
    source = get_config_for_user(user=request.user, pk=config_id)
    units = _admin_units(request.user)
    if not units.exists():
        raise PermissionDenied("只有单位管理员可以新建年度配置")
    form = CopyForm(
        request.POST or None, units=units, initial={"year": source.year + 1, "name": f"{source.year + 1}年度民主生活会"}
    )
    if request.method == "POST" and form.is_valid():
        try:
            config = yearconfig_copy(actor=request.user, source=source, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已新建“{config.name}”，请按上级通知修改主题和重点方面")
            return redirect("yearconfigs:edit", config_id=config.pk)
    return render(request, "yearconfigs/copy.html", {"form": form, "source": source})
