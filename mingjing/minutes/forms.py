"""The several-criticisms page: one row a criticism (the live page adds them one at a time)."""

from __future__ import annotations

from django import forms

from mingjing.lib.limits import limit_form
from mingjing.minutes.models import Criticism


class EntryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class CriticismRowForm(forms.Form):
    """Labels as the import's columns, so errors read alike."""

    from_entry = EntryChoiceField(label="提出人", queryset=None, empty_label="请选择")
    to_entry = EntryChoiceField(label="被批评人", queryset=None, empty_label="请选择")
    points = forms.IntegerField(label="条数", min_value=1, max_value=50, initial=1)
    text = forms.CharField(label="批评意见", widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, roster, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["from_entry"].queryset = roster
        self.fields["to_entry"].queryset = roster
        limit_form(self, Criticism)
