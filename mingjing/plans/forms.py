from __future__ import annotations

from django import forms

from mingjing.lib.forms import DateInput
from mingjing.lib.limits import limit_form
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.organizations.models import team_rank
from mingjing.plans.models import Plan, PlanRequest, PlanStage, PlanTask, RequestStatus
from mingjing.plans.services import AGENDA_ITEM_MAX, AGENDA_MAX_ITEMS, agenda_errors


class PlanForm(forms.Form):
    title = forms.CharField(label="方案名称", max_length=200)
    document_number = forms.CharField(label="文号", max_length=100, required=False)
    basis_issuer = forms.CharField(
        label="上级通知发文机关", max_length=200, required=False, help_text="如“中共明远市委组织部”"
    )
    basis_title = forms.CharField(
        label="上级通知名称",
        max_length=300,
        required=False,
        help_text="不加书名号，如“关于认真开好2025年度民主生活会的通知”；方案、请示和情况报告都从这里引用",
    )
    basis_number = forms.CharField(
        label="上级通知文号", max_length=100, required=False, help_text="如“明组通〔2025〕30号”"
    )
    theme = forms.CharField(label="会议主题", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    agenda = forms.CharField(
        label="会议议程",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=f"每行一项，按召开顺序排列；最多{AGENDA_MAX_ITEMS}项，每项最多{AGENDA_ITEM_MAX}字",
    )
    participants = forms.CharField(label="参会人员", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    observers = forms.CharField(
        label="列席人员",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="如“局机关各科室主要负责同志”",
    )
    agreed_on = forms.DateField(label="班子研究通过日期", widget=DateInput(), required=False)

    def __init__(self, *args, prefix_hint: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if prefix_hint:
            self.fields["document_number"].help_text = f"如“{prefix_hint}〔2025〕12号”，可暂不填写"
        limit_form(self, Plan)

    def clean_agenda(self) -> list[str]:
        items = [line.strip() for line in self.cleaned_data["agenda"].splitlines() if line.strip()]
        if not items:
            raise forms.ValidationError("请至少填写一项议程")
        if errors := agenda_errors(items):
            raise forms.ValidationError(errors)
        return items


class StageForm(forms.Form):
    title = forms.CharField(label="步骤", max_length=200, required=False)
    starts_on = forms.DateField(label="开始日期", widget=DateInput(), required=False)
    ends_on = forms.DateField(label="完成时限", widget=DateInput(), required=False)
    content = forms.CharField(label="工作内容", widget=forms.Textarea(attrs={"rows": 1}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form(self, PlanStage)


StageFormSet = forms.formset_factory(StageForm, extra=3, max_num=40, validate_max=True)


def roster_choices(meeting: Meeting):
    return RosterEntry.objects.filter(meeting=meeting).order_by(team_rank(), "precedence", "id")


class TaskForm(forms.Form):
    task = forms.CharField(label="任务", max_length=300)
    responsible_entry = forms.ModelChoiceField(
        label="责任人（班子成员）", queryset=None, required=False, empty_label="—"
    )
    responsible_name = forms.CharField(
        label="责任人（其他）", max_length=100, required=False, help_text="责任人不是班子成员时填写，如“办公室 孙丽”"
    )
    due_on = forms.DateField(label="完成时限", widget=DateInput())
    done_on = forms.DateField(label="完成日期", widget=DateInput(), required=False, help_text="尚未完成时留空")
    note = forms.CharField(label="备注", max_length=300, required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["responsible_entry"].queryset = roster_choices(meeting)
        limit_form(self, PlanTask)


class TaskDoneForm(forms.Form):
    done_on = forms.DateField(label="完成日期", widget=DateInput(), required=False)


class RequestForm(forms.Form):
    title = forms.CharField(label="请示标题", max_length=200)
    addressees = forms.CharField(label="主送机关", max_length=300, help_text="多个机关用顿号分隔")
    document_number = forms.CharField(label="文号", max_length=100, required=False)
    sent_on = forms.DateField(label="报送日期", widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form(self, PlanRequest)


class ReplyForm(forms.Form):
    decision = forms.ChoiceField(
        label="答复",
        choices=[(RequestStatus.APPROVED, "同意"), (RequestStatus.RETURNED, "退回修改")],
        widget=forms.RadioSelect,
    )
    comments = forms.CharField(
        label="意见", widget=forms.Textarea(attrs={"rows": 3}), required=False, help_text="退回修改时必填"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form(self, PlanRequest, {"comments": "reply_comments"})


class ReviewerReplyForm(ReplyForm):
    """The reviewer's own reply: the day it was given and the body he answers for (the report names
    the body, not the person)."""

    replied_on = forms.DateField(
        label="答复日期", widget=DateInput(), required=False, help_text="批复实际作出的日期；不填为今天"
    )
    replier_body = forms.CharField(
        label="答复机关",
        max_length=200,
        required=False,
        help_text="如“市民主生活会督导组”；留空则为您所在的督导组或组织部门",
    )


class PaperReplyForm(ReplyForm):
    replier_name = forms.CharField(label="答复人", max_length=200, help_text="如“市委第三督导组 马骏”或“市委组织部”")
    replier_body = forms.CharField(
        label="答复机关", max_length=200, required=False, help_text="情况报告中写明的批复机关，如“市民主生活会督导组”"
    )
    replied_on = forms.DateField(label="答复日期", widget=DateInput())
