"""`{% todo_panel %}`: the user's to-dos where a page wants them (the home page shows them first)."""

from __future__ import annotations

from django import template

from mingjing.todo.selectors import panel
from mingjing.todo.views import request_todos

register = template.Library()


@register.inclusion_tag("todo/panel.html", takes_context=True)
def todo_panel(context) -> dict:
    return {"panel": panel(request_todos(context["request"]))}
