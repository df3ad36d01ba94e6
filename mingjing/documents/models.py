"""A user's edit of a generated paragraph, kept until he resets it.

Documents are built afresh from the records each time; an edited paragraph is identified by
(meeting, document kind, member or the team, paragraph key) and replaces the generated text on
every regeneration. `base_text` is the generated text the edit was made against, so the preview
can say when the records have changed since.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q


class ParagraphOverride(models.Model):
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="paragraph_overrides")
    kind = models.CharField("文书类型", max_length=40)
    member = models.ForeignKey(
        "meetings.RosterEntry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="paragraph_overrides",
        verbose_name="班子成员",
    )
    key = models.CharField("段落", max_length=100)
    label = models.CharField("段落名称", max_length=200, blank=True)
    text = models.TextField("修改后的内容")
    base_text = models.TextField("修改时的自动生成内容", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "文书段落修改"
        ordering = ["meeting_id", "kind", "member_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind", "key"], condition=Q(member__isnull=True), name="override_once_team"
            ),
            models.UniqueConstraint(
                fields=["meeting", "kind", "member", "key"],
                condition=Q(member__isnull=False),
                name="override_once_member",
            ),
        ]

    def __str__(self) -> str:
        return self.label or self.key
