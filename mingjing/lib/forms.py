"""Glue between services' ValidationErrors and Django forms."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from mingjing.lib.xlsx import MAX_IMPORT_ROWS, XlsxError, read_sheet


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


ROWS_STEP, MAX_PAGE_ROWS = 10, 100  # a several-rows page starts with 10 blank rows, "增加10行" adds more


def rows_formset(request, form: type[forms.Form], **form_kwargs) -> forms.BaseFormSet:
    """A page of blank rows of `form` (as many as ?rows= asks, 10 by default, at most 100), bound
    to the POST; `filled_rows` gives the rows the user filled in."""
    value = request.GET.get("rows", "")
    rows = int(value) if value.isascii() and value.isdigit() and len(value) <= 3 else ROWS_STEP
    rows = max(1, min(rows, MAX_PAGE_ROWS))
    factory = forms.formset_factory(form, extra=rows, max_num=MAX_PAGE_ROWS, absolute_max=MAX_PAGE_ROWS)
    formset = factory(request.POST or None, prefix="rows", form_kwargs=form_kwargs)
    formset.more_rows = rows + ROWS_STEP
    return formset


def filled_rows(formset: forms.BaseFormSet) -> list[tuple[int, dict]]:
    """(row number on the page, cleaned data) of each row the user filled in; blank rows are skipped."""
    return [(i, f.cleaned_data) for i, f in enumerate(formset.forms, start=1) if f.has_changed()]


def read_upload(
    fileobj: Any, *, required: Sequence[str], max_rows: int | None = MAX_IMPORT_ROWS, empty: str
) -> list[tuple[int, dict]]:
    """An uploaded sheet's rows (lib.xlsx.read_sheet); what makes it unreadable, or `empty` when it
    has no rows, is a ValidationError on the upload form's file field."""
    try:
        records = read_sheet(fileobj, required=required, max_rows=max_rows)
    except XlsxError as exc:
        raise ValidationError({"file": exc.message}) from exc
    if not records:
        raise ValidationError({"file": empty})
    return records


def on_file_field(save: Callable[..., Any], **kwargs: Any) -> Any:
    """Call an import's service; the rows' errors it raises land on the upload form's file field."""
    try:
        return save(**kwargs)
    except ValidationError as exc:
        raise ValidationError({"file": exc.messages}) from exc
