"""{% load document_fonts %}{% font_warning as warning %}: `fonts.font_warning()` for the pages."""

from __future__ import annotations

from django import template

from mingjing.documents.fonts import font_warning as _warning

register = template.Library()


@register.simple_tag
def font_warning() -> str:
    return _warning()
