from __future__ import annotations

from django import forms

from mingjing.lib.forms import DateInput
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.organizations.models import Division, PartyBranch
from mingjing.talks.models import Counterpart


class TalkForm(forms.Form):
    talk_date = forms.DateField(label="谈话日期", widget=DateInput())
    member = forms.ModelChoiceField(label="班子成员", queryset=None, empty_label="请选择")
    counterpart_kind = forms.ChoiceField(label="谈话对象类型", choices=Counterpart.choices)
    other_member = forms.ModelChoiceField(label="谈话对象（班子成员）", queryset=None, required=False, empty_label="—")
    division = forms.ModelChoiceField(label="科室（分管科室负责同志）", queryset=None, required=False, empty_label="—")
    branch = forms.ModelChoiceField(label="党支部（党员代表）", queryset=None, required=False, empty_label="—")
    participants = forms.CharField(
        label="参加人员", max_length=300, required=False, help_text="与科室负责同志或党员代表谈话时填写"
    )
    topics = forms.CharField(label="谈话内容", widget=forms.Textarea(attrs={"rows": 3}), required=False)
    criticism_discussed = forms.BooleanField(label="已沟通拟在会上提出的批评意见", required=False)

    def __init__(self, *args, meeting: Meeting, **kwargs):
        super().__init__(*args, **kwargs)
        roster = RosterEntry.objects.filter(meeting=meeting).order_by("precedence", "id")
        self.fields["member"].queryset = roster
        self.fields["other_member"].queryset = roster
        self.fields["division"].queryset = Division.objects.filter(organization=meeting.organization_id)
        self.fields["branch"].queryset = PartyBranch.objects.filter(organization=meeting.organization_id)
