"""Writes of the archive app: importing a meeting bundle, archiving a meeting and reopening it."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from mingjing.accounts.access import Perm, access_for
from mingjing.archive.box import build_box
from mingjing.archive.bundle import ImportResult, import_bundle_data, read_bundle
from mingjing.archive.guard import unguarded
from mingjing.archive.models import ArchiveBox
from mingjing.audit.services import audit_record
from mingjing.lib.dates import cn_date, today
from mingjing.meetings.models import Meeting
from mingjing.meetings.services import meeting_step_sync


def bundle_import(*, actor: Any, content: bytes) -> ImportResult:
    """Validate the whole bundle, then load it in one transaction: all or nothing. Importing the
    same bundle again replaces that meeting's records (matched by the meeting's uid)."""
    data, files = read_bundle(content)
    if actor is not None:
        _require_import_right(actor, data)
    with transaction.atomic(), unguarded():
        result = import_bundle_data(data=data, files=files, actor=actor)
        audit_record(
            actor=actor,
            event_type="bundle.imported",
            obj=result.meeting,
            organization=result.meeting.organization,
            extra={"records": sum(result.counts.values()), "mode": "新建" if result.created else "更新"},
        )
    return result


def _require_import_right(actor: Any, data: dict) -> None:
    """The unit in the bundle, or its nearest ancestor already here, must be one the actor
    administers or watches over (a superior's organization department, a unit's own preparer)."""
    from mingjing.organizations.models import Organization

    names = [u["name"] for u in data["unit"]["chain"]]
    anchor = None
    for name in reversed(names):
        anchor = Organization.objects.filter(name=name).first()
        if anchor is not None:
            break
    access = access_for(actor)
    if anchor is None or not (access.can(Perm.UNIT_ADMIN, anchor) or access.can(Perm.MEETING_ASSIGN, anchor)):
        raise PermissionDenied(f"您无权导入“{names[-1]}”的会议数据包")


def meeting_archive(*, actor: Any, meeting: Meeting, with_pdf: bool | None = None) -> ArchiveBox:
    """Box every material of the meeting and make the meeting read-only."""
    if meeting.archived_on is not None:
        raise ValidationError({"meeting": f"本次会议已于{cn_date(meeting.archived_on)}归档"})
    content, entries = build_box(meeting=meeting, with_pdf=with_pdf)
    on = today()
    with transaction.atomic(), unguarded():
        meeting_step_sync(meeting=meeting, step="archive", done_on=on)
        box = ArchiveBox(
            meeting=meeting,
            size=len(content),
            sha256=hashlib.sha256(content).hexdigest(),
            entries=entries,
            created_on=on,
            created_by=actor,
        )
        box.file.save(f"{meeting.uid}-{on:%Y%m%d}.zip", ContentFile(content), save=False)
        box.save()
        Meeting.objects.filter(pk=meeting.pk).update(archived_on=on)
        meeting.archived_on = on
        audit_record(
            actor=actor,
            event_type="meeting.archived",
            obj=meeting,
            organization=meeting.organization,
            extra={"entries": entries, "sha256": box.sha256[:16]},
        )
    return box


@transaction.atomic
def meeting_reopen(*, actor: Any, meeting: Meeting, reason: str) -> Meeting:
    """Only a unit administrator may reopen an archived meeting, and he must say why."""
    if actor is not None and not access_for(actor).can(Perm.UNIT_ADMIN, meeting.organization):
        raise PermissionDenied("只有单位管理员可以撤销归档")
    if meeting.archived_on is None:
        raise ValidationError({"meeting": "本次会议尚未归档"})
    if not reason.strip():
        raise ValidationError({"reason": "请说明撤销归档的原因"})
    with unguarded():
        Meeting.objects.filter(pk=meeting.pk).update(archived_on=None)
        meeting.archived_on = None
        meeting_step_sync(meeting=meeting, step="archive", done_on=None)
    audit_record(
        actor=actor,
        event_type="meeting.reopened",
        obj=meeting,
        organization=meeting.organization,
        extra={"reason": reason.strip()},
    )
    return meeting
