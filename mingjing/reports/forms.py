from __future__ import annotations

from django import forms

from mingjing.lib.limits import limit_form
from mingjing.reports.models import MeetingOutcome


class OutcomeForm(forms.Form):
    achievements = forms.CharField(
        label="会议取得的成效",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text="每行一条，如“经历了严格严肃的政治淬炼。民主生活会前，……”；留空则情况报告不写这一部分",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form(self, MeetingOutcome)
