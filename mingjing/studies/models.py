"""Study sessions (学习研讨) before the meeting: the report quotes "开展了3次集中学习研讨"."""

from __future__ import annotations

from django.db import models

# The catalogue of forms lives with the year configuration, which offers some of them.
from mingjing.yearconfigs.models import StudyKind as StudyForm


class StudySession(models.Model):
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="study_sessions")
    session_date = models.DateField("日期")
    form = models.CharField("形式", max_length=20, choices=StudyForm.choices, default=StudyForm.COLLECTIVE)
    materials = models.TextField(
        "学习内容", max_length=3000, help_text="每行一项，如“党章”“习近平总书记关于……的重要论述”"
    )
    participants = models.ManyToManyField(
        "meetings.RosterEntry", blank=True, related_name="study_sessions", verbose_name="参加的班子成员"
    )
    minutes = models.TextField("简要记录", max_length=2000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "学习研讨"
        ordering = ["meeting_id", "session_date", "id"]

    def __str__(self) -> str:
        return f"{self.session_date:%Y-%m-%d} {self.get_form_display()}"

    @property
    def material_list(self) -> list[str]:
        return [line.strip() for line in self.materials.splitlines() if line.strip()]
