from __future__ import annotations

from django import forms

from mingjing.compliance.forms import add_compliance_fields, compliance_rules_from
from mingjing.yearconfigs.models import (
    DEFAULT_COUNTERPART_KINDS,
    DEFAULT_PROBLEM_SOURCES,
    DEFAULT_STUDY_KINDS,
    Aspect,
    CounterpartKind,
    MaterialName,
    MeetingKind,
    ProblemSource,
    StudyKind,
    TalkRule,
)


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
    problem_sources = forms.MultipleChoiceField(
        label="问题来源可选项",
        choices=ProblemSource.choices,
        initial=list(DEFAULT_PROBLEM_SOURCES),
        widget=forms.CheckboxSelectMultiple,
        help_text="填写查摆问题时可选的来源；已有问题的来源不受影响",
        error_messages={"required": "请至少选择一项问题来源"},
    )
    material_name = forms.ChoiceField(
        label="班子材料名称",
        choices=MaterialName.choices,
        initial=MaterialName.EXAMINATION,
        help_text="按上级通知的叫法：领导班子“对照检查材料”或“检视剖析材料”",
    )
    study_kinds = forms.MultipleChoiceField(
        label="学习研讨形式可选项",
        choices=StudyKind.choices,
        initial=list(DEFAULT_STUDY_KINDS),
        widget=forms.CheckboxSelectMultiple,
        help_text="登记学习研讨时可选的形式；已有记录的形式不受影响",
        error_messages={"required": "请至少选择一项学习研讨形式"},
    )
    counterpart_kinds = forms.MultipleChoiceField(
        label="谈话对象类型可选项",
        choices=CounterpartKind.choices,
        initial=list(DEFAULT_COUNTERPART_KINDS),
        widget=forms.CheckboxSelectMultiple,
        help_text="登记谈心谈话时可选的谈话对象类型（如增加“包保/联系单位负责同志”）；已有谈话记录不受影响",
        error_messages={"required": "请至少选择一项谈话对象类型"},
    )

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = units
        add_compliance_fields(self)  # the named compliance rules' thresholds, at the end

    def clean(self) -> dict:
        cleaned = super().clean()
        cleaned["compliance_rules"] = compliance_rules_from(self)
        return cleaned

    def clean_extra_agenda_items(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["extra_agenda_items"].splitlines() if line.strip()]


ORDER_RANGE = "应为1到999之间的整数"


class AspectForm(forms.Form):
    """One row of the aspects table. `id` is the aspect the row edits (blank: a new aspect)."""

    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    order = forms.IntegerField(
        label="序号",
        required=False,
        min_value=1,
        max_value=999,
        widget=forms.NumberInput(attrs={"class": "narrow", "min": 1, "max": 999}),
        error_messages={"min_value": ORDER_RANGE, "max_value": ORDER_RANGE, "invalid": ORDER_RANGE},
    )
    title = forms.CharField(
        label="标题",
        max_length=Aspect._meta.get_field("title").max_length,
        required=False,
        error_messages={"max_length": "不能超过%(limit_value)d字（现有%(show_value)d字）"},
    )
    text = forms.CharField(label="全文", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    retired = forms.BooleanField(label="停用", required=False)


class BaseAspectFormSet(forms.BaseFormSet):
    def rows(self) -> list[dict]:
        """The submitted rows for the service, in their new order.

        A row sorts by its 序号; a row whose 序号 the user changed goes before an unchanged row with
        the same number (typing 2 moves a row to second place); rows without a number keep their
        place at the end."""
        keyed = []
        for position, form in enumerate(self.forms, start=1):
            data = form.cleaned_data
            if not data:
                continue
            order = data.get("order")
            moved = "order" in form.changed_data
            key = (order if order is not None else 10_000 + position, 0 if moved else 1, position)
            keyed.append(
                (
                    key,
                    {
                        "row": position,
                        "id": data.get("id"),
                        "title": data.get("title", ""),
                        "text": data.get("text", ""),
                        "retired": data.get("retired", False),
                        "delete": data.get("DELETE", False),
                    },
                )
            )
        return [row for _, row in sorted(keyed, key=lambda pair: pair[0])]


# Three blank rows below the existing ones; "再添加" (and, with JavaScript, "添加一行") adds more.
AspectFormSet = forms.formset_factory(
    AspectForm, formset=BaseAspectFormSet, extra=3, can_delete=True, max_num=200, absolute_max=200
)


class CopyForm(forms.Form):
    organization = forms.ModelChoiceField(label="适用单位", queryset=None, empty_label="请选择")
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    name = forms.CharField(label="名称", max_length=100)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = units
