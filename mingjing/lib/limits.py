"""Text limits, declared once on the model and enforced everywhere.

Each text field's limit is its model field's `max_length` (also on TextFields, where Django itself
enforces it nowhere). Forms show it beside the field ("最多N字") and refuse more; services and
imports check it before saving. Every message is Chinese and names the field, instead of Django's
"确保该变量包含不超过…".
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models


def text_limit(model: type[models.Model], name: str) -> int | None:
    """The limit of text field `name` of `model` (None: not a limited text field)."""
    field = model._meta.get_field(name)
    if isinstance(field, models.CharField | models.TextField):
        return field.max_length
    return None


def too_long(label: str, limit: int, length: int) -> str:
    return f"{label}最多{limit}字（现有{length}字）"


def length_error(label: str, limit: int | None, value: str | None) -> str:
    """The message when `value` is longer than `limit`, "" when it fits."""
    if limit is None or value is None or len(value) <= limit:
        return ""
    return too_long(label, limit, len(value))


def check_lengths(instance: models.Model, names: Iterable[str] | None = None) -> None:
    """Raise a ValidationError naming each text field of `instance` longer than its limit."""
    model = type(instance)
    fields = [model._meta.get_field(n) for n in names] if names is not None else model._meta.concrete_fields
    errors = {}
    for field in fields:
        if isinstance(field, models.CharField | models.TextField) and field.max_length:
            message = length_error(str(field.verbose_name), field.max_length, getattr(instance, field.attname))
            if message:
                errors[field.name] = message
    if errors:
        raise ValidationError(errors)


def limit_field(field: forms.Field, limit: int) -> None:
    """Give a form field the limit: shown beside it, refused beyond it with a message naming it."""
    field.max_length = limit
    others = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
    field.validators = [*others, MaxLengthValidator(limit)]
    field.error_messages["max_length"] = f"{field.label}最多{limit}字（现有%(show_value)d字）"
    field.widget.attrs["maxlength"] = str(limit)
    hint = f"最多{limit}字"
    field.help_text = f"{field.help_text}；{hint}" if field.help_text else hint


def limit_form(form: forms.BaseForm, model: type[models.Model], names: dict[str, str] | None = None) -> None:
    """Give every text field of `form` the limit of the model field of the same name (or the one
    `names` maps it to: {"comments": "reply_comments"})."""
    names = names or {}
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField):
            continue
        try:
            limit = text_limit(model, names.get(name, name))
        except FieldDoesNotExist:  # a form field with no model field behind it
            continue
        if limit:
            limit_field(field, limit)
