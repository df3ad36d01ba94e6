"""`{% rectification_link meeting %}`: the meeting page's 整改台账 button, with the user's overdue and
soon-due counts beside it (the meeting page shows the warnings without the meetings app knowing
about the ledger)."""

from __future__ import annotations

from django import template
from django.urls import reverse
from django.utils.html import format_html

from mingjing.accounts.policy import policy_for
from mingjing.lib.dates import today
from mingjing.lib.shapes import prepared_query
from mingjing.rectification.deadlines import OVERDUE, URGENT, WARNING, deadline_mark
from mingjing.rectification.models import DONE_HERE, RectificationItem
from mingjing.rectification.selectors import settings_for, visible_items

register = template.Library()

# Read on every meeting page (lib/shapes.py: compiled once per process).
_OPEN_ITEMS = prepared_query(
    lambda meeting_id: (
        RectificationItem.objects.filter(meeting_id=meeting_id)
        .exclude(status__in=DONE_HERE)
        .only("status", "deadline", "owner", "responsible_leader", "responsible_person")
    )
)


@register.simple_tag(takes_context=True)
def rectification_link(context, meeting) -> str:
    url = reverse("rectification:ledger", args=[meeting.pk])
    link = format_html('<a class="button secondary" href="{}">整改台账</a>', url)
    request = context.get("request")
    if request is None:
        return link
    policy = policy_for(user=request.user, meeting=meeting)
    items = visible_items(_OPEN_ITEMS(meeting_id=meeting.pk), policy)
    if not items:  # nothing open that he may read (a meeting not yet held, say): no warning days to read
        return link
    settings = settings_for(meeting)
    on = today()
    first, second = settings.first_warning_days, settings.second_warning_days
    states = [deadline_mark(i, today=on, first_days=first, second_days=second).state for i in items]
    overdue = states.count(OVERDUE)
    soon = states.count(URGENT) + states.count(WARNING)
    if overdue:
        link += format_html(
            ' <span class="badge state-late" id="rectification-overdue">整改逾期{}项·督办</span>', overdue
        )
    if soon:
        link += format_html(' <span class="badge state-soon" id="rectification-soon">临近时限{}项</span>', soon)
    return link
