from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from mingjing.documents.slots import MISSING

register = template.Library()


@register.filter
def mark_missing(text: str) -> str:
    """Escape, then highlight every 【待补充】 so the reader sees what the records still lack."""
    escaped = conditional_escape(text or "")
    return mark_safe(escaped.replace(MISSING, f'<mark class="missing">{MISSING}</mark>'))


@register.filter
def paragraphs(text: str) -> list[str]:
    return [line for line in (text or "").split("\n") if line.strip()]
