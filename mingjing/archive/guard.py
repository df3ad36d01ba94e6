"""An archived meeting is read-only, whatever path a write takes (a page, the CLI, a service).

Pages already refuse (selectors raise 403 for writes to an archived meeting); this guard is the
floor under them: a save or delete of any row that belongs to an archived meeting raises. Archiving
itself, reopening and a bundle import run inside `unguarded()`.

The rectification ledger is exempt: rectification runs all year after the meeting, and its items
are carried over to next year's meeting from the archived one.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models.signals import pre_delete, pre_save

from mingjing.accounts.policy import ARCHIVED_MESSAGE
from mingjing.meetings.models import Meeting

LIVE_AFTER_ARCHIVING = {"rectification"}
_off: ContextVar[bool] = ContextVar("archive_guard_off", default=False)


@contextlib.contextmanager
def unguarded() -> Iterator[None]:
    token = _off.set(True)
    try:
        yield
    finally:
        _off.reset(token)


def _meeting_id(instance: Any, path: str) -> int | None:
    *hops, last = path.split("__")
    obj = instance
    for hop in hops:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def _check(meeting_id: int | None) -> None:
    if meeting_id and not _off.get() and Meeting.objects.filter(pk=meeting_id, archived_on__isnull=False).exists():
        raise PermissionDenied(ARCHIVED_MESSAGE)


def connect() -> None:
    from mingjing.archive.bundle import owned_models

    for owned in owned_models():
        if owned.model._meta.app_label in LIVE_AFTER_ARCHIVING:
            continue

        def guard(sender, instance, path=owned.path, **kwargs) -> None:
            _check(_meeting_id(instance, path))

        pre_save.connect(guard, sender=owned.model, weak=False, dispatch_uid=f"archive-guard-save-{owned.label}")
        pre_delete.connect(guard, sender=owned.model, weak=False, dispatch_uid=f"archive-guard-del-{owned.label}")

    def guard_meeting(sender, instance, **kwargs) -> None:
        if instance.pk:
            _check(instance.pk)

    pre_save.connect(guard_meeting, sender=Meeting, weak=False, dispatch_uid="archive-guard-meeting")
    pre_delete.connect(guard_meeting, sender=Meeting, weak=False, dispatch_uid="archive-guard-meeting-del")
