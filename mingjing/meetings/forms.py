from __future__ import annotations

from django import forms

from mingjing.lib.dates import today
from mingjing.lib.forms import DateInput
from mingjing.meetings.models import HalfDay
from mingjing.meetings.timeline import STEPS
from mingjing.yearconfigs.models import MeetingKind

ENTERED_AFTER_HELP = "会议已经召开、现在补录其记录时勾选（计划召开日期早于今天时自动视为补录）：各步骤不提示逾期"


def _entered_after(cleaned: dict) -> None:
    """A meeting whose date has passed when it is created is entered after the fact."""
    planned = cleaned.get("planned_date")
    if planned is not None and planned < today():
        cleaned["entered_after"] = True


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
    entered_after = forms.BooleanField(label="事后补录", required=False, help_text=ENTERED_AFTER_HELP)
    extra = forms.BooleanField(
        label="增开专题民主生活会",
        required=False,
        help_text="本单位本年度已有专题民主生活会、确需再开一次时，由单位管理员勾选并说明理由",
    )
    extra_reason = forms.CharField(
        label="增开理由",
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": "增开理由不能超过300字"},
    )

    def __init__(self, *args, units=None, configs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.creating = units is not None
        if units is None:  # editing: the unit is fixed, and whether it is an extra meeting too
            del self.fields["organization"], self.fields["extra"], self.fields["extra_reason"]
        else:
            self.fields["organization"].queryset = units
        self.fields["config"].queryset = configs

    def clean(self):
        cleaned = super().clean()
        if self.creating:
            _entered_after(cleaned)
            reason = cleaned.get("extra_reason", "").strip()
            if cleaned.get("extra"):
                config = cleaned.get("config")
                kind = cleaned.get("kind") or (config.kind if config else "")
                if kind and kind != MeetingKind.SPECIAL:
                    self.add_error("extra", "只有专题民主生活会可以增开，请将“类型”选为专题")
                if not reason:
                    self.add_error("extra_reason", "请填写增开理由")
            cleaned["extra_reason"] = reason if cleaned.get("extra") else ""
            cleaned.pop("extra", None)
        return cleaned


class NextMeetingForm(forms.Form):
    config = forms.ModelChoiceField(label="年度配置", queryset=None, empty_label="请选择")
    title = forms.CharField(label="会议名称", max_length=200, required=False, help_text="留空则自动生成")
    planned_date = forms.DateField(label="计划召开日期", widget=DateInput())
    half_day = forms.ChoiceField(label="上午/下午", choices=HalfDay.choices)
    place = forms.CharField(label="地点", max_length=200, required=False, help_text="留空则沿用上年度地点")
    entered_after = forms.BooleanField(label="事后补录", required=False, help_text=ENTERED_AFTER_HELP)

    def __init__(self, *args, configs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["config"].queryset = configs

    def clean(self):
        cleaned = super().clean()
        _entered_after(cleaned)
        return cleaned


class CancelForm(forms.Form):
    reason = forms.CharField(
        label="取消原因",
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写取消原因", "max_length": "取消原因不能超过300字"},
    )


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
