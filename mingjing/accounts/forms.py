from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password

from mingjing.accounts.models import Role


class GrantRoleForm(forms.Form):
    username = forms.CharField(
        label="用户名", max_length=150, help_text="已有账号填用户名；新账号同时填写姓名和初始密码"
    )
    display_name = forms.CharField(label="姓名", max_length=100, required=False)
    password = forms.CharField(
        label="初始密码", required=False, widget=forms.PasswordInput, help_text="仅新建账号时需要"
    )
    role = forms.ChoiceField(label="角色", choices=Role.choices)

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password", "")
        if password:
            validate_password(password)
        return password
