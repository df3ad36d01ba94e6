from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from mingjing.audit.services import audit_record
from mingjing.lib.http import xlsx_response
from mingjing.lib.pagination import paginate
from mingjing.lib.xlsx import write_sheet
from mingjing.materials.selectors import open_material_for_user, versions_of
from mingjing.originality.models import TemplateText
from mingjing.originality.selectors import (
    LEVELS,
    materials_table,
    may_manage_templates,
    report_for,
    table_rows,
    templates,
)
from mingjing.originality.services import template_add, template_delete


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_required
def material_report(request: HttpRequest, meeting_id: int, slot: str) -> HttpResponse:
    """The 查重 report of one version of a material, for whoever may read the material."""
    opened = open_material_for_user(user=request.user, meeting_id=meeting_id, slot=slot)
    shown = report_for(user=request.user, material=opened.material, number=_int(request.GET.get("version")))
    context = {
        "meeting": opened.meeting,
        "material": opened.material,
        "shown": shown,
        "versions": versions_of(opened.material) if opened.material.pk else [],
    }
    return render(request, "originality/report.html", context)


def _require_manager(request: HttpRequest) -> None:
    if not may_manage_templates(request.user):
        raise PermissionDenied("只有单位管理员或系统管理员可以维护查重模板库")


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    _require_manager(request)
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError({"file": "请选择要上传的模板文件（.docx或.txt）"})
            saved = template_add(actor=request.user, name=upload.name, content=upload.read())
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, f"已添加模板“{saved.name}”")
        return redirect("originality:templates")
    return render(request, "originality/templates.html", {"templates": templates()})


@login_required
@require_POST
def template_remove(request: HttpRequest, template_id: int) -> HttpResponse:
    _require_manager(request)
    template = get_object_or_404(TemplateText, pk=template_id)
    template_delete(actor=request.user, template=template)
    messages.success(request, f"已删除模板“{template.name}”")
    return redirect("originality:templates")


TABLE_HEADERS = ["单位", "年度", "会议", "材料", "版本", "复制比", "判定", "最主要来源"]


def _table(request: HttpRequest):
    f = {
        "year": _int(request.GET.get("year")),
        "unit": _int(request.GET.get("unit")),
        "level": request.GET.get("level") if request.GET.get("level") in LEVELS else "",
    }
    return f, materials_table(user=request.user, **f)


@login_required
def overview(request: HttpRequest) -> HttpResponse:
    """The superior's (and the 督导组's) table of the materials under it: 复制比 and highest source."""
    f, materials = _table(request)
    page = paginate(request, materials)
    context = {"f": f, "page": page, "rows": table_rows(page.object_list), "levels": LEVELS, "query": page.query}
    return render(request, "originality/overview.html", context)


@login_required
def overview_export(request: HttpRequest) -> HttpResponse:
    f, materials = _table(request)
    rows = table_rows(materials)
    content = write_sheet(
        TABLE_HEADERS,
        (
            [
                r.material.meeting.organization.name,
                r.material.meeting.config.year if r.material.meeting.config_id else "",
                r.material.meeting.title,
                str(r.material),
                f"第{r.result.version_number}版" if r.result else "",
                r.percent,
                r.level_label,
                r.source,
            ]
            for r in rows
        ),
        title="材料查重汇总",
    )
    with transaction.atomic():
        audit_record(actor=request.user, event_type="originality.exported", extra={"count": len(rows), **f})
    return xlsx_response(content, "材料查重汇总.xlsx")
