from __future__ import annotations

from django import forms

from mingjing.accounts.policy import MeetingPolicy
from mingjing.lib.limits import limit_form
from mingjing.lib.pagination import search_q
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.problems.models import Cause, Measure, Problem, Source
from mingjing.problems.selectors import opinion_choices, problem_choices
from mingjing.yearconfigs.selectors import active_aspects


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


OPINIONS_SHOWN = 100  # opinions offered on the problem form at once; the rest through its search


class OpinionChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        target = obj.target.name if obj.target_id else "领导班子"
        return f"【对{target}】{_short(obj.text)}"


class AspectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.order}. {_short(obj.title, 50)}"


class ProblemForm(forms.Form):
    aspect = AspectChoiceField(label="重点方面", queryset=None, empty_label="请选择")
    description = forms.CharField(
        label="问题表现",
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="写明问题本身，如“理论武装不够系统深入。班子成员不同程度存在理论学习不系统、不深入问题……”",
    )
    example = forms.CharField(
        label="具体事例（比如…）",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="以“比如，……”写出具体的人和事；暂时没有也可保存，页面上会标出“缺少具体事例”",
    )
    source = forms.ChoiceField(label="问题来源", choices=Source.choices, initial=Source.SELF)
    opinions = OpinionChoiceField(
        label="相关意见",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="从本次会议征求到的意见中选择；针对本人（或领导班子）的意见排在前面",
    )

    def __init__(self, *args, policy: MeetingPolicy, member: RosterEntry | None, search: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        meeting = policy.meeting
        # Retired aspects are not offered for a new problem; an edited one keeps the aspect it has.
        self.fields["aspect"].queryset = active_aspects(meeting.config_id, keep=self.initial.get("aspect"))
        # The sources this year's configuration offers; an edited problem keeps the one it has.
        self.fields["source"].choices = meeting.config.problem_source_choices(keep=self.initial.get("source"))
        self.fields["opinions"].queryset = opinion_choices(policy=policy, member=member)
        self._offer_opinions(search)
        limit_form(self, Problem)

    def _offer_opinions(self, search: str) -> None:
        """Render at most OPINIONS_SHOWN opinions (the owner's first, or those containing `search`)
        and the ones already ticked; any opinion of the full choice list stays valid when posted."""
        field = self.fields["opinions"]
        chosen = {str(o.pk if hasattr(o, "pk") else o) for o in self.initial.get("opinions") or []}
        if self.is_bound:
            chosen |= {v for v in self.data.getlist(self.add_prefix("opinions")) if str(v).isdigit()}
        offered = field.queryset.filter(search_q(search, ["text"])) if search else field.queryset
        offered = list(offered[: OPINIONS_SHOWN + 1])
        self.more_opinions = len(offered) > OPINIONS_SHOWN
        offered = offered[:OPINIONS_SHOWN]
        missing = chosen - {str(o.pk) for o in offered}
        ticked = list(field.queryset.filter(pk__in=sorted(missing, key=int))) if missing else []
        self.opinion_search = search
        field.widget.choices = [(o.pk, field.label_from_instance(o)) for o in [*ticked, *offered]]


class ProblemRowForm(forms.Form):
    """One row of the several-problems page (labels as the import's columns, so errors read alike)."""

    aspect = AspectChoiceField(label="重点方面", queryset=None, empty_label="请选择")
    description = forms.CharField(label="问题表现", widget=forms.Textarea(attrs={"rows": 3}))
    example = forms.CharField(label="具体事例", widget=forms.Textarea(attrs={"rows": 2}), required=False)
    source = forms.ChoiceField(label="问题来源", choices=Source.choices, initial=Source.SELF)

    def __init__(self, *args, aspects, sources: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["aspect"].queryset = aspects
        self.fields["source"].choices = sources
        limit_form(self, Problem)


class CauseForm(forms.Form):
    heading = forms.CharField(label="标题", help_text="如“政治站位高度不够”")
    text = forms.CharField(label="剖析", widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        limit_form(self, Cause)


class MeasureForm(forms.Form):
    heading = forms.CharField(label="努力方向", help_text="如“提高政治站位，把牢正确方向”")
    text = forms.CharField(label="具体措施", widget=forms.Textarea(attrs={"rows": 5}))
    problems = forms.MultipleChoiceField(
        label="针对的问题", required=False, widget=forms.CheckboxSelectMultiple, choices=()
    )

    def __init__(self, *args, meeting: Meeting, member: RosterEntry | None, **kwargs):
        super().__init__(*args, **kwargs)
        # The owner's problems in page order, labelled （一）一是 as on his page.
        limit_form(self, Measure)
        self._problems = {str(p.pk): p for p in problem_choices(meeting=meeting, member=member)}
        field = self.fields["problems"]
        field.choices = [(pk, f"{p.label} {_short(p.description, 50)}") for pk, p in self._problems.items()]
        if not self._problems:
            field.help_text = "尚未查摆问题：先录入问题，再把整改措施与问题关联"

    def clean_problems(self) -> list:
        return [self._problems[pk] for pk in self.cleaned_data["problems"]]
