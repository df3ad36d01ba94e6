"""The archive box (专盒归档) of a meeting, kept so it can be downloaded again."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ArchiveBox(models.Model):
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="archive_boxes")
    file = models.FileField("归档包", upload_to="archive/", max_length=300)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    entries = models.PositiveIntegerField("文件数")
    created_on = models.DateField("归档日期")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "归档包"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.meeting}（{self.created_on}）"


class ImportedEvent(models.Model):
    """One line of the history a meeting bundle brought from another deployment: a read-only
    record of what happened there, never part of this deployment's audit history. The actor is
    carried as name and role (as the other deployment recorded them), not as an account here."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="imported_events")
    position = models.PositiveIntegerField("序号")  # the order in the bundle
    # The record the event is about, as imported here (the meeting itself for "meeting").
    content_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    object_ref = models.CharField("数据包中的记录", max_length=100)
    event_type = models.CharField(max_length=60)
    event_time = models.DateTimeField("时间")
    actor_name = models.CharField("操作人", max_length=100)
    actor_role = models.CharField("身份", max_length=100, blank=True)
    object_repr = models.CharField(max_length=300, blank=True)
    changes = models.JSONField(default=list, blank=True)
    extra = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = "导入的历史记录"
        ordering = ["meeting_id", "position", "id"]

    def __str__(self) -> str:
        return f"{self.actor_name} {self.event_type} {self.object_repr}"


class WithheldOpinions(models.Model):
    """Online (anonymous-form) opinions a bundle carried as a number only: they were not shown
    where the bundle was made (the campaign still open, or the target under the threshold)."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="withheld_opinions")
    campaign = models.ForeignKey("opinions.Campaign", on_delete=models.CASCADE, related_name="+")
    target = models.ForeignKey(
        "meetings.RosterEntry", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    count = models.PositiveIntegerField("条数")

    class Meta:
        verbose_name = "未随数据包导出的网上匿名意见"
        ordering = ["meeting_id", "id"]

    def __str__(self) -> str:
        return f"{self.campaign}：{self.count}条"
