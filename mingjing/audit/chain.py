"""The hash chain over the audit log.

Each event's `hash` is H(prev_hash + canonical JSON of its content), H being SM3 (GB/T 32905, offered
by Python's hashlib through OpenSSL 3) or SHA-256 where the OpenSSL build lacks it; the algorithm
is stored on every event, so a log written on one machine verifies on another.

Appending is serialised: inside the writer's transaction the chain is locked (a transaction-level
advisory lock on PostgreSQL; SQLite's writers already queue on BEGIN IMMEDIATE), then the last event
is read and the new one inserted, so two concurrent writers never link to the same predecessor.
The id is not hashed (it is only known after the insert, and a row is never updated); the order of
the chain is the order of ids, which the lock makes the order of insertion.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

from mingjing.audit.models import AuditEvent

ALGORITHM = "sm3" if "sm3" in hashlib.algorithms_available else "sha256"
# An arbitrary constant: the PostgreSQL advisory lock that serialises appends to the chain.
PG_LOCK_KEY = 0x6D696E676A696E67 & 0x7FFFFFFFFFFFFFFF  # "mingjing"


def canonical(event: AuditEvent) -> str:
    """The hashed content of an event, stable across databases (JSON keys sorted, times in UTC)."""
    when = event.event_time
    stamp = when.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ") if when else ""
    return json.dumps(
        [
            stamp,
            event.organization_id,
            event.actor_id,
            event.actor_name,
            event.actor_role,
            event.event_type,
            event.content_type_id,
            event.object_id,
            event.object_repr,
            event.changes,
            event.extra,
        ],
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )


def digest(event: AuditEvent, prev_hash: str, algorithm: str = ALGORITHM) -> str:
    return hashlib.new(algorithm, (prev_hash + canonical(event)).encode("utf-8")).hexdigest()


def lock_chain() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PG_LOCK_KEY])


def append(event: AuditEvent) -> AuditEvent:
    """Link `event` to the last one and insert it. Call inside a transaction."""
    lock_chain()
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
    event.prev_hash = last or ""
    event.algorithm = ALGORITHM
    event.hash = digest(event, event.prev_hash)
    event.save(force_insert=True)
    return event


@dataclass(frozen=True)
class Verification:
    ok: bool
    checked: int
    algorithm: str
    broken_id: int | None = None
    reason: str = ""
    head: str = ""

    @property
    def message(self) -> str:
        if self.ok:
            return f"审计记录完整：共 {self.checked} 条，哈希链无断点（{self.algorithm.upper()}）"
        return f"审计记录被改动：第一个断点在编号 {self.broken_id} 的记录（{self.reason}）；此前 {self.checked} 条完好"


def verify(events: Iterable[AuditEvent] | None = None) -> Verification:
    """Walk the chain in id order; report the first event whose link or content does not hold."""
    if events is None:
        events = AuditEvent.objects.order_by("id").iterator(chunk_size=2000)
    prev = ""
    checked = 0
    algorithms: set[str] = set()
    for event in events:
        if event.prev_hash != prev:
            reason = "与前一条记录的哈希不衔接（有记录被删除、插入或改动）"
            return Verification(False, checked, ALGORITHM, event.pk, reason)
        if event.algorithm not in hashlib.algorithms_available:
            return Verification(False, checked, ALGORITHM, event.pk, f"本机不支持其哈希算法 {event.algorithm}")
        if digest(event, prev, event.algorithm) != event.hash:
            return Verification(False, checked, ALGORITHM, event.pk, "内容与其哈希不符（记录被改动）")
        algorithms.add(event.algorithm)
        prev = event.hash
        checked += 1
    used = "、".join(sorted(algorithms)) or ALGORITHM
    return Verification(True, checked, used, head=prev)
