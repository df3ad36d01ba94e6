from __future__ import annotations

from django import forms

from mingjing.organizations.models import Division, Organization, PartyBranch, Person


class UnitForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["kind", "name", "short_name", "addressees", "doc_number_prefix"]


class NamedForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    order = forms.IntegerField(label="排序", min_value=0, initial=0, required=False)


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "name",
            "post",
            "team_role",
            "precedence",
            "supervised_divisions",
            "heads_division",
            "branch",
            "is_active",
        ]
        widgets = {"supervised_divisions": forms.CheckboxSelectMultiple}

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        # Only the unit's own divisions and branches are offered.
        divisions = Division.objects.filter(organization=organization)
        self.fields["supervised_divisions"].queryset = divisions
        self.fields["heads_division"].queryset = divisions
        self.fields["branch"].queryset = PartyBranch.objects.filter(organization=organization)
        self.fields["heads_division"].empty_label = "无"
        self.fields["branch"].empty_label = "无"

    def _post_clean(self) -> None:
        # Uniqueness and model rules are checked by the service, which reports them on the form.
        pass


class RosterImportForm(forms.Form):
    file = forms.FileField(label="班子名单表格（.xlsx）")
