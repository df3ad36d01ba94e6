from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordChangeForm

from mingjing.accounts.models import THREE_ADMINS, Role, SecurityPolicy
from mingjing.accounts.security import get_policy
from mingjing.accounts.selectors import person_label, unlinked_people


def password_help() -> str:
    policy = get_policy()
    return (
        f"至少{policy.min_length}个字符，包含大写字母、小写字母、数字、符号中的至少{policy.min_classes}类，"
        "不能与用户名相似，不能是常见密码"
    )


class PersonChoiceField(forms.ModelChoiceField):
    """A roster person shown with post and unit, so that two 张伟 are never confused."""

    def label_from_instance(self, obj: Any) -> str:
        return person_label(obj)


def ordinary_roles(with_three_admins: bool) -> list[tuple[str, str]]:
    return [(v, label) for v, label in Role.choices if with_three_admins or v not in THREE_ADMINS]


class GrantRoleForm(forms.Form):
    username = forms.CharField(
        label="用户名", max_length=150, help_text="已有账号填用户名（须完全一致）；新账号同时填写姓名和初始密码"
    )
    display_name = forms.CharField(label="姓名", max_length=100, required=False)
    password = forms.CharField(
        label="初始密码", required=False, widget=forms.PasswordInput, help_text="仅新建账号时需要"
    )
    role = forms.ChoiceField(label="角色", choices=Role.choices)

    def __init__(self, *args: Any, with_three_admins: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = ordinary_roles(with_three_admins)


class AccountCreateForm(forms.Form):
    person = PersonChoiceField(
        label="对应人员",
        queryset=None,
        required=False,
        empty_label="（不关联人员）",
        help_text="本单位尚未关联账号的在职人员",
    )
    username = forms.CharField(label="用户名", max_length=150, help_text="登录时使用，建议用姓名拼音，如 zhangwei")
    display_name = forms.CharField(
        label="姓名", max_length=100, help_text="关联人员时可不填，取人员姓名", required=False
    )
    password = forms.CharField(label="初始密码", widget=forms.PasswordInput(render_value=False))
    role = forms.ChoiceField(label="角色", required=False)

    def __init__(self, *args: Any, organization: Any, with_three_admins: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = unlinked_people(organization=organization)
        self.fields["role"].choices = [("", "（暂不授予）"), *ordinary_roles(with_three_admins)]
        self.fields["password"].help_text = password_help() + "。首次登录时本人须修改"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        person = data.get("person")
        if not data.get("display_name") and person is not None:
            data["display_name"] = person.name
        if not data.get("display_name"):
            self.add_error("display_name", "请填写姓名，或选择对应人员")
        return data


class PasswordResetForm(forms.Form):
    password = forms.CharField(label="临时密码", widget=forms.PasswordInput)
    password2 = forms.CharField(label="再次输入临时密码", widget=forms.PasswordInput)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["password"].help_text = password_help() + "。本人下次登录时须修改"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password2"):
            self.add_error("password2", "两次输入的密码不一致")
        return data


class OwnPasswordForm(PasswordChangeForm):
    """Django's change form (old password, new twice; the new one is checked against this user)."""

    error_messages = {
        "password_incorrect": "原密码不正确，请重新输入。",
        "password_mismatch": "两次输入的新密码不一致。",
    }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = "原密码"
        self.fields["new_password1"].label = "新密码"
        self.fields["new_password1"].help_text = password_help()
        self.fields["new_password2"].label = "再次输入新密码"
        self.fields["new_password2"].help_text = ""


class PersonLinkForm(forms.Form):
    person = PersonChoiceField(label="对应人员", queryset=None)

    def __init__(self, *args: Any, people: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = people


class SecurityPolicyForm(forms.ModelForm):
    BOUNDS = {
        "lockout_failures": (3, 10),
        "lockout_minutes": (5, 1440),
        "min_length": (8, 64),
        "min_classes": (2, 4),
        "max_age_days": (0, 365),
        "warn_days": (0, 30),
        "idle_minutes": (5, 240),
        "max_sessions": (1, 10),
    }

    class Meta:
        model = SecurityPolicy
        fields = [
            "lockout_failures",
            "lockout_minutes",
            "min_length",
            "min_classes",
            "max_age_days",
            "warn_days",
            "idle_minutes",
            "max_sessions",
        ]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, (low, high) in self.BOUNDS.items():
            self.fields[name].widget.attrs.update({"min": low, "max": high})
            self.fields[name].help_text = f"{self.fields[name].help_text}（{low}—{high}）".lstrip()

    def clean(self) -> dict[str, Any]:
        # The floors keep 等保 第三级's minimum: 8 characters of 2 classes or more, a lockout that locks.
        data = super().clean()
        for name, (low, high) in self.BOUNDS.items():
            value = data.get(name)
            if value is not None and not low <= value <= high:
                self.add_error(name, f"应在{low}到{high}之间")
        return data

    def _post_clean(self) -> None:
        pass  # the service saves


class UnlockForm(forms.Form):
    username = forms.CharField(required=False, max_length=150)
    ip = forms.GenericIPAddressField(required=False)
