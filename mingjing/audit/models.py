"""One row per write, login, logout, export and download: who (and in what role, for which unit),
when, what, old and new values.

Events are only ever added. The database refuses UPDATE and DELETE on the table (triggers, see
mingjing/audit/triggers.py), the model refuses them too, and each event carries the hash of the
one before it (mingjing/audit/chain.py), so `mingjing audit verify` can prove the log unbroken.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone

APPEND_ONLY = "审计记录只能追加，不能修改或删除"


class AuditEvent(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # PROTECT, not SET_NULL: an account that acted is disabled, never deleted (the row cannot change).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Snapshots: the history must still read correctly after people are renamed or leave.
    actor_name = models.CharField(max_length=100)
    actor_role = models.CharField(max_length=100, blank=True)
    event_type = models.CharField(max_length=60)
    event_time = models.DateTimeField(default=timezone.now)
    content_type = models.ForeignKey(ContentType, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    # [{"field": "planned_date", "label": "计划召开日期", "old": "2026年12月20日", "new": "2026年12月25日"}]
    changes = models.JSONField(default=list, blank=True)
    extra = models.JSONField(default=dict, blank=True)
    # The hash chain: prev_hash is the previous event's hash ("" for the first), hash covers this
    # event's content and prev_hash, computed with `algorithm` ("sm3" or "sha256").
    prev_hash = models.CharField(max_length=64, blank=True, default="")
    hash = models.CharField(max_length=64, blank=True, default="")
    algorithm = models.CharField(max_length=10, blank=True, default="")

    class Meta:
        ordering = ["-event_time", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "event_time"], name="audit_object_idx"),
            models.Index(fields=["organization", "event_time"], name="audit_org_idx"),
            models.Index(fields=["event_type", "event_time"], name="audit_type_idx"),
            models.Index(fields=["actor", "event_time"], name="audit_actor_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.event_type} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError(APPEND_ONLY)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise RuntimeError(APPEND_ONLY)
