"""A frozen meeting stays frozen, whatever path a write takes (a page, the CLI, a service).

Services ask the policy before they write; this guard is the floor under them: a save or delete of
any row that belongs to a meeting asks the policy whether that meeting's rows of that app may
change now (`record_frozen_message`): an archived meeting is read-only except its ledger
(rectification runs all year after the meeting), an imported copy is read-only, ledger included.

Archiving, reopening and a bundle import write inside `unguarded(meeting_id)`, which lifts the
guard for the rows of that one meeting only.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models.signals import pre_delete, pre_save

from mingjing.accounts.policy import record_frozen_message
from mingjing.meetings.models import Meeting

_exempt: ContextVar[set[int] | None] = ContextVar("archive_guard_exempt", default=None)


@contextlib.contextmanager
def unguarded(*meeting_ids: int | None) -> Iterator[set[int]]:
    """Lift the guard for the rows of these meetings; yields the set of their ids, to which a
    bundle import adds the meeting it creates."""
    ids = {pk for pk in meeting_ids if pk} | (_exempt.get() or set())
    token = _exempt.set(ids)
    try:
        yield ids
    finally:
        _exempt.reset(token)


def _meeting_id(instance: Any, path: str) -> int | None:
    *hops, last = path.split("__")
    obj = instance
    for hop in hops:
        obj = getattr(obj, hop, None)
        if obj is None:
            return None
    return getattr(obj, f"{last}_id", None)


def _check(meeting_id: int | None, app_label: str) -> None:
    if not meeting_id:
        return
    exempt = _exempt.get()
    if exempt and meeting_id in exempt:
        return
    state = Meeting.objects.filter(pk=meeting_id).only("archived_on", "is_copy", "cancelled_on").first()
    if state is None:
        return
    message = record_frozen_message(state, app_label)
    if message:
        raise PermissionDenied(message)


def connect() -> None:
    from mingjing.archive.bundle import owned_models

    for owned in owned_models():

        def guard(sender, instance, path=owned.path, app_label=owned.model._meta.app_label, **kwargs) -> None:
            _check(_meeting_id(instance, path), app_label)

        pre_save.connect(guard, sender=owned.model, weak=False, dispatch_uid=f"archive-guard-save-{owned.label}")
        pre_delete.connect(guard, sender=owned.model, weak=False, dispatch_uid=f"archive-guard-del-{owned.label}")

    def guard_meeting(sender, instance, **kwargs) -> None:
        if instance.pk:
            _check(instance.pk, Meeting._meta.app_label)

    pre_save.connect(guard_meeting, sender=Meeting, weak=False, dispatch_uid="archive-guard-meeting")
    pre_delete.connect(guard_meeting, sender=Meeting, weak=False, dispatch_uid="archive-guard-meeting-del")
