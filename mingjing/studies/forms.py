from __future__ import annotations

from django import forms

from mingjing.lib.forms import DateInput
from mingjing.lib.limits import limit_form
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.studies.models import StudyForm, StudySession


class StudySessionForm(forms.Form):
    session_date = forms.DateField(label="日期", widget=DateInput())
    form = forms.ChoiceField(label="形式", choices=StudyForm.choices)
    materials = forms.CharField(label="学习内容", widget=forms.Textarea(attrs={"rows": 4}), help_text="每行一项")
    participants = forms.ModelMultipleChoiceField(
        label="参加的班子成员", queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    minutes = forms.CharField(label="简要记录", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        # The forms this year's configuration offers; an edited session keeps the one it has.
        self.fields["form"].choices = meeting.config.study_kind_choices(keep=self.initial.get("form"))
        self.fields["participants"].queryset = RosterEntry.objects.filter(meeting=meeting).order_by("precedence", "id")
        limit_form(self, StudySession)
