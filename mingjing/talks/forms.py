from __future__ import annotations

from typing import Any

from django import forms

from mingjing.lib.forms import DateInput
from mingjing.lib.limits import limit_form
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.organizations.models import Division, PartyBranch
from mingjing.talks.models import Counterpart, Talk

# The fields each kind of talk shows: only the counterpart that fits the kind.
KIND_FIELDS = {
    Counterpart.MEMBER: ("other_member",),
    Counterpart.DIVISION_HEADS: ("division", "participants", "exception_reason"),
    Counterpart.BRANCH_REPS: ("branch", "participants"),
    Counterpart.LIAISON_UNITS: ("liaison_unit", "participants"),
}
COUNTERPART_FIELDS = {"other_member", "division", "branch", "liaison_unit", "participants", "exception_reason"}


def kind_or_default(value: Any, offered: list[tuple[str, str]]) -> str:
    """The kind asked for when the configuration offers it, else the first offered."""
    codes = [code for code, _ in offered]
    return value if value in codes else (codes[0] if codes else Counterpart.MEMBER)


class TalkForm(forms.Form):
    """One talk. The page is drawn for one kind of counterpart (chosen above the form), so only
    its select shows; the kind travels with the form."""

    talk_date = forms.DateField(label="谈话日期", widget=DateInput())
    member = forms.ModelChoiceField(label="班子成员", queryset=None, empty_label="请选择")
    counterpart_kind = forms.ChoiceField(choices=Counterpart.choices, widget=forms.HiddenInput)
    other_member = forms.ModelChoiceField(
        label="谈话对象（班子成员）", queryset=None, empty_label="请选择", error_messages={"required": "请选择谈话对象"}
    )
    division = forms.ModelChoiceField(
        label="谈话对象（科室负责同志）", queryset=None, empty_label="请选择", error_messages={"required": "请选择科室"}
    )
    branch = forms.ModelChoiceField(
        label="谈话对象（党支部党员代表）",
        queryset=None,
        empty_label="请选择",
        error_messages={"required": "请选择党支部"},
    )
    liaison_unit = forms.CharField(
        label="谈话对象（包保/联系单位）",
        help_text="单位名称，如“青山镇”，文书中写作“青山镇负责同志”",
        error_messages={"required": "请填写包保/联系单位的名称"},
    )
    participants = forms.CharField(label="参加人员", required=False, help_text="如“孙丽、周伟”")
    exception_reason = forms.CharField(
        label="非分管科室谈话说明", required=False, help_text="该科室不在这位班子成员分管范围内时，写明谈话原因"
    )
    topics = forms.CharField(
        label="谈话内容", widget=forms.Textarea(attrs={"rows": 4}), error_messages={"required": "请填写谈话内容"}
    )
    criticism_discussed = forms.BooleanField(label="已沟通拟在会上提出的批评意见", required=False)

    def __init__(self, *args, meeting: Meeting, kind: str | None, keep: str | None = None, **kwargs):
        """`kind`: the kind the page is drawn for; `keep`: the kind an edited talk has, offered even
        when this year's configuration no longer lists it."""
        super().__init__(*args, **kwargs)
        self.offered = meeting.config.counterpart_kind_choices(keep=keep)
        asked = self.data.get(self.add_prefix("counterpart_kind")) if self.is_bound else kind
        kind = kind_or_default(asked, self.offered)
        self.kind = kind
        self.fields["counterpart_kind"].choices = self.offered
        self.initial["counterpart_kind"] = kind
        for name in COUNTERPART_FIELDS - set(KIND_FIELDS[kind]):
            del self.fields[name]
        roster = RosterEntry.objects.filter(meeting=meeting).order_by("precedence", "id")
        self.fields["member"].queryset = roster
        querysets = {
            "other_member": roster,
            "division": Division.objects.filter(organization=meeting.organization_id),
            "branch": PartyBranch.objects.filter(organization=meeting.organization_id),
        }
        for name, queryset in querysets.items():
            if name in self.fields:
                self.fields[name].queryset = queryset
        limit_form(self, Talk)


class BulkTalkForm(forms.Form):
    """One row of the page that records several talks: the counterpart is one grouped select;
    cleaned, the row is talk_record's arguments."""

    talk_date = forms.DateField(label="谈话日期", widget=DateInput())
    member = forms.ModelChoiceField(label="班子成员", queryset=None, empty_label="请选择")
    counterpart = forms.ChoiceField(label="谈话对象")
    liaison_unit = forms.CharField(
        label="包保/联系单位", required=False, help_text="谈话对象选“包保/联系单位负责同志”时填写单位名称"
    )
    participants = forms.CharField(label="参加人员", required=False)
    topics = forms.CharField(
        label="谈话内容", widget=forms.Textarea(attrs={"rows": 2}), error_messages={"required": "请填写谈话内容"}
    )
    criticism_discussed = forms.BooleanField(label="已沟通批评意见", required=False)
    exception_reason = forms.CharField(label="非分管科室谈话说明", required=False)

    def __init__(self, *args, roster, choices: list, objects: dict[str, Any], **kwargs):
        super().__init__(*args, **kwargs)
        self.objects = objects
        self.fields["member"].queryset = roster
        self.fields["counterpart"].choices = choices
        if LIAISON_VALUE not in objects:  # the year does not offer talks with 包保/联系单位
            del self.fields["liaison_unit"]
        limit_form(self, Talk)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        value = data.pop("counterpart", None)
        unit = data.pop("liaison_unit", "")
        if value == LIAISON_VALUE:
            data |= {"counterpart_kind": Counterpart.LIAISON_UNITS, "liaison_unit": unit}
        elif value:
            kind, field = COUNTERPART_VALUES[value.split(":")[0]]
            data |= {"counterpart_kind": kind, field: self.objects[value]}
        return data


# The grouped select's value prefix → (the talk's kind, the field it fills).
COUNTERPART_VALUES = {
    "member": (Counterpart.MEMBER, "other_member"),
    "division": (Counterpart.DIVISION_HEADS, "division"),
    "branch": (Counterpart.BRANCH_REPS, "branch"),
}
# A 包保/联系单位 is named in the row's own field, so its kind is one choice.
LIAISON_VALUE = "liaison"


def bulk_form_kwargs(meeting: Meeting) -> dict[str, Any]:
    """What every row of the several-talks page shares: the roster and the counterparts (read once)."""
    roster = list(RosterEntry.objects.filter(meeting=meeting).order_by("precedence", "id"))
    divisions = list(Division.objects.filter(organization=meeting.organization_id).order_by("id"))
    branches = list(PartyBranch.objects.filter(organization=meeting.organization_id).order_by("id"))
    offered = {code for code, _ in meeting.config.counterpart_kind_choices()}
    groups = {
        Counterpart.MEMBER: {f"member:{e.pk}": (e, e.name) for e in roster},
        Counterpart.DIVISION_HEADS: {f"division:{d.pk}": (d, f"{d.name}负责同志") for d in divisions},
        Counterpart.BRANCH_REPS: {f"branch:{b.pk}": (b, f"{b.name}党员代表") for b in branches},
        Counterpart.LIAISON_UNITS: {LIAISON_VALUE: (None, "包保/联系单位负责同志（在下方填写单位名称）")},
    }
    choices: list = [("", "请选择")]
    objects: dict[str, Any] = {}
    for kind, members in groups.items():
        if kind in offered:
            choices.append((str(kind.label), [(value, label) for value, (_, label) in members.items()]))
            objects |= {value: obj for value, (obj, _) in members.items()}
    roster_qs = RosterEntry.objects.filter(meeting=meeting).order_by("precedence", "id")
    return {"roster": roster_qs, "choices": choices, "objects": objects}
