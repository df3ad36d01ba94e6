"""The to-do page and the count the top bar loads after the page (so no page pays for it)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from mingjing.todo.selectors import panel, todos_for_user


def request_todos(request: HttpRequest) -> list:
    """The user's to-dos, computed once per request however many places show them."""
    if not hasattr(request, "_mingjing_todos"):
        request._mingjing_todos = todos_for_user(user=request.user)
    return request._mingjing_todos


@login_required
def todo_list(request: HttpRequest) -> HttpResponse:
    return render(request, "todo/list.html", {"panel": panel(request_todos(request))})


@login_required
def todo_count(request: HttpRequest) -> HttpResponse:
    return render(request, "todo/count.html", {"count": panel(request_todos(request)).count})
