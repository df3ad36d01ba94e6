"""What to remind whom of, computed from the records (the same entries as 待办), and the notifications
a person has received.

Rectification items escalate by their meeting's year configuration (`reminder_days`, default [20, 10]):
the owner and the responsible person are reminded once at each of those days before the deadline
(yellow) and once when it has passed (red); an overdue item also reaches its responsible leader.
Everything else on a person's 待办 (materials to review, 销号 to verify, an outline to write, late steps,
campaigns to close, late units) is sent once, and again when it changes level or deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.urls import reverse

from mingjing.rectification.models import RectificationItem
from mingjing.rectification.models import Status as ItemStatus
from mingjing.reminders.models import Level, Notification
from mingjing.todo.selectors import ITEMS, RED, YELLOW, todos_for_user
from mingjing.yearconfigs.models import DEFAULT_REMINDER_DAYS

# Items still waiting for their owner (a 销号 request waits for the verifier, who has his own reminder).
WAITING = (ItemStatus.NOT_STARTED, ItemStatus.IN_PROGRESS, ItemStatus.RETURNED)
MAX_DAYS = 366


@dataclass(frozen=True)
class Reminder:
    user_id: int
    what: str  # the task, e.g. "item:12"
    step: str  # the escalation step: "due20", "due10", "overdue", "todo", "yellow", "red"
    deadline: dt.date | None
    level: str  # Level
    text: str
    mark: str
    url: str

    @property
    def key(self) -> tuple[int, str, str, dt.date | None]:
        return (self.user_id, self.what, self.step, self.deadline)


def reminder_days(config: Any) -> list[int]:
    """The configuration's warning days, largest first; nonsense entries are ignored."""
    days = getattr(config, "reminder_days", None) or DEFAULT_REMINDER_DAYS
    clean = {int(d) for d in days if isinstance(d, int | float | str) and str(d).strip().isdigit()}
    return sorted((d for d in clean if 0 <= d <= MAX_DAYS), reverse=True) or list(DEFAULT_REMINDER_DAYS)


def item_reminders(*, on: dt.date) -> list[Reminder]:
    """Every open item's reminder due today, for its owner, responsible person and (overdue) leader."""
    items = (
        RectificationItem.objects.filter(
            status__in=WAITING,
            deadline__isnull=False,
            deadline__lte=on + dt.timedelta(days=MAX_DAYS),
            meeting__is_copy=False,
        )
        .select_related(
            "meeting__organization",
            "meeting__config",
            "owner__person",
            "responsible_person",
            "responsible_leader__person",
        )
        .order_by("deadline", "meeting_id", "number")
    )
    found = []
    for item in items:
        left = (item.deadline - on).days
        if left < 0:
            step, level, label = "overdue", Level.RED, f"已逾期{-left}天·督办"
        else:
            crossed = [d for d in reminder_days(item.meeting.config) if left <= d]
            if not crossed:
                continue
            step, level = f"due{min(crossed)}", Level.YELLOW
            label = "今日到期" if left == 0 else f"剩{left}天到期"
        meeting = item.meeting
        text = f"{meeting.organization.short_name}：整改事项{item.key} {item.problem_text[:40]}"
        url = reverse("rectification:item", args=[item.pk])
        owners = {
            getattr(item.owner.person, "user_id", None) if item.owner else None,
            getattr(item.responsible_person, "user_id", None),
        }
        for user_id in owners - {None}:
            found.append(Reminder(user_id, f"item:{item.pk}", step, item.deadline, level, text, label, url))
        leader = item.responsible_leader.person.user_id if item.responsible_leader else None
        if level == Level.RED and leader is not None and leader not in owners:
            found.append(
                Reminder(leader, f"item:{item.pk}", step, item.deadline, level, f"{text}（请督促）", label, url)
            )
    return found


def todo_reminders(*, user: Any, on: dt.date) -> list[Reminder]:
    """The user's other to-dos (his items come from item_reminders, with their escalation)."""
    found = []
    for t in todos_for_user(user=user, on=on):
        if t.group == ITEMS:
            continue
        level = {RED: Level.RED, YELLOW: Level.YELLOW}.get(t.css, Level.TODO)
        what = (t.key or f"{t.group}:{t.url}:{t.text}")[:120]
        found.append(Reminder(user.pk, what, str(level), t.due, level, t.text[:300], t.mark[:60], t.url))
    return found


def reminders_due(*, on: dt.date) -> list[Reminder]:
    """Every reminder that today's records call for, one per (person, task, step, deadline)."""
    users = {u.pk: u for u in get_user_model().objects.filter(is_active=True).order_by("pk")}
    found: dict[tuple, Reminder] = {}
    for r in item_reminders(on=on):
        if r.user_id in users:
            found.setdefault(r.key, r)
    for user in users.values():
        for r in todo_reminders(user=user, on=on):
            found.setdefault(r.key, r)
    return list(found.values())


def notifications_for_user(*, user: Any, limit: int = 100) -> list[Notification]:
    return list(Notification.objects.filter(user=user)[:limit])


def unread_count(*, user: Any) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
