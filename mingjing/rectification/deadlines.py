"""Deadline marks computed from dates, never stored: 逾期 (with an escalation mark), and warnings
at the meeting's configured days before the deadline (20 and 10 by local practice)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from mingjing.rectification.models import DONE_HERE, RectificationItem

OVERDUE, URGENT, WARNING, NONE = "overdue", "urgent", "warning", ""


@dataclass(frozen=True)
class DeadlineMark:
    state: str  # OVERDUE / URGENT (second warning) / WARNING (first warning) / NONE
    days: int = 0  # days overdue, or days left

    @property
    def label(self) -> str:
        if self.state == OVERDUE:
            return f"已逾期{self.days}天·督办"
        if self.state in (URGENT, WARNING):
            return "今日到期" if self.days == 0 else f"剩{self.days}天到期"
        return ""

    @property
    def css(self) -> str:
        return {OVERDUE: "state-late", URGENT: "state-late", WARNING: "state-soon"}.get(self.state, "")


def deadline_mark(item: RectificationItem, *, today: dt.date, first_days: int, second_days: int) -> DeadlineMark:
    """Closed items, items carried to next year (their copy carries the mark there) and items without
    a deadline carry no mark; long-term items with a date do."""
    if item.status in DONE_HERE or item.deadline is None:
        return DeadlineMark(NONE)
    left = (item.deadline - today).days
    if left < 0:
        return DeadlineMark(OVERDUE, -left)
    if left <= min(first_days, second_days):
        return DeadlineMark(URGENT, left)
    if left <= max(first_days, second_days):
        return DeadlineMark(WARNING, left)
    return DeadlineMark(NONE)
