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
