"""`{% known_todo_count %}` at the end of a page: when the page itself computed the user's to-dos (the
home page, 待办), their count goes into the top bar from here, and the browser does not ask the server
to compute them again (mingjing/static/mingjing/site.js)."""

from __future__ import annotations

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def known_todo_count(context) -> str:
    request = context.get("request")
    todos = getattr(request, "_mingjing_todos", None)
    if todos is None:
        return ""
    from mingjing.todo.selectors import panel  # the count the panel states (late units below count once)

    return format_html('<span hidden data-todo-count="{}"></span>', panel(todos).count)
