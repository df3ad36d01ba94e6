"""Writes of the archive app: importing a meeting bundle, archiving a meeting and reopening it."""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction

from mingjing.accounts.policy import Ability, bundle_import_mode, forget_policies, policy_for
from mingjing.archive.box import build_box
from mingjing.archive.bundle import ImportResult, bundle_unit, import_bundle_data, read_bundle
from mingjing.archive.guard import unguarded
from mingjing.archive.models import ArchiveBox
from mingjing.audit.services import audit_record
from mingjing.compliance.checklist import archive_checklist
from mingjing.lib.dates import cn_date, today
from mingjing.meetings.models import Meeting
from mingjing.meetings.services import meeting_step_sync


def bundle_import(*, actor: Any, content: bytes) -> ImportResult:
    """Validate the whole bundle, ask the policy how `actor` may import it (a new live meeting, a
    read-only copy, or a refresh of a copy; never over a meeting that lives here), then load it in
    one transaction: all or nothing. The guard is lifted for that meeting's rows only; files are
    written after every check and removed again if the transaction does not commit."""
    data, files = read_bundle(content)
    existing = Meeting.objects.filter(uid=data["meeting"]["uid"]).first()
    mode = bundle_import_mode(user=actor, unit=bundle_unit(data), existing=existing)
    written: list = []
    try:
        with transaction.atomic(), unguarded(existing.pk if existing else None) as exempt:
            result = import_bundle_data(data=data, files=files, actor=actor, mode=mode, exempt=exempt, written=written)
            audit_record(
                actor=actor,
                event_type="bundle.imported",
                obj=result.meeting,
                organization=result.meeting.organization,
                extra={"records": sum(result.counts.values()), "mode": result.mode},
            )
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise
    return result


def meeting_archive(*, actor: Any, meeting: Meeting, with_pdf: bool | None = None, force: bool = False) -> ArchiveBox:
    """Box every material of the meeting and make the meeting read-only: a decision taken on the
    checklist (compliance.checklist). A meeting never held is never archived; one with open points
    (steps not done, rules broken, 【待补充】 left in its documents) only with `force`, and the audit
    line of a forced archive lists the points left open."""
    if meeting.archived_on is not None:
        raise ValidationError({"meeting": f"本次会议已于{cn_date(meeting.archived_on)}归档"})
    policy_for(user=actor, meeting=meeting).require(Ability.ARCHIVE)
    checklist = archive_checklist(meeting=meeting)
    if checklist.blocked:
        raise ValidationError({"meeting": checklist.blocked})
    open_points = checklist.open_points
    if open_points and not force:
        raise ValidationError(
            {"force": f"尚有{len(open_points)}项未完成或不符合（见归档前核对清单），确认仍然归档后才能归档"}
        )
    content, entries = build_box(meeting=meeting, with_pdf=with_pdf)
    on = today()
    with transaction.atomic(), unguarded(meeting.pk):
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
        forget_policies(meeting)
        extra: dict[str, Any] = {"entries": entries, "sha256": box.sha256[:16]}
        if open_points:
            extra |= {"open_count": len(open_points), "open_points": "；".join(open_points)}
        audit_record(
            actor=actor,
            event_type="meeting.archived_forced" if open_points else "meeting.archived",
            obj=meeting,
            organization=meeting.organization,
            extra=extra,
        )
    return box


@transaction.atomic
def meeting_reopen(*, actor: Any, meeting: Meeting, reason: str) -> Meeting:
    """Only a unit administrator may reopen an archived meeting, and he must say why."""
    if meeting.archived_on is None:
        raise ValidationError({"meeting": "本次会议尚未归档"})
    policy_for(user=actor, meeting=meeting).require(Ability.REOPEN)
    if not reason.strip():
        raise ValidationError({"reason": "请说明撤销归档的原因"})
    with unguarded(meeting.pk):
        Meeting.objects.filter(pk=meeting.pk).update(archived_on=None)
        meeting.archived_on = None
        forget_policies(meeting)
        meeting_step_sync(meeting=meeting, step="archive", done_on=None)
    audit_record(
        actor=actor,
        event_type="meeting.reopened",
        obj=meeting,
        organization=meeting.organization,
        extra={"reason": reason.strip()},
    )
    return meeting
