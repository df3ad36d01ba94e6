from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mingjing.accounts.policy import Ability, may_import_bundles, policy_for
from mingjing.archive.bundle import BundleError, export_bundle
from mingjing.archive.forms import ArchiveConfirmForm, BundleUploadForm, ReopenForm
from mingjing.archive.selectors import boxes_of_meeting, get_box_for_user, imported_history, withheld_opinions
from mingjing.archive.services import bundle_import, meeting_archive, meeting_reopen
from mingjing.audit.services import audit_download
from mingjing.compliance.checklist import archive_checklist
from mingjing.lib.forms import add_service_errors
from mingjing.lib.http import attachment
from mingjing.meetings.selectors import get_meeting_for_user

ZIP = "application/zip"


@login_required
def archive_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    context = {
        "meeting": meeting,
        "policy": policy_for(user=request.user, meeting=meeting),
        "boxes": list(boxes_of_meeting(meeting=meeting)),
        "imported_history": imported_history(meeting=meeting),
        "withheld_opinions": withheld_opinions(meeting=meeting),
        "reopen_form": ReopenForm(),
    }
    return render(request, "archive/meeting.html", context)


@login_required
def archive_check(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """归档前核对: the checklist (steps, rules, 【待补充】 per document) and the confirmation."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.ARCHIVE)
    context = {"meeting": meeting, "checklist": archive_checklist(meeting=meeting), "form": ArchiveConfirmForm()}
    return render(request, "archive/check.html", context)


@login_required
@require_POST
def archive_create(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.ARCHIVE)
    form = ArchiveConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(form.errors["confirm"]))
        return redirect("archive:check", meeting_id=meeting.pk)
    try:
        # The user confirmed the checklist he was shown: what it listed as open is archived as it is.
        box = meeting_archive(actor=request.user, meeting=meeting, force=True)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("archive:check", meeting_id=meeting.pk)
    messages.success(request, f"已归档：{box.entries}个文件，材料转为只读")
    return redirect("archive:meeting", meeting_id=meeting.pk)


@login_required
@require_POST
def archive_reopen(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.REOPEN)
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
    filename = f"{box.meeting.title}-归档包-{box.created_on:%Y%m%d}.zip"
    audit_download(
        request=request, what="归档包", filename=filename, obj=box.meeting, organization=box.meeting.organization
    )
    return attachment(content, filename, ZIP)


@login_required
def bundle_download(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.TAKE_OUT)
    content, filename = export_bundle(meeting=meeting), f"{meeting.title}-会议数据包.zip"
    audit_download(
        request=request, what="会议数据包", filename=filename, obj=meeting, organization=meeting.organization
    )
    return attachment(content, filename, ZIP)


@login_required
def bundle_upload(request: HttpRequest) -> HttpResponse:
    if not may_import_bundles(user=request.user):
        raise PermissionDenied("只有单位管理员、党务工作人员和上级组织部门可以导入会议数据包")
    form = BundleUploadForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            result = bundle_import(actor=request.user, content=form.cleaned_data["file"].read())
        except BundleError as exc:
            errors = exc.errors
        except PermissionDenied as exc:  # the policy's reason, on the page
            errors = [str(exc)]
            status = 403
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, f"已导入（{result.mode}）“{result.meeting.title}”，共{sum(result.counts.values())}条记录"
            )
            for warning in result.warnings:
                messages.warning(request, warning)
            return redirect("meetings:detail", meeting_id=result.meeting.pk)
    return render(
        request, "archive/import.html", {"form": form, "errors": errors, "refused": status == 403}, status=status
    )
