from __future__ import annotations

from django import forms

from mingjing.yearconfigs.models import MeetingKind, TalkRule


class ConfigForm(forms.Form):
    organization = forms.ModelChoiceField(
        label="适用单位", queryset=None, empty_label="请选择", help_text="本单位及下级单位可使用此配置"
    )
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    kind = forms.ChoiceField(label="类型", choices=MeetingKind.choices)
    name = forms.CharField(label="名称", max_length=100, help_text="如“2026年度民主生活会”")
    theme = forms.CharField(label="主题", widget=forms.Textarea, required=False)
    talk_rules = forms.MultipleChoiceField(
        label="谈心谈话必谈范围", choices=TalkRule.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    extra_agenda_items = forms.CharField(
        label="增加的会议议程", widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="每行一项"
    )
    requires_case_analysis = forms.BooleanField(label="须作典型案例剖析", required=False)
    plan_lead_days = forms.IntegerField(label="请示提前天数", min_value=0, max_value=90, initial=15)
    report_deadline_days = forms.IntegerField(label="情况报告期限（会后天数）", min_value=0, max_value=90, initial=15)
    source_note = forms.CharField(label="依据与说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = units

    def clean_extra_agenda_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["extra_agenda_items"].splitlines() if line.strip()]


class AspectForm(forms.Form):
    title = forms.CharField(label="标题", max_length=300, required=False)
    text = forms.CharField(label="全文", widget=forms.Textarea(attrs={"rows": 2}), required=False)


AspectFormSet = forms.formset_factory(AspectForm, extra=2, can_delete=True)


class CopyForm(forms.Form):
    organization = forms.ModelChoiceField(label="适用单位", queryset=None, empty_label="请选择")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    name = forms.CharField(label="名称", max_length=100)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = units
