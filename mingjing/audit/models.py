"""One row per write: who (and in what role, for which unit), when, what, old and new values."""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone


class AuditEvent(models.Model):
    organization = models.ForeignKey(
        "organizations.Organization", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
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

    class Meta:
        ordering = ["-event_time", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "event_time"], name="audit_object_idx"),
            models.Index(fields=["organization", "event_time"], name="audit_org_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.event_type} {self.object_repr}"
