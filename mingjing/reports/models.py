"""What the report states that no other record holds: the meeting's achievements (会议取得的成效,
seed 001's third part), written by the preparer after the meeting."""

from __future__ import annotations

from django.db import models


class MeetingOutcome(models.Model):
    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="outcome")
    achievements = models.TextField(
        "会议取得的成效", max_length=3000, blank=True, help_text="每行一条，如“经历了严格严肃的政治淬炼。……”"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "会议成效"

    def __str__(self) -> str:
        return f"{self.meeting}的成效"

    @property
    def points(self) -> list[str]:
        return [line.strip() for line in self.achievements.splitlines() if line.strip()]


class ReportReceipt(models.Model):
    """The superior's receipt of the 情况报告: the day it was received and the body that received it
    (entered by the 督导组 or the superior's organization department, today by default)."""

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="report_receipt")
    received_on = models.DateField("收到日期")
    body = models.CharField("收文机关", max_length=200, help_text="如“市民主生活会督导组”“市委组织部”")
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "情况报告签收"

    def __str__(self) -> str:
        return f"{self.body}收到情况报告"
