"""`{% rectification_link meeting %}`: the meeting page's 整改台账 button, with the user's overdue and
soon-due counts beside it (the meeting page shows the warnings without the meetings app knowing
about the ledger)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

from mingjing.lib.dates import today
from mingjing.rectification.deadlines import OVERDUE, URGENT, WARNING, deadline_mark
from mingjing.rectification.models import RectificationItem, Status
from mingjing.rectification.selectors import ledger_viewer

register = template.Library()


@register.simple_tag(takes_context=True)
def rectification_link(context, meeting) -> str:
    url = reverse("rectification:ledger", args=[meeting.pk])
    link = format_html('<a class="button secondary" href="{}">整改台账</a>', url)
    request = context.get("request")
    if request is None:
        return link
    viewer = ledger_viewer(user=request.user, meeting=meeting)
    items = RectificationItem.objects.filter(meeting=meeting).exclude(status=Status.CLOSED)
    if not viewer.sees_all:
        items = items.filter(viewer.mine_q())
    on = today()
    first, second = viewer.settings.first_warning_days, viewer.settings.second_warning_days
    states = [
        deadline_mark(i, today=on, first_days=first, second_days=second).state for i in items.only("status", "deadline")
    ]
    overdue = states.count(OVERDUE)
    soon = states.count(URGENT) + states.count(WARNING)
    if overdue:
        link += format_html(
            ' <span class="badge state-late" id="rectification-overdue">整改逾期{}项·督办</span>', overdue
        )
    if soon:
        link += format_html(' <span class="badge state-soon" id="rectification-soon">临近时限{}项</span>', soon)
    return link
