from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mingjing.accounts.access import Perm, access_for
from mingjing.accounts.policy import Ability
from mingjing.archive.bundle import BundleError, export_bundle
from mingjing.archive.forms import BundleUploadForm, ReopenForm
from mingjing.archive.selectors import (
    boxes_of_meeting,
    can_import_bundles,
    can_take_out,
    get_box_for_user,
    require_take_out,
)
from mingjing.archive.services import bundle_import, meeting_archive, meeting_reopen
from mingjing.lib.forms import add_service_errors
from mingjing.lib.http import attachment
from mingjing.meetings.selectors import get_meeting_for_user, meeting_access

ZIP = "application/zip"


@login_required
def archive_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    access = meeting_access(user=request.user, meeting=meeting)
    context = {
        "meeting": meeting,
        "boxes": list(boxes_of_meeting(meeting=meeting)),
        "can_archive": access.write,
        "can_take_out": can_take_out(user=request.user, meeting=meeting),
        "can_reopen": meeting.archived_on is not None
        and access_for(request.user).can(Perm.UNIT_ADMIN, meeting.organization),
        "reopen_form": ReopenForm(),
    }
    return render(request, "archive/meeting.html", context)


@login_required
@require_POST
def archive_create(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    try:
        box = meeting_archive(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已归档：{box.entries}个文件，材料转为只读")
    return redirect("archive:meeting", meeting_id=meeting.pk)


@login_required
@require_POST
def archive_reopen(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    if not access_for(request.user).can(Perm.UNIT_ADMIN, meeting.organization):
        raise PermissionDenied("只有单位管理员可以撤销归档")
    form = ReopenForm(request.POST)
    if form.is_valid():
        try:
            meeting_reopen(actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已撤销归档，会议材料可以修改")
    else:
        messages.error(request, "请说明撤销归档的原因")
    return redirect("archive:meeting", meeting_id=meeting.pk)


@login_required
def box_download(request: HttpRequest, box_id: int) -> HttpResponse:
    box = get_box_for_user(user=request.user, pk=box_id)
    with box.file.open("rb") as fh:
        content = fh.read()
    return attachment(content, f"{box.meeting.title}-归档包-{box.created_on:%Y%m%d}.zip", ZIP)


@login_required
def bundle_download(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    require_take_out(user=request.user, meeting=meeting)
    return attachment(export_bundle(meeting=meeting), f"{meeting.title}-会议数据包.zip", ZIP)


@login_required
def bundle_upload(request: HttpRequest) -> HttpResponse:
    if not can_import_bundles(user=request.user):
        raise PermissionDenied("只有单位管理员、党务工作人员和上级组织部门可以导入会议数据包")
    form = BundleUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            result = bundle_import(actor=request.user, content=form.cleaned_data["file"].read())
        except BundleError as exc:
            errors = exc.errors
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            mode = "新建" if result.created else "更新"
            messages.success(
                request, f"已导入（{mode}）“{result.meeting.title}”，共{sum(result.counts.values())}条记录"
            )
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("meetings:detail", meeting_id=result.meeting.pk)
    return render(request, "archive/import.html", {"form": form, "errors": errors})
