from __future__ import annotations

from django import forms


class ReminderSettingsForm(forms.Form):
    email = forms.CharField(
        label="电子邮箱",
        required=False,
        max_length=254,
        help_text="提醒邮件发往这个地址；不填写则只在系统内提醒",
        widget=forms.TextInput(attrs={"inputmode": "email", "autocomplete": "email"}),
    )
    email_enabled = forms.BooleanField(
        label="接收邮件提醒", required=False, help_text="关闭后，提醒只显示在系统内“我的提醒”页面"
    )
