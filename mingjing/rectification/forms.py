from __future__ import annotations

from django import forms
from django.db.models import Exists, OuterRef, Q

from mingjing.lib.forms import DateInput
from mingjing.lib.limits import limit_field, limit_form
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.organizations.models import Division, Person, TeamRole
from mingjing.problems.models import Problem
from mingjing.rectification.files import ALLOWED_LABEL, MAX_FILES_PER_UPLOAD, max_evidence_bytes, size_label
from mingjing.rectification.models import (
    Milestone,
    Notice,
    NoticeKind,
    PreviousState,
    PreviousYearLine,
    PreviousYearSummary,
    RectificationItem,
    RectificationSettings,
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the services check each one (type, size, content)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text",
            f"可选多个文件（最多{MAX_FILES_PER_UPLOAD}个），允许的类型：{ALLOWED_LABEL}，"
            f"每个文件不超过{size_label(max_evidence_bytes())}",
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def _team(meeting: Meeting):
    return RosterEntry.objects.filter(meeting=meeting).exclude(team_role=TeamRole.NONE).order_by("precedence", "id")


class ItemForm(forms.Form):
    owner = forms.ModelChoiceField(
        label="所属清单",
        queryset=None,
        required=False,
        empty_label="领导班子整改方案",
        help_text="班子成员的事项列入其个人整改清单",
    )
    problem = forms.ModelChoiceField(
        label="对应的查摆问题", queryset=None, required=False, empty_label="—（直接添加，如督导组点评指出的问题）"
    )
    problem_text = forms.CharField(label="问题", widget=forms.Textarea(attrs={"rows": 3}))
    measures = forms.CharField(label="整改措施", widget=forms.Textarea(attrs={"rows": 4}))
    responsible_leader = forms.ModelChoiceField(label="责任领导", queryset=None, required=False, empty_label="—")
    responsible_division = forms.ModelChoiceField(label="责任科室", queryset=None, required=False, empty_label="—")
    responsible_person = forms.ModelChoiceField(label="责任人", queryset=None, required=False, empty_label="—")
    deadline = forms.DateField(label="整改时限", required=False, widget=DateInput())
    long_term = forms.BooleanField(label="长期坚持", required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        team = _team(meeting)
        self.fields["owner"].queryset = team
        self.fields["responsible_leader"].queryset = team
        self.fields["problem"].queryset = Problem.objects.filter(meeting=meeting).select_related("member")
        self.fields["problem"].label_from_instance = lambda p: (
            f"{p.member.name if p.member else '领导班子'}：{p.description[:40]}"
        )
        self.fields["responsible_division"].queryset = Division.objects.filter(organization=meeting.organization_id)
        # An item keeps its responsible person after he leaves; new choices are the active people.
        current = self.initial.get("responsible_person")
        self.fields["responsible_person"].queryset = Person.objects.filter(
            Q(is_active=True) | Q(pk=getattr(current, "pk", None)), organization=meeting.organization_id
        ).order_by("precedence", "id")
        limit_form(self, RectificationItem)
        self.fields["deadline"].help_text = "应在本次民主生活会召开之后"


PROBLEMS_SHOWN = 100  # problems offered at once on the "from problems" page; the rest through its filters


class FromProblemsForm(forms.Form):
    problems = forms.ModelMultipleChoiceField(
        label="查摆问题", queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )
    per_problem = forms.IntegerField(
        label="每个问题生成的整改事项数", min_value=1, max_value=5, initial=1, help_text="一个问题需分项整改时填2项以上"
    )
    deadline = forms.DateField(label="整改时限", required=False, widget=DateInput(), help_text="生成后可逐项修改")
    long_term = forms.BooleanField(label="长期坚持", required=False)

    def __init__(self, *args, meeting: Meeting, offer: dict[str, str] | None = None, **kwargs):
        """`offer` narrows the problems shown (any problem of the meeting stays valid when posted):
        `list` ("team" or a roster entry id), `q` (words of the problem), `new` ("1": only problems
        without items yet); at most PROBLEMS_SHOWN are shown, plus the ticked ones."""
        super().__init__(*args, **kwargs)
        self.fields["deadline"].help_text = "应在本次民主生活会召开之后；生成后可逐项修改"
        has_items = RectificationItem.objects.filter(problem=OuterRef("pk"))
        qs = (
            Problem.objects.filter(meeting=meeting)
            .select_related("member")
            .annotate(has_items=Exists(has_items))
            .order_by("member_id", "order", "id")
        )
        field = self.fields["problems"]
        field.queryset = qs
        field.label_from_instance = lambda p: (
            f"{p.member.name if p.member else '领导班子'}：{p.description[:60]}"
            + ("（已有整改事项）" if getattr(p, "has_items", False) else "")
        )
        self.offer = offer = offer or {}
        shown = qs
        if offer.get("list") == "team":
            shown = shown.filter(member__isnull=True)
        elif offer.get("list", "").isdigit():
            shown = shown.filter(member_id=int(offer["list"]))
        if offer.get("new"):
            shown = shown.filter(has_items=False)
        for word in offer.get("q", "").split():
            shown = shown.filter(Q(description__icontains=word) | Q(example__icontains=word))
        shown = list(shown[: PROBLEMS_SHOWN + 1])
        self.more_problems = len(shown) > PROBLEMS_SHOWN
        shown = shown[:PROBLEMS_SHOWN]
        ticked = {v for v in self.data.getlist(self.add_prefix("problems")) if v.isdigit()} if self.is_bound else set()
        ticked -= {str(p.pk) for p in shown}
        extra = list(qs.filter(pk__in=sorted(ticked, key=int))) if ticked else []
        field.widget.choices = [(p.pk, field.label_from_instance(p)) for p in [*extra, *shown]]


class ProgressForm(forms.Form):
    progress = forms.IntegerField(label="完成比例（%）", min_value=0, max_value=100)
    progress_note = forms.CharField(label="进展情况", widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form(self, RectificationItem)


class MilestoneForm(forms.Form):
    date = forms.DateField(label="日期", widget=DateInput())
    text = forms.CharField(label="进展内容", widget=forms.Textarea(attrs={"rows": 2}))
    files = MultipleFileField(label="佐证材料")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form(self, Milestone)


class ClosureRequestForm(forms.Form):
    note = forms.CharField(label="整改完成情况", widget=forms.Textarea(attrs={"rows": 3}))
    files = MultipleFileField(label="佐证材料", help_text=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit = size_label(max_evidence_bytes())
        self.fields[
            "files"
        ].help_text = f"至少一份（此前已上传的也算），允许的类型：{ALLOWED_LABEL}，每个文件不超过{limit}"
        from mingjing.rectification.services import MAX_CLOSURE_NOTE

        limit_field(self.fields["note"], MAX_CLOSURE_NOTE)


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form(self, RectificationItem, {"reason": "return_reason"})


class SettingsForm(forms.ModelForm):
    class Meta:
        model = RectificationSettings
        fields = ["first_warning_days", "second_warning_days", "team_needs_review"]


class NoticeForm(forms.ModelForm):
    regenerate = forms.BooleanField(label="按台账重新生成内容", required=False)

    class Meta:
        model = Notice
        fields = ["kind", "scope", "channel", "place", "published_on", "until", "contact", "text"]
        widgets = {
            "published_on": DateInput(),
            "until": DateInput(),
            "text": forms.Textarea(attrs={"rows": 14}),
            "kind": forms.Select(choices=NoticeKind.choices),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form(self, Notice)
        self.fields["published_on"].help_text = "应在本次民主生活会召开之后"


class ImportForm(forms.Form):
    file = forms.FileField(label="整改台账表格（.xlsx）", help_text="请在本页导出的台账上修改进展后上传")


# --- last year held on paper ----------------------------------------------------------------------


class PreviousYearForm(forms.Form):
    previous_name = forms.CharField(label="上年度会议名称", required=False)
    note = forms.CharField(label="补充说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].help_text = PreviousYearSummary._meta.get_field(name).help_text
        limit_form(self, PreviousYearSummary)


class PreviousLineForm(forms.Form):
    """One line: an item (问题或整改事项, 所属, 状态) or a count under a theme (方面, 事项数, 状态)."""

    owner_name = forms.CharField(label="所属", required=False)
    theme = forms.CharField(label="方面", required=False)
    text = forms.CharField(label="问题或整改事项", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    count = forms.IntegerField(label="事项数", min_value=1, max_value=999, required=False)
    state = forms.ChoiceField(label="状态", choices=PreviousState.choices, initial=PreviousState.DONE)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("owner_name", "theme"):
            self.fields[name].help_text = PreviousYearLine._meta.get_field(name).help_text
        self.fields["count"].help_text = "按方面汇总时填写；具体问题一行为1项"
        limit_form(self, PreviousYearLine)

    @property
    def is_blank(self) -> bool:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        return not (data.get("text") or data.get("theme") or data.get("owner_name"))


PreviousLineFormSet = forms.formset_factory(PreviousLineForm, extra=3, can_delete=True, max_num=300)
