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


class DocumentSetting(models.Model):
    """A document's own settings (per meeting, kind and member or the team): the 成文日期 it is
    signed with, and the optional sections the user left out. See `mingjing.documents.options`."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="document_settings")
    kind = models.CharField("文书类型", max_length=40)
    member = models.ForeignKey(
        "meetings.RosterEntry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="班子成员",
    )
    dated_on = models.DateField("成文日期", null=True, blank=True)
    sections_off = models.JSONField("不印的部分", default=list, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "文书设置"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "kind"], condition=Q(member__isnull=True), name="document_setting_once_team"
            ),
            models.UniqueConstraint(
                fields=["meeting", "kind", "member"],
                condition=Q(member__isnull=False),
                name="document_setting_once_member",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}设置"
