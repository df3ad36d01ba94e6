"""Writing audit events. Call from inside the service's transaction so the event and the
change commit or roll back together."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist
from django.db import models, transaction

from mingjing.audit.chain import append
from mingjing.audit.events import EVENT_PHRASES
from mingjing.audit.models import AuditEvent
from mingjing.lib.dates import cn_date

EMPTY = "（空）"


def actor_display_name(actor: Any) -> str:
    """The actor's name as the history shows it: his person record's name where linked."""
    if actor is None:
        return "系统"
    try:
        return actor.person.name
    except ObjectDoesNotExist:
        return actor.first_name or actor.username


def display_value(value: Any) -> str:
    """How a stored value reads in a history line."""
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime | dt.date):
        return cn_date(value)
    if isinstance(value, list | tuple):
        return "、".join(display_value(v) for v in value)
    return str(value)


def field_display(instance: models.Model, field_name: str, value: Any) -> str:
    field = instance._meta.get_field(field_name)
    if getattr(field, "choices", None) and value not in (None, ""):
        return str(dict(field.flatchoices).get(value, value))
    return display_value(value)


def apply_changes(instance: models.Model, data: dict[str, Any]) -> list[dict[str, str]]:
    """Set the given fields on `instance` and return what changed, labelled for humans.

    Foreign keys are passed as model instances (or None)."""
    changes = []
    for name, new in data.items():
        field = instance._meta.get_field(name)
        old = getattr(instance, name)
        if old == new:
            continue
        changes.append(
            {
                "field": name,
                "label": str(field.verbose_name),
                "old": field_display(instance, name, old),
                "new": field_display(instance, name, new),
            }
        )
        setattr(instance, name, new)
    return changes


def save_meeting_record(*, actor: Any, model: type[models.Model], meeting: Any, values: dict[str, Any]) -> Any:
    """The one record of `model` a meeting has (a case study, its achievements, the report's receipt):
    created or updated with `values`, audited as created/updated with what changed; nothing written
    when nothing changed. The caller has checked the actor's ability and the values, inside its
    transaction."""
    record = model.objects.select_for_update().filter(meeting=meeting).first()
    created = record is None
    record = record or model(meeting=meeting)
    changes = apply_changes(record, values)
    if not changes and not created:
        return record
    record.save()
    audit_record(
        actor=actor,
        event_type="created" if created else "updated",
        obj=record,
        organization=meeting.organization,
        changes=changes,
    )
    return record


def audit_record(
    *,
    actor: Any,
    event_type: str,
    obj: models.Model | None = None,
    organization: Any = None,
    changes: list[dict[str, str]] | None = None,
    extra: dict[str, Any] | None = None,
) -> AuditEvent:
    if event_type not in EVENT_PHRASES:
        raise ValueError(f"unknown audit event type {event_type!r}: add it to audit/events.py")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the service's transaction")
    from mingjing.accounts.selectors import role_labels_for

    return append(
        AuditEvent(
            organization=organization,
            actor=actor,
            actor_name=actor_display_name(actor),
            actor_role=role_labels_for(actor, organization) if actor is not None else "",
            event_type=event_type,
            content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
            object_id=obj.pk if obj is not None else None,
            object_repr=str(obj)[:300] if obj is not None else "",
            changes=changes or [],
            extra=extra or {},
        )
    )


def audit_download(
    *, request: Any, what: str, filename: str, obj: models.Model | None = None, organization: Any = None
) -> AuditEvent:
    """One event for a file that leaves the system (a document, bundle, evidence file, export).
    Download views call this right before they return the file."""
    with transaction.atomic():
        return audit_record(
            actor=request.user if request.user.is_authenticated else None,
            event_type="download",
            obj=obj,
            organization=organization,
            extra={"what": what, "filename": filename},
        )
