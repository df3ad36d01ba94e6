"""Reading history. Callers pass objects they already reached through an access-checked selector."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import models

from mingjing.audit.events import EVENT_PHRASES
from mingjing.audit.models import AuditEvent
from mingjing.lib.dates import cn_date


@dataclass(frozen=True)
class HistoryLine:
    event: AuditEvent
    text: str


class _Slots(dict):
    def __missing__(self, key: str) -> str:
        return "【未记录】"


def describe(event: AuditEvent, kind: str = "") -> str:
    """'张明 于 2026年11月3日 将计划召开日期由“…”改为“…”' — one sentence per event."""
    who = event.actor_name + (f"（{event.actor_role}）" if event.actor_role else "")
    head = f"{who} 于 {cn_date(event.event_time)} "
    if event.event_type == "updated" and event.changes:
        parts = [f"将{c['label']}由“{c['old']}”改为“{c['new']}”" for c in event.changes]
        return head + "，".join(parts)
    slots = _Slots(event.extra)
    slots.setdefault("object", event.object_repr)
    slots.setdefault("kind", kind)
    text = head + EVENT_PHRASES[event.event_type].format_map(slots)
    if event.changes:
        text += "：" + "，".join(f"{c['label']}为“{c['new']}”" for c in event.changes)
    return text


def history_for_object(obj: models.Model, *, limit: int = 200) -> list[HistoryLine]:
    content_type = ContentType.objects.get_for_model(obj)
    events = AuditEvent.objects.filter(content_type=content_type, object_id=obj.pk)[:limit]
    kind = str(obj._meta.verbose_name)
    return [HistoryLine(event=e, text=describe(e, kind)) for e in events]
