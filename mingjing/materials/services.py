"""Writing materials: saves (with conflict detection), uploads, skeletons and the review flow.

Each service runs in a transaction, asks the policy whether its actor may act
(`policy_for(user=actor, meeting=...).require(...)`: WRITE_MATERIAL, SUBMIT_MATERIAL,
APPROVE_MATERIAL, REVIEW), checks the material's status and records one audit event — except an
autosave that refreshes the author's own latest autosave version in place, which writes none (the
version row keeps its time and author; otherwise typing would write an audit line every few
seconds).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from mingjing.accounts.policy import Ability, MeetingPolicy, policy_for
from mingjing.audit.services import actor_display_name, audit_record
from mingjing.lib.dates import today
from mingjing.materials.docx_import import DOCX_CONTENT_TYPE, check_docx
from mingjing.materials.models import (
    APPROVED_OR_LATER,
    EDITABLE,
    Action,
    CaseStudy,
    Kind,
    Material,
    MaterialVersion,
    Reason,
    ReviewEvent,
    Status,
    UploadedFile,
)
from mingjing.materials.selectors import edit_lock_reason, in_revision, meeting_held_on
from mingjing.materials.skeleton import generate_skeleton
from mingjing.materials.text import normalize
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.meetings.services import meeting_step_sync

MAX_TEXT_CHARS = 200_000


@dataclass(frozen=True)
class SaveResult:
    material: Material
    version: MaterialVersion | None  # the version written (the conflict copy on a conflict)
    conflict: bool = False
    unchanged: bool = False
    message: str = ""


def _locked_material(meeting: Meeting, owner: RosterEntry | None) -> Material:
    """The owner's material, created on first write, locked for the rest of the transaction."""
    material = Material.objects.select_for_update().filter(meeting=meeting, owner=owner).first()
    if material is None:
        try:
            with transaction.atomic():
                Material.objects.create(meeting=meeting, owner=owner, kind=Kind.TEAM if owner is None else Kind.OUTLINE)
        except IntegrityError:
            pass  # created meanwhile by someone else
        material = Material.objects.select_for_update().get(meeting=meeting, owner=owner)
    material.meeting = meeting
    if owner is not None:
        material.owner = owner
    return material


def _check_text(text: str) -> str:
    text = normalize(text)
    if len(text) > MAX_TEXT_CHARS:
        raise ValidationError({"text": f"正文过长（{len(text)}字），请控制在{MAX_TEXT_CHARS}字以内"})
    return text


def _add_version(
    material: Material, *, actor: Any, text: str, reason: str, based_on: int, accept: bool = True
) -> MaterialVersion:
    now = timezone.now()
    material.last_number += 1
    version = MaterialVersion.objects.create(
        material=material,
        number=material.last_number,
        text=text,
        reason=reason,
        author=actor,
        author_name=actor_display_name(actor),
        based_on=based_on,
        saved_at=now,
    )
    fields = ["last_number"]
    if accept:
        material.current_version = version.number
        material.revision += 1
        material.last_saved_at = now
        material.last_saved_by = actor
        fields += ["current_version", "revision", "last_saved_at", "last_saved_by"]
    material.save(update_fields=fields)
    return version


def _short_time(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value)
    return f"{local.month}月{local.day}日 {local:%H:%M}"


def _prepare_edit(*, actor: Any, meeting: Meeting, owner: RosterEntry | None, on: dt.date | None) -> tuple:
    policy_for(user=actor, meeting=meeting).require(Ability.WRITE_MATERIAL, owner)
    material = _locked_material(meeting, owner)
    held_on = meeting_held_on(meeting, fresh=True)
    reason = edit_lock_reason(material, held_on=held_on, on=on)
    if reason:
        raise ValidationError({"text": reason})
    return material, in_revision(material, held_on=held_on, on=on)


def _enter_revision(material: Material, *, actor: Any, on: dt.date | None) -> None:
    """The first save after the meeting on an approved material: the approved text stays a version."""
    if material.status == Status.REVISED:
        return
    material.status = Status.REVISED
    material.sealed_version = material.current_version
    material.save(update_fields=["status", "sealed_version"])
    ReviewEvent.objects.create(
        material=material,
        action=Action.REVISE,
        actor=actor,
        actor_name=actor_display_name(actor),
        version=material.current_version,
        status_after=Status.REVISED,
        created_at=timezone.now(),
    )
    sync_steps(meeting=material.meeting)


@transaction.atomic
def material_save(
    *,
    actor: Any,
    meeting: Meeting,
    owner: RosterEntry | None,
    text: str,
    base_version: int,
    base_revision: int | None = None,
    autosave: bool = False,
    on: dt.date | None = None,
) -> SaveResult:
    """Save the text typed in the editor, based on version `base_version` (and, for autosaves
    refreshed in place, the material's `revision` stamp the editor last saw).

    When someone saved meanwhile, nothing is overwritten: the text is kept as a conflict version
    and the result says so."""
    text = _check_text(text)
    material, revising = _prepare_edit(actor=actor, meeting=meeting, owner=owner, on=on)
    stale = base_version != material.current_version or (
        base_revision is not None and base_revision != material.revision
    )
    if stale:
        current = (
            MaterialVersion.objects.filter(material=material, number=material.current_version).first()
            if material.current_version
            else None
        )
        copy = _add_version(
            material, actor=actor, text=text, reason=Reason.CONFLICT, based_on=base_version, accept=False
        )
        who = "您本人（在另一窗口）" if current and current.author_id == getattr(actor, "pk", None) else None
        who = who or (current.author_name if current else actor_display_name(material.last_saved_by))
        when = _short_time(material.last_saved_at)
        message = (
            f"本材料已由{who}于{when}保存了新版本（第{material.current_version}版），"
            f"您的文本已另存为第{copy.number}版（冲突稿），请对照后合并"
        )
        audit_record(
            actor=actor,
            event_type="material.conflict",
            obj=material,
            organization=meeting.organization,
            extra={"number": copy.number, "current": material.current_version},
        )
        return SaveResult(material=material, version=copy, conflict=True, message=message)

    latest = (
        MaterialVersion.objects.filter(material=material, number=material.current_version).first()
        if material.current_version
        else None
    )
    if latest is not None and latest.text == text and not revising:
        return SaveResult(material=material, version=latest, unchanged=True, message="内容没有变化")
    if latest is None and not text:
        return SaveResult(material=material, version=None, unchanged=True, message="内容为空，未保存")

    if revising and material.status != Status.REVISED:
        reason = Reason.REVISION
    else:
        reason = Reason.AUTOSAVE if autosave else Reason.MANUAL
    refresh = (
        autosave
        and reason == Reason.AUTOSAVE
        and latest is not None
        and latest.reason == Reason.AUTOSAVE
        and latest.author_id == getattr(actor, "pk", None)
        and latest.number == material.last_number
        and latest.number > material.sealed_version
    )
    if refresh:
        latest.text = text
        latest.saved_at = timezone.now()
        latest.save(update_fields=["text", "saved_at"])
        material.revision += 1
        material.last_saved_at = latest.saved_at
        material.last_saved_by = actor
        material.save(update_fields=["revision", "last_saved_at", "last_saved_by"])
        return SaveResult(material=material, version=latest, message=f"已自动保存 {timezone.localtime():%H:%M}")

    version = _add_version(material, actor=actor, text=text, reason=reason, based_on=base_version)
    if reason == Reason.REVISION:
        _enter_revision(material, actor=actor, on=on)
    audit_record(
        actor=actor,
        event_type="material.saved",
        obj=material,
        organization=meeting.organization,
        extra={"number": version.number, "reason": version.get_reason_display()},
    )
    label = "已自动保存" if autosave else "已保存"
    message = f"{label} {timezone.localtime():%H:%M}（第{version.number}版）"
    return SaveResult(material=material, version=version, message=message)


@transaction.atomic
def material_upload(
    *,
    actor: Any,
    meeting: Meeting,
    owner: RosterEntry | None,
    name: str,
    content: bytes,
    on: dt.date | None = None,
) -> UploadedFile:
    """A .docx becomes a new version (its extracted text); the file is kept beside it."""
    material, revising = _prepare_edit(actor=actor, meeting=meeting, owner=owner, on=on)
    checked = check_docx(name=name, content=content)
    version = _add_version(
        material,
        actor=actor,
        text=_check_text(checked.text),
        reason=Reason.REVISION if revising and material.status != Status.REVISED else Reason.UPLOAD,
        based_on=material.current_version,
    )
    if version.reason == Reason.REVISION:
        _enter_revision(material, actor=actor, on=on)
    upload = UploadedFile(
        material=material,
        version=version,
        original_name=name[-255:],
        size=checked.size,
        sha256=checked.sha256,
        content_type=DOCX_CONTENT_TYPE,
        extracted_text=checked.text,
        uploaded_by=actor,
        uploaded_at=version.saved_at,
    )
    upload.file.save(f"{checked.sha256}.docx", ContentFile(checked.content), save=False)
    upload.save()
    audit_record(
        actor=actor,
        event_type="material.uploaded",
        obj=material,
        organization=meeting.organization,
        extra={"name": upload.original_name, "number": version.number},
    )
    return upload


@transaction.atomic
def material_generate_skeleton(
    *, actor: Any, meeting: Meeting, owner: RosterEntry | None, replace: bool = False, on: dt.date | None = None
) -> MaterialVersion:
    """依据记录生成框架: only on an empty draft, or when the author explicitly replaces the text
    (the replaced text stays an earlier version)."""
    material, revising = _prepare_edit(actor=actor, meeting=meeting, owner=owner, on=on)
    if revising:
        raise ValidationError({"replace": "会后修改阶段不能重新生成框架，请在现有文本上修改"})
    has_text = bool(material.current_version) and bool(
        MaterialVersion.objects.filter(material=material, number=material.current_version).exclude(text="").exists()
    )
    if has_text and not replace:
        raise ValidationError(
            {"replace": "材料已有内容：如需重新生成，请勾选“替换现有文本”（现有文本会保留为历史版本）"}
        )
    text = generate_skeleton(meeting=meeting, owner=owner)
    version = _add_version(material, actor=actor, text=text, reason=Reason.SKELETON, based_on=material.current_version)
    audit_record(
        actor=actor,
        event_type="material.skeleton",
        obj=material,
        organization=meeting.organization,
        extra={"number": version.number},
    )
    return version


# --- review --------------------------------------------------------------------------------------

RULES: dict[str, tuple[tuple[str, ...], str | None]] = {
    # action: (statuses it applies to, status after — None keeps the status)
    Action.SUBMIT: (EDITABLE, Status.SUBMITTED),
    Action.WITHDRAW: ((Status.SUBMITTED,), Status.DRAFT),
    Action.APPROVE: ((Status.SUBMITTED,), Status.APPROVED),
    Action.RETURN: ((Status.SUBMITTED, Status.APPROVED, Status.REVIEWED), Status.RETURNED),
    Action.REVIEW: ((Status.SUBMITTED, Status.APPROVED, Status.REVIEWED, Status.REVISED), None),
}
WRONG_STATE = {
    Action.SUBMIT: "只有起草中或已退回的材料可以提交",
    Action.WITHDRAW: "只有已提交、尚未审核的材料可以撤回",
    Action.APPROVE: "只有已提交的材料可以审核通过",
    Action.RETURN: "只有已提交或已审核的材料可以退回",
    Action.REVIEW: "材料尚未提交，督导组暂不能审阅",
}


def may_act(policy: MeetingPolicy, owner: RosterEntry | None, action: str) -> bool:
    """The policy's answer for one review action on the owner's material (the views' buttons)."""
    if action in (Action.SUBMIT, Action.WITHDRAW):
        return policy.can(Ability.SUBMIT_MATERIAL, owner)
    if action == Action.APPROVE:
        return policy.can(Ability.APPROVE_MATERIAL, owner)
    if action == Action.RETURN:  # the approver, or the 督导组 commenting on it
        return policy.can(Ability.APPROVE_MATERIAL, owner) or policy.can(Ability.REVIEW)
    if action == Action.REVIEW:
        return policy.can(Ability.REVIEW)
    return False


def _require_actor(policy: MeetingPolicy, owner: RosterEntry | None, action: str) -> None:
    """403 with the policy's reason unless `may_act`."""
    if may_act(policy, owner, action):
        return
    if action in (Action.SUBMIT, Action.WITHDRAW):
        policy.require(Ability.SUBMIT_MATERIAL, owner)
    elif action == Action.REVIEW:
        policy.require(Ability.REVIEW)
    policy.require(Ability.APPROVE_MATERIAL, owner)


@transaction.atomic
def material_act(
    *,
    actor: Any,
    material: Material,
    action: str,
    comments: str = "",
    on: dt.date | None = None,
    body: str = "",
) -> ReviewEvent:
    """Submit, withdraw, approve, return (with comments) or review (督导组, with comments). An approval
    or a review records the day it happened (`on`, today by default) and the body that gave it
    (`body`: “局党组会议”, “市委第三督导组”), which the 情况报告 states."""
    meeting = material.meeting
    if action not in RULES:
        raise ValidationError({"action": "没有这个操作"})
    owner = material.owner if material.owner_id else None
    _require_actor(policy_for(user=actor, meeting=meeting), owner, action)
    material = _locked_material(meeting, owner)
    comments = comments.strip()
    allowed, after = RULES[action]
    if material.status not in allowed:
        raise ValidationError({"action": WRONG_STATE[action]})
    if action == Action.SUBMIT and not material.current_version:
        raise ValidationError({"action": "材料还没有内容，不能提交"})
    if action in (Action.RETURN, Action.REVIEW) and not comments:
        raise ValidationError({"comments": "请填写意见"})
    happened_on, body = (on or today()), " ".join(body.split())
    if happened_on > today():
        raise ValidationError({"happened_on": "日期不能晚于今天"})
    if len(body) > 200:
        raise ValidationError({"body": f"审核机关不能超过200字（现为{len(body)}字）"})
    if action == Action.APPROVE:  # 查重: above the high threshold only with a written reason (kept in history)
        from mingjing.originality.services import require_reason_to_approve

        require_reason_to_approve(material=material, comments=comments)
    if action == Action.REVIEW and material.status == Status.APPROVED:
        after = Status.REVIEWED
    material.status = after or material.status
    material.sealed_version = material.current_version
    material.save(update_fields=["status", "sealed_version"])
    event = ReviewEvent.objects.create(
        material=material,
        action=action,
        actor=actor,
        actor_name=actor_display_name(actor),
        comments=comments,
        version=material.current_version,
        status_after=material.status,
        created_at=timezone.now(),
        happened_on=happened_on if action in (Action.APPROVE, Action.REVIEW) else None,
        body=body if action in (Action.APPROVE, Action.REVIEW) else "",
    )
    audit_record(
        actor=actor,
        event_type="material.reviewed",
        obj=material,
        organization=meeting.organization,
        extra={
            "action": event.get_action_display(),
            "version": material.current_version,
            "comments": f"，意见：{comments}" if comments else "",
        },
    )
    sync_steps(meeting=meeting)
    return event


def sync_steps(*, meeting: Meeting) -> None:
    """撰写对照检查材料和发言提纲 is done when the team's material and every member's outline are
    approved; 根据点评修改材料 when all were revised after the meeting. The dates are those of the
    last approval / revision, so syncing again never moves them."""
    owners: list[int | None] = [None, *RosterEntry.objects.filter(meeting=meeting).values_list("pk", flat=True)]
    materials = {m.owner_id: m for m in Material.objects.filter(meeting=meeting)}

    def last_event_day(action: str) -> dt.date | None:
        latest = (
            ReviewEvent.objects.filter(material__meeting=meeting, action=action)
            .order_by("-created_at")
            .values_list("created_at", "happened_on")
            .first()
        )
        if latest is None:
            return None
        return latest[1] or timezone.localtime(latest[0]).date()  # the day it happened, when entered

    approved = all(o in materials and materials[o].status in APPROVED_OR_LATER for o in owners)
    revised = all(o in materials and materials[o].status == Status.REVISED for o in owners)
    meeting_step_sync(
        meeting=meeting, step="examination", done_on=(last_event_day(Action.APPROVE) or today()) if approved else None
    )
    meeting_step_sync(
        meeting=meeting, step="revision", done_on=(last_event_day(Action.REVISE) or today()) if revised else None
    )


@transaction.atomic
def case_study_save(*, actor: Any, meeting: Meeting, case_name: str, lessons: str = "") -> CaseStudy:
    """The typical case the team analysed (which case, what was learned): the material's case section
    and the 情况报告 print it. The unit's staff record it (Ability.EDIT)."""
    from mingjing.audit.services import save_meeting_record
    from mingjing.lib.limits import length_error, text_limit

    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)
    case_name, lessons = " ".join(case_name.split()), lessons.strip()
    errors = {}
    if not case_name:
        errors["case_name"] = "请填写典型案例"
    for field, label, value in (("case_name", "典型案例", case_name), ("lessons", "剖析和警示", lessons)):
        if message := length_error(label, text_limit(CaseStudy, field), value):
            errors[field] = message
    if errors:
        raise ValidationError(errors)
    return save_meeting_record(
        actor=actor, model=CaseStudy, meeting=meeting, values={"case_name": case_name, "lessons": lessons}
    )
