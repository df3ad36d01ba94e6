from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from mingjing.accounts.policy import Ability, policy_for
from mingjing.audit.selectors import history_for_object
from mingjing.audit.services import audit_download
from mingjing.lib.dates import today
from mingjing.lib.http import attachment
from mingjing.lib.views import form_page
from mingjing.materials.docx_import import human_size, max_upload_bytes
from mingjing.materials.forms import CaseStudyForm
from mingjing.materials.models import Action, CaseStudy, Status
from mingjing.materials.selectors import (
    Opened,
    current_text,
    current_version_of,
    edit_lock_reason,
    get_file_for_user,
    in_revision,
    material_rows,
    material_title,
    meeting_held_on,
    open_material_for_user,
    review_events_of,
    version_of,
    versions_of,
)
from mingjing.materials.services import (
    case_study_save,
    material_act,
    material_generate_skeleton,
    material_save,
    material_upload,
    may_act,
)
from mingjing.materials.text import blocks
from mingjing.meetings.selectors import get_meeting_for_user
from mingjing.originality.selectors import report_for


def _int(value: str | None, default: int = 0) -> int:
    try:
        return int(value or default)
    except (TypeError, ValueError):
        return default


def _errors(exc: ValidationError) -> str:
    return "；".join(exc.messages)


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _edit_url(opened: Opened) -> str:
    return reverse("materials:edit", args=[opened.meeting.pk, opened.material.slot])


@login_required
def material_list(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    rows = material_rows(meeting=meeting, policy=policy_for(user=request.user, meeting=meeting))
    done = sum(1 for r in rows if r.material and r.material.status in ("approved", "reviewed", "revised"))
    context = {
        "meeting": meeting,
        "rows": rows,
        "done": done,
        "case": CaseStudy.objects.filter(meeting=meeting).first(),
        "can_edit": policy_for(user=request.user, meeting=meeting).can(Ability.EDIT),
    }
    return render(request, "materials/list.html", context)


def _available_actions(opened: Opened) -> list[tuple[str, str, bool]]:
    """(action, button label, needs comments) the user may take now."""
    material, policy, owner = opened.material, opened.policy, opened.owner
    if material.pk is None:
        return []
    status = material.status
    actions = []
    if may_act(policy, owner, Action.SUBMIT):
        if status in (Status.DRAFT, Status.RETURNED):
            target = "督导组" if owner is None or owner.team_role == "principal" else "主要负责同志"
            actions.append((Action.SUBMIT, f"提交{target}审核", False))
        if status == Status.SUBMITTED:
            actions.append((Action.WITHDRAW, "撤回", False))
    if may_act(policy, owner, Action.APPROVE) and status == Status.SUBMITTED:
        actions.append((Action.APPROVE, "审核通过", False))
    if may_act(policy, owner, Action.RETURN) and status in (Status.SUBMITTED, Status.APPROVED, Status.REVIEWED):
        actions.append((Action.RETURN, "退回修改", True))
    if may_act(policy, owner, Action.REVIEW) and status in (
        Status.SUBMITTED,
        Status.APPROVED,
        Status.REVIEWED,
        Status.REVISED,
    ):
        actions.append((Action.REVIEW, "提出审阅意见", True))
    return actions


def _default_body(user, opened: Opened) -> str:
    """The body an approval names by default: the reviewer's 督导组 or organization department, or
    for the principal approving an outline his post (“局党组书记”); the reviewer may change it."""
    from mingjing.plans.services import reviewer_body

    body = reviewer_body(user=user, meeting=opened.meeting)
    if body:
        return body
    principal = opened.meeting.roster.filter(team_role="principal").first()
    return principal.post.split("、")[0] if principal is not None and principal.post else ""


@login_required
def material_edit(request: HttpRequest, meeting_id: int, slot: str) -> HttpResponse:
    opened = open_material_for_user(user=request.user, meeting_id=meeting_id, slot=slot)
    material = opened.material
    held_on = meeting_held_on(opened.meeting)
    can_write = opened.policy.can(Ability.WRITE_MATERIAL, opened.owner)
    lock_reason = edit_lock_reason(material, held_on=held_on)
    version = current_version_of(material)
    text = version.text if version is not None else ""
    context = {
        "meeting": opened.meeting,
        "opened": opened,
        "material": material,
        "title": material_title(material, opened.meeting),
        "text": text,
        "blocks": blocks(text),
        "can_write": can_write,
        "can_edit": can_write and not lock_reason,
        "lock_reason": lock_reason,
        "revising": in_revision(material, held_on=held_on),
        "versions": versions_of(material),
        "events": review_events_of(material),
        "actions": _available_actions(opened),
        "review_body": _default_body(request.user, opened),
        "today": today(),
        "history": history_for_object(material) if material.pk else [],
        "max_upload": human_size(max_upload_bytes()),
        "storage_key": f"mingjing-material-{opened.meeting.pk}-{material.slot}-u{request.user.pk}",
        # 查重, before anyone approves
        "originality": report_for(user=request.user, material=material, version=version),
    }
    return render(request, "materials/edit.html", context)


@login_required
@require_POST
def material_save_view(request: HttpRequest, meeting_id: int, slot: str) -> HttpResponse:
    opened = open_material_for_user(user=request.user, meeting_id=meeting_id, slot=slot)
    autosave = request.POST.get("autosave") == "1"
    base_revision = request.POST.get("base_revision")
    try:
        result = material_save(
            actor=request.user,
            meeting=opened.meeting,
            owner=opened.owner,
            text=request.POST.get("text", ""),
            base_version=_int(request.POST.get("base_version")),
            base_revision=_int(base_revision) if base_revision not in (None, "") else None,
            autosave=autosave,
        )
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "message": _errors(exc)}, status=400)
        messages.error(request, _errors(exc))
        return redirect(_edit_url(opened))
    material = result.material
    if result.conflict:
        compare = reverse("materials:compare", args=[opened.meeting.pk, material.slot])
        compare += f"?a={material.current_version}&b={result.version.number}"
        if _wants_json(request):
            return JsonResponse(
                {
                    "ok": False,
                    "conflict": True,
                    "message": result.message,
                    "conflict_version": result.version.number,
                    "version": material.current_version,
                    "revision": material.revision,
                    "current_text": current_text(material),
                    "compare_url": compare,
                },
                status=409,
            )
        messages.warning(request, result.message)
        return redirect(compare)
    if _wants_json(request):
        return JsonResponse(
            {
                "ok": True,
                "message": result.message,
                "version": material.current_version,
                "revision": material.revision,
                "saved_at": f"{timezone.localtime():%H:%M}",
            }
        )
    messages.success(request, result.message)
    return redirect(_edit_url(opened))


@login_required
@require_POST
def material_upload_view(request: HttpRequest, meeting_id: int, slot: str) -> HttpResponse:
    opened = open_material_for_user(user=request.user, meeting_id=meeting_id, slot=slot)
    opened.policy.require(Ability.WRITE_MATERIAL, opened.owner)  # before looking at the file
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise ValidationError({"file": "请选择要上传的Word文档（.docx）"})
        if upload.size > max_upload_bytes():
            # Refuse before reading an oversized file into memory.
            limit = human_size(max_upload_bytes())
            raise ValidationError({"file": f"文件“{upload.name}”大小为{human_size(upload.size)}，超过上限{limit}"})
        saved = material_upload(
            actor=request.user, meeting=opened.meeting, owner=opened.owner, name=upload.name, content=upload.read()
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"已上传“{saved.original_name}”，提取的文字已保存为第{saved.version.number}版")
    return redirect(_edit_url(opened))


@login_required
@require_POST
def material_skeleton_view(request: HttpRequest, meeting_id: int, slot: str) -> HttpResponse:
    opened = open_material_for_user(user=request.user, meeting_id=meeting_id, slot=slot)
    try:
        version = material_generate_skeleton(
            actor=request.user, meeting=opened.meeting, owner=opened.owner, replace=request.POST.get("replace") == "1"
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        messages.success(request, f"已依据记录生成框架（第{version.number}版），【待补充】处请补充完整")
    return redirect(_edit_url(opened))


@login_required
@require_POST
def material_act_view(request: HttpRequest, meeting_id: int, slot: str) -> HttpResponse:
    opened = open_material_for_user(user=request.user, meeting_id=meeting_id, slot=slot)
    try:
        if opened.material.pk is None:
            raise ValidationError({"action": "材料还没有内容"})
        raw = request.POST.get("happened_on", "").strip()
        try:
            on = dt.date.fromisoformat(raw) if raw else None
        except ValueError as exc:
            raise ValidationError({"happened_on": f"日期“{raw}”无效，请按“2026-01-05”的格式填写"}) from exc
        event = material_act(
            actor=request.user,
            material=opened.material,
            action=request.POST.get("action", ""),
            comments=request.POST.get("comments", ""),
            on=on,
            body=request.POST.get("body", ""),
        )
    except ValidationError as exc:
        messages.error(request, _errors(exc))
    else:
        status = event.get_status_after_display()
        messages.success(request, f"已{event.get_action_display()}：{opened.material}（{status}）")
    return redirect(_edit_url(opened))


@login_required
def material_version(request: HttpRequest, meeting_id: int, slot: str, number: int) -> HttpResponse:
    opened = open_material_for_user(user=request.user, meeting_id=meeting_id, slot=slot)
    version = version_of(opened.material, number)
    context = {
        "meeting": opened.meeting,
        "material": opened.material,
        "title": material_title(opened.material, opened.meeting),
        "version": version,
        "blocks": blocks(version.text),
        "numbers": [v.number for v in versions_of(opened.material)],
    }
    return render(request, "materials/version.html", context)


@dataclass(frozen=True)
class DiffRow:
    left: str
    right: str
    kind: str  # equal / replace / delete / insert
    left_html: str = ""
    right_html: str = ""


def _inline(a: str, b: str) -> tuple[str, str]:
    """Character-level marks inside a changed line pair (escaped HTML)."""
    from django.utils.html import escape

    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(escape(a[i1:i2]))
            right.append(escape(b[j1:j2]))
        else:
            if i2 > i1:
                left.append(f"<del>{escape(a[i1:i2])}</del>")
            if j2 > j1:
                right.append(f"<ins>{escape(b[j1:j2])}</ins>")
    return "".join(left), "".join(right)


def diff_rows(a_text: str, b_text: str) -> list[DiffRow]:
    from django.utils.html import escape

    a_lines, b_lines = a_text.splitlines(), b_text.splitlines()
    rows: list[DiffRow] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a_lines, b_lines, autojunk=False).get_opcodes():
        if op == "equal":
            rows += [DiffRow(line, line, "equal", escape(line), escape(line)) for line in a_lines[i1:i2]]
            continue
        left, right = a_lines[i1:i2], b_lines[j1:j2]
        for k in range(max(len(left), len(right))):
            a = left[k] if k < len(left) else ""
            b = right[k] if k < len(right) else ""
            if a and b:
                la, rb = _inline(a, b)
                rows.append(DiffRow(a, b, "replace", la, rb))
            elif a:
                rows.append(DiffRow(a, "", "delete", f"<del>{escape(a)}</del>", ""))
            else:
                rows.append(DiffRow("", b, "insert", "", f"<ins>{escape(b)}</ins>"))
    return rows


@login_required
def material_compare(request: HttpRequest, meeting_id: int, slot: str) -> HttpResponse:
    opened = open_material_for_user(user=request.user, meeting_id=meeting_id, slot=slot)
    versions = versions_of(opened.material)
    numbers = [v.number for v in versions]
    a = _int(request.GET.get("a"), numbers[1] if len(numbers) > 1 else (numbers[0] if numbers else 0))
    b = _int(request.GET.get("b"), numbers[0] if numbers else 0)
    context = {
        "meeting": opened.meeting,
        "material": opened.material,
        "title": material_title(opened.material, opened.meeting),
        "versions": versions,
        "a": a,
        "b": b,
    }
    if numbers:
        left, right = version_of(opened.material, a), version_of(opened.material, b)
        rows = diff_rows(left.text, right.text)
        context.update(
            left=left,
            right=right,
            rows=rows,
            changed=sum(1 for r in rows if r.kind != "equal"),
        )
    return render(request, "materials/compare.html", context)


@login_required
def material_file(request: HttpRequest, file_id: int) -> HttpResponse:
    upload = get_file_for_user(user=request.user, pk=file_id)
    with upload.file.open("rb") as fh:
        content = fh.read()
    unit = upload.material.meeting.organization
    audit_download(request=request, what="材料文件", filename=upload.original_name, obj=upload, organization=unit)
    return attachment(content, upload.original_name, upload.content_type)


@login_required
def case_study_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The typical case of the year's case analysis (典型案例剖析 or what the year calls it)."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    case = CaseStudy.objects.filter(meeting=meeting).first()
    initial = {"case_name": case.case_name, "lessons": case.lessons} if case else {}
    title = meeting.config.case_analysis_title or "典型案例剖析"
    return form_page(
        request,
        form=CaseStudyForm(request.POST or None, initial=initial),
        save=lambda data: case_study_save(actor=request.user, meeting=meeting, **data),
        success=f"{title}已保存",
        next_url=reverse("materials:list", args=[meeting.pk]),
        template="materials/case.html",
        context={
            "meeting": meeting,
            "title": title,
            "case": case,
            "history": history_for_object(case) if case else [],
        },  # fmt: skip
    )
