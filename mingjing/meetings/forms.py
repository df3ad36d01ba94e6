from __future__ import annotations

from django import forms

from mingjing.lib.forms import DateInput
from mingjing.meetings.models import HalfDay
from mingjing.meetings.timeline import STEPS
from mingjing.yearconfigs.models import MeetingKind


class MeetingForm(forms.Form):
    organization = forms.ModelChoiceField(label="单位", queryset=None, empty_label="请选择")
    config = forms.ModelChoiceField(label="年度配置", queryset=None, empty_label="请选择")
    kind = forms.ChoiceField(label="类型", choices=[("", "按年度配置"), *MeetingKind.choices], required=False)
    title = forms.CharField(
        label="会议名称",
        max_length=200,
        required=False,
        help_text="留空则自动生成，如“市农业农村局党组领导班子2025年度民主生活会”",
    )
    planned_date = forms.DateField(label="计划召开日期", widget=DateInput())
    half_day = forms.ChoiceField(label="上午/下午", choices=HalfDay.choices)
    place = forms.CharField(label="地点", max_length=200, required=False)

    def __init__(self, *args, units=None, configs=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = units
        self.fields["config"].queryset = configs


class NextMeetingForm(forms.Form):
    config = forms.ModelChoiceField(label="年度配置", queryset=None, empty_label="请选择")
    title = forms.CharField(label="会议名称", max_length=200, required=False, help_text="留空则自动生成")
    planned_date = forms.DateField(label="计划召开日期", widget=DateInput())
    half_day = forms.ChoiceField(label="上午/下午", choices=HalfDay.choices)
    place = forms.CharField(label="地点", max_length=200, required=False, help_text="留空则沿用上年度地点")

    def __init__(self, *args, configs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["config"].queryset = configs


class StepDoneForm(forms.Form):
    step = forms.ChoiceField(choices=[(s.key, s.label) for s in STEPS])
    completed_on = forms.DateField(label="完成日期", widget=DateInput())
    note = forms.CharField(label="说明", max_length=300, required=False)


class AssignSupervisorForm(forms.Form):
    membership = forms.ModelChoiceField(label="督导组成员", queryset=None, empty_label="请选择")
    title = forms.CharField(label="督导职务", max_length=200, required=False, help_text="如“市委第三督导组组长”")

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["membership"].queryset = candidates
        self.fields["membership"].label_from_instance = lambda m: (
            f"{m.user.first_name or m.user.username}（{m.organization.short_name}）"
        )
