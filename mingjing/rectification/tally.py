"""The ledger roll-up the superior's overview reads (`LedgerTally`: items per meeting, status and
deadline), kept in the transaction that writes the items.

Every saved or deleted item moves its count (signals below: an UPDATE, or an INSERT for a new key;
nothing when the status, deadline and meeting stay). Bulk writes that bypass signals
(`QuerySet.update`, `bulk_create`) recount their meetings with `refresh_tallies([...])`, or run
inside `deferred_tallies()`, which recounts every meeting touched once, at its end, instead of
counting item by item.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from django.db import transaction
from django.db.models import Count, F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from mingjing.rectification.models import LedgerTally, RectificationItem

KEY_FIELDS = RectificationItem.TALLY_FIELDS
_local = threading.local()


def refresh_tallies(meeting_ids: Iterable[int] | None = None) -> None:
    """Recount the roll-up of these meetings (every meeting when None) from their items."""
    tallies, items = LedgerTally.objects.all(), RectificationItem.objects.all()
    if meeting_ids is not None:
        ids = sorted({i for i in meeting_ids if i is not None})
        if not ids:
            return
        tallies, items = tallies.filter(meeting_id__in=ids), items.filter(meeting_id__in=ids)
    with transaction.atomic():
        tallies.delete()
        batch: list[LedgerTally] = []
        for r in items.order_by().values(*KEY_FIELDS).annotate(n=Count("id")).iterator(chunk_size=5000):
            batch.append(LedgerTally(count=r.pop("n"), **r))
            if len(batch) >= 5000:
                LedgerTally.objects.bulk_create(batch)
                batch = []
        LedgerTally.objects.bulk_create(batch)


@contextmanager
def deferred_tallies() -> Iterator[None]:
    """Count nothing item by item inside the block; recount the meetings it touched at its end."""
    outer = getattr(_local, "dirty", None)
    if outer is not None:  # nested: the outermost block recounts
        yield
        return
    _local.dirty = set()
    try:
        yield
        dirty = _local.dirty
    finally:
        _local.dirty = None
    refresh_tallies(dirty)


def _move(key: tuple, delta: int) -> None:
    meeting_id, status, deadline = key
    if meeting_id is None:
        return
    dirty = getattr(_local, "dirty", None)
    if dirty is not None:
        dirty.add(meeting_id)
        return
    rows = LedgerTally.objects.filter(meeting_id=meeting_id, status=status, deadline=deadline)
    # No row to take one from: the meeting is being deleted with its roll-up (cascade).
    if not rows.update(count=F("count") + delta) and delta > 0:
        LedgerTally.objects.create(meeting_id=meeting_id, status=status, deadline=deadline, count=delta)


@receiver(post_save, sender=RectificationItem)
def _saved(sender: Any, instance: RectificationItem, created: bool, update_fields: Any = None, **kwargs: Any) -> None:
    if kwargs.get("raw"):
        return
    if update_fields is not None and not {"meeting", "status", "deadline"} & set(update_fields):
        return
    new, old = instance.tally_key(), getattr(instance, "_tally_key", None)
    if new is None:  # a key field deferred: recount the meeting
        refresh_tallies([instance.meeting_id])
    elif created:
        _move(new, +1)
    elif old is None:
        refresh_tallies([instance.meeting_id])
    elif old != new:
        _move(old, -1)
        _move(new, +1)
    instance._tally_key = instance.tally_key()


@receiver(post_delete, sender=RectificationItem)
def _deleted(sender: Any, instance: RectificationItem, **kwargs: Any) -> None:
    key = getattr(instance, "_tally_key", None) or instance.tally_key()
    if key is not None:
        _move(key, -1)
    else:
        refresh_tallies([instance.meeting_id])
