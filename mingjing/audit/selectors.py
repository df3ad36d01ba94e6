"""Reading history. Callers pass objects they already reached through an access-checked selector."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone

from mingjing.audit.events import EVENT_PHRASES
from mingjing.audit.models import AuditEvent
from mingjing.lib.dates import cn_date
from mingjing.lib.shapes import prepared_query


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


# The history under every record's page (lib/shapes.py: compiled once per process). The limit is a
# constant of the statement, so it is one for every caller.
HISTORY_LIMIT = 200
_EVENTS_OF = prepared_query(
    lambda content_type_id, object_id: AuditEvent.objects.filter(content_type_id=content_type_id, object_id=object_id)[
        :HISTORY_LIMIT
    ]
)


def history_for_object(obj: models.Model) -> list[HistoryLine]:
    if obj.pk is None:  # not saved yet: no history
        return []
    content_type = ContentType.objects.get_for_model(obj)
    events = _EVENTS_OF(content_type_id=content_type.pk, object_id=obj.pk)
    kind = str(obj._meta.verbose_name)
    return [HistoryLine(event=e, text=describe(e, kind)) for e in without_superseded(events)]


def without_superseded(events: list[AuditEvent]) -> list[AuditEvent]:
    """Drop the events a later one of the same list supersedes (an autosave window's earlier
    states: the log keeps every one, the history reads one line per window)."""
    superseded = {e.extra.get("supersedes") for e in events if isinstance(e.extra, dict)}
    return [e for e in events if e.pk not in superseded]


# --- The audit administrator's log (Perm.AUDIT_READ) -----------------------------------------------


def audit_scope(user: Any) -> Q:
    """The events an audit administrator reads: those of the units under his AUDIT_READ, and, when
    he holds it on a top-level unit, the deployment's own (no unit: failed logins of unknown names)."""
    from mingjing.accounts.access import Perm, access_for
    from mingjing.organizations.models import Organization

    access = access_for(user)
    units = Organization.objects.filter(access.org_q(Perm.AUDIT_READ))
    if not units.exists():
        raise PermissionDenied("只有审计管理员可以查看审计记录")
    scope = Q(organization__in=units)
    if units.filter(parent__isnull=True).exists():
        scope |= Q(organization__isnull=True)
    return scope


def audit_units(user: Any) -> QuerySet:
    from mingjing.accounts.access import Perm, access_for
    from mingjing.organizations.models import Organization

    return Organization.objects.filter(access_for(user).org_q(Perm.AUDIT_READ)).order_by("path")


def audit_events(*, user: Any, filters: dict[str, Any]) -> QuerySet[AuditEvent]:
    """The audit log for the audit administrator, newest first, filtered by person (account), unit
    (and the units below it), event type and date range (inclusive, local dates)."""
    qs = AuditEvent.objects.filter(audit_scope(user)).select_related("organization")
    if filters.get("actor"):
        qs = qs.filter(actor=filters["actor"])
    if filters.get("unit"):
        qs = qs.filter(organization__path__startswith=filters["unit"].path)
    if filters.get("event_type"):
        qs = qs.filter(event_type=filters["event_type"])
    if filters.get("since"):
        qs = qs.filter(event_time__gte=local_midnight(filters["since"]))
    if filters.get("until"):
        qs = qs.filter(event_time__lt=local_midnight(filters["until"] + dt.timedelta(days=1)))
    return qs.order_by("-id")


def local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def type_label(event_type: str) -> str:
    """'登录失败' for 'auth.login_failed': the phrase without its slots."""
    phrase = EVENT_PHRASES.get(event_type, event_type)
    phrase = re.sub(r"“\{[^}]*\}”|（[^）]*\{[^}]*\}[^）]*）|：.*$", "", phrase)
    return re.sub(r"\{[^}]*\}", "", phrase) or event_type


def event_type_choices() -> list[tuple[str, str]]:
    return sorted(((key, f"{type_label(key)}（{key}）") for key in EVENT_PHRASES), key=lambda c: c[0])


def audit_rows(events: list[AuditEvent]) -> list[dict[str, Any]]:
    """One row per event as the page and the export show it."""
    return [
        {
            "event": e,
            "time": timezone.localtime(e.event_time).strftime("%Y-%m-%d %H:%M:%S"),
            "who": e.actor_name + (f"（{e.actor_role}）" if e.actor_role else ""),
            "unit": e.organization.name if e.organization_id else "",
            "type": type_label(e.event_type),
            "text": describe(e),
        }
        for e in events
    ]
