"""The audit log's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model

from mingjing.audit.selectors import audit_units, event_type_choices


class AccountChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        # Namesakes are told apart by the username.
        return f"{obj.first_name or obj.username}（{obj.username}）"


class AuditFilterForm(forms.Form):
    actor = AccountChoice(label="人员", queryset=get_user_model().objects.none(), required=False, empty_label="全部")
    unit = forms.ModelChoiceField(label="单位", queryset=None, required=False, empty_label="全部")
    event_type = forms.ChoiceField(label="类型", required=False)
    since = forms.DateField(label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label="截止日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        units = audit_units(user)
        self.fields["unit"].queryset = units
        # Accounts that hold a role in one of those units (not the whole deployment's list).
        accounts = get_user_model().objects.filter(memberships__organization__in=units).distinct()
        self.fields["actor"].queryset = accounts.order_by("username")
        self.fields["event_type"].choices = [("", "全部"), *event_type_choices()]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("since") and data.get("until") and data["since"] > data["until"]:
            self.add_error("until", "截止日期不能早于起始日期")
        return data
