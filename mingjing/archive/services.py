"""Writes of the archive app: importing a meeting bundle (and, later, archiving a meeting)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from mingjing.archive.bundle import ImportResult, import_bundle_data, read_bundle
from mingjing.audit.services import audit_record


def bundle_import(*, actor: Any, content: bytes) -> ImportResult:
    """Validate the whole bundle, then load it in one transaction: all or nothing. Importing the
    same bundle again replaces that meeting's records (matched by the meeting's uid)."""
    data, files = read_bundle(content)
    with transaction.atomic():
        result = import_bundle_data(data=data, files=files, actor=actor)
        audit_record(
            actor=actor,
            event_type="bundle.imported",
            obj=result.meeting,
            organization=result.meeting.organization,
            extra={"records": sum(result.counts.values()), "mode": "新建" if result.created else "更新"},
        )
    return result
