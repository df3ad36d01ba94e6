"""Glue between services' ValidationErrors and Django forms."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError


def add_service_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Show a service's validation errors on the form: on the field when the form has it."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


class XlsxUploadForm(forms.Form):
    """One .xlsx to import (the size limit is the site's MAX_IMPORT_BYTES); `label` names the sheet."""

    file = forms.FileField(label="表格（.xlsx）")

    def __init__(self, *args, label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["file"].label = label

    def clean_file(self):
        file = self.cleaned_data["file"]
        if file.size > settings.MAX_IMPORT_BYTES:
            raise forms.ValidationError(f"文件超过{settings.MAX_IMPORT_BYTES // (1024 * 1024)}MB，请拆分后分批上传")
        return file
