"""Writes: a user's edit of a generated paragraph (an empty text drops the paragraph), its reset,
and a document's settings (成文日期, optional sections left out). Each runs in a transaction, asks
the policy whether its actor may edit the meeting's records (Ability.EDIT) and read that document,
and records one audit event on the meeting (so the meeting's history shows who changed which
document)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mingjing.accounts.policy import Ability, policy_for
from mingjing.audit.services import audit_record
from mingjing.documents.models import DocumentSetting, ParagraphOverride
from mingjing.documents.registry import DocumentKind
from mingjing.lib.dates import cn_date
from mingjing.meetings.dates import Phase, check_record_date
from mingjing.meetings.models import Meeting, RosterEntry

MAX_PARAGRAPH_CHARS = 5000


def check_member(*, kind: DocumentKind, meeting: Meeting, member: RosterEntry | None) -> None:
    if member is not None and member.meeting_id != meeting.pk:
        raise ValidationError({"member": "只能选择本次会议班子名单中的成员"})
    if kind.per_member and member is None:
        raise ValidationError({"member": f"《{kind.label}》按班子成员生成，请选择班子成员"})
    if member is not None and not (kind.per_member or kind.member_optional):
        raise ValidationError({"member": f"《{kind.label}》是班子的文书，不按成员生成"})


def _require_edit(*, actor: Any, meeting: Meeting, kind: DocumentKind, member: RosterEntry | None) -> None:
    policy = policy_for(user=actor, meeting=meeting)
    policy.require(Ability.EDIT)
    kind.require_read(policy, member)


def _generated(*, kind: DocumentKind, meeting: Meeting, member: RosterEntry | None, key: str):
    """The paragraph as the records give it (no edits applied)."""
    if not kind.docx:
        raise ValidationError({"kind": f"《{kind.label}》没有可修改的段落"})
    doc = kind.build_docx(meeting, member, {})
    block = next((b for b in doc.editable if b.key == key), None)
    if block is None:
        raise ValidationError({"key": "文书中没有这一段（记录可能已变化），请刷新页面后重试"})
    return block


@transaction.atomic
def paragraph_override_save(
    *, actor: Any, meeting: Meeting, kind: DocumentKind, member: RosterEntry | None, key: str, text: str
) -> ParagraphOverride:
    """Keep the user's text for this paragraph; it replaces the generated text until reset."""
    check_member(kind=kind, meeting=meeting, member=member)
    _require_edit(actor=actor, meeting=meeting, kind=kind, member=member)
    # An empty text is kept: the paragraph is left out of the document until reset.
    text = "\n".join(line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip())
    if len(text) > MAX_PARAGRAPH_CHARS:
        raise ValidationError({"text": f"段落内容不能超过{MAX_PARAGRAPH_CHARS}字（现为{len(text)}字）"})
    block = _generated(kind=kind, meeting=meeting, member=member, key=key)
    override = ParagraphOverride.objects.filter(meeting=meeting, kind=kind.kind, member=member, key=key).first()
    old = override.text if override else block.generated
    if override is None:
        override = ParagraphOverride(meeting=meeting, kind=kind.kind, member=member, key=key)
    elif override.text == text:
        return override
    override.label = (block.label or key)[:200]
    override.text = text
    override.base_text = block.generated
    override.updated_by = actor if getattr(actor, "pk", None) else None
    override.full_clean(exclude=["text"] if not text else None)  # an empty text drops the paragraph
    override.save()
    audit_record(
        actor=actor,
        event_type="document.paragraph_edited",
        obj=meeting,
        organization=meeting.organization,
        extra=_extra(kind, member, override) | {"old": old, "new": text},
    )
    return override


@transaction.atomic
def paragraph_override_reset(*, actor: Any, override: ParagraphOverride, kind: DocumentKind) -> None:
    """Drop the user's text: the paragraph is generated from the records again."""
    meeting = override.meeting
    _require_edit(actor=actor, meeting=meeting, kind=kind, member=override.member)
    audit_record(
        actor=actor,
        event_type="document.paragraph_reset",
        obj=meeting,
        organization=meeting.organization,
        extra=_extra(kind, override.member, override) | {"old": override.text},
    )
    override.delete()


def _extra(kind: DocumentKind, member: RosterEntry | None, override: ParagraphOverride) -> dict[str, Any]:
    document = kind.label + (f"（{member.name}）" if member is not None else "")
    return {"document": document, "paragraph": override.label or override.key, "kind": kind.kind, "key": override.key}


@transaction.atomic
def document_setting_save(
    *,
    actor: Any,
    meeting: Meeting,
    kind: DocumentKind,
    member: RosterEntry | None,
    dated_on: dt.date | None,
    sections_off: list[str],
) -> DocumentSetting:
    """The document's 成文日期 (None: the document's own default) and the optional sections left out."""
    check_member(kind=kind, meeting=meeting, member=member)
    _require_edit(actor=actor, meeting=meeting, kind=kind, member=member)
    offered = dict(kind.sections)
    unknown = [s for s in sections_off if s not in offered]
    if unknown:
        raise ValidationError({"sections_off": f"《{kind.label}》没有可选部分“{'、'.join(unknown)}”"})
    if dated_on is not None and not kind.dated:
        raise ValidationError({"dated_on": f"《{kind.label}》没有成文日期"})
    check_record_date(meeting, dated_on, phase=Phase.WHOLE, field="dated_on", label="成文日期")
    setting = DocumentSetting.objects.filter(meeting=meeting, kind=kind.kind, member=member).first()
    if setting is None:
        setting = DocumentSetting(meeting=meeting, kind=kind.kind, member=member)
    off = sorted(set(sections_off), key=list(offered).index)
    changes = []
    if setting.dated_on != dated_on:
        changes.append(f"成文日期{cn_date(dated_on) or '按默认'}")
    if list(setting.sections_off) != off:
        shown = "、".join(offered[s] for s in off) or "无"
        changes.append(f"不印的部分：{shown}")
    if not changes and setting.pk:
        return setting
    setting.dated_on, setting.sections_off = dated_on, off
    setting.updated_by = actor if getattr(actor, "pk", None) else None
    setting.save()
    document = kind.label + (f"（{member.name}）" if member is not None else "")
    audit_record(
        actor=actor,
        event_type="document.settings_saved",
        obj=meeting,
        organization=meeting.organization,
        extra={"document": document, "changes": "；".join(changes) or "未改变", "kind": kind.kind},
    )
    return setting
