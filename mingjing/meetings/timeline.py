"""The lifecycle as a timeline: steps, their due dates (from the year configuration) and states.

Due dates are computed, never stored: plan due = meeting date − plan lead days; report due =
meeting date + report deadline days; the rest of the preparation is due by the meeting day.

A step follows its records where a record can say it is done (`Step.decided_by` names them: study
sessions, the talk coverage, the finalised minutes, the archive box …); only a step no record can
say (the report sent to the superior) is marked by hand, and the timeline names who marked it.

Lateness is measured against today for steps not done. A meeting entered after the fact (its date
was past when it was created) never shows a step as late, and once a meeting is held the
preparation steps still open are no longer late (they can only be entered afterwards).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from mingjing.accounts.models import Role

PREPARATION, MEETING, AFTER = "preparation", "meeting", "after"
PHASE_LABELS = {PREPARATION: "会前准备", MEETING: "会议召开", AFTER: "会后工作"}
SOON_DAYS = 3  # a pending step this close to its due date is flagged "即将到期"


def _before_meeting(days_attr: str | None = None) -> Callable[[dt.date, object], dt.date]:
    def due(meeting_date: dt.date, config: object) -> dt.date:
        return meeting_date - dt.timedelta(days=getattr(config, days_attr) if days_attr else 0)

    return due


def _after_meeting(meeting_date: dt.date, config: object) -> dt.date:
    return meeting_date + dt.timedelta(days=config.report_deadline_days)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Step:
    key: str
    phase: str
    label: str
    responsible: str  # a Role value: whose job the step is
    due: Callable[[dt.date, object], dt.date]
    decided_by: str = ""  # the records that complete it ("" = no record can: marked by hand)

    @property
    def manual(self) -> bool:
        return not self.decided_by


STEPS: tuple[Step, ...] = (
    Step(
        "plan_request", PREPARATION, "制定方案并向上级请示", Role.PREPARER, _before_meeting("plan_lead_days"),
        "上级同意请示（方案与请示）",
    ),
    Step("study", PREPARATION, "学习研讨", Role.PREPARER, _before_meeting(), "集中学习或研讨记录"),
    Step("solicitation", PREPARATION, "征求意见", Role.PREPARER, _before_meeting(), "征求意见活动全部结束"),
    Step("talks", PREPARATION, "谈心谈话", Role.PRINCIPAL, _before_meeting(), "谈心谈话全部覆盖"),
    Step(
        "problems", PREPARATION, "查摆问题、剖析原因", Role.MEMBER, _before_meeting(),
        "领导班子和每名班子成员均已查摆问题",
    ),
    Step(
        "examination", PREPARATION, "撰写对照检查材料和发言提纲", Role.PRINCIPAL, _before_meeting(),
        "对照检查材料和发言提纲均已审核",
    ),
    Step("meeting", MEETING, "召开民主生活会", Role.PRINCIPAL, _before_meeting(), "会议记录定稿"),
    Step("revision", AFTER, "根据点评修改材料", Role.MEMBER, _after_meeting, "会后材料均已修改"),
    Step(
        "rectification", AFTER, "制定整改方案和整改清单", Role.PRINCIPAL, _after_meeting, "整改清单已覆盖班子和成员"
    ),
    Step("notice", AFTER, "公示通报", Role.PREPARER, _after_meeting, "公示通报记录"),
    Step("report", AFTER, "向上级报送情况报告", Role.PREPARER, _after_meeting),
    Step("archive", AFTER, "材料专盒归档", Role.PREPARER, _after_meeting, "材料专盒归档（归档与数据包）"),
)  # fmt: skip
STEP_BY_KEY = {s.key: s for s in STEPS}

DONE, LATE, SOON, PENDING = "done", "late", "soon", "pending"
STATE_LABELS = {DONE: "已完成", LATE: "已逾期", SOON: "即将到期", PENDING: "未完成"}


@dataclass(frozen=True)
class StepView:
    step: Step
    due_on: dt.date
    state: str
    completed_on: dt.date | None
    late_days: int
    responsible_names: tuple[str, ...]
    note: str = ""
    completed_by: str = ""  # who marked a manual step done ("" when records decided it)

    @property
    def state_label(self) -> str:
        if self.state == DONE and self.completed_on and self.completed_on > self.due_on:
            return f"已完成（逾期{(self.completed_on - self.due_on).days}天）"
        if self.state == LATE:
            return f"已逾期{self.late_days}天"
        return STATE_LABELS[self.state]

    @property
    def responsible_label(self) -> str:
        return str(Role(self.step.responsible).label)


def build_timeline(
    *,
    planned_date: dt.date,
    config: object,
    completed: dict[str, dt.date],
    responsible: dict[str, Iterable[str]],
    today: dt.date,
    notes: dict[str, str] | None = None,
    completed_by: dict[str, str] | None = None,
    entered_after: bool = False,
) -> list[StepView]:
    """`entered_after`: the meeting was entered after the fact, so nothing in it is late."""
    held = completed.get("meeting") is not None
    views = []
    for step in STEPS:
        due_on = step.due(planned_date, config)
        done_on = completed.get(step.key)
        # Lateness is a reminder for work still to do: not for a meeting entered afterwards, and
        # not for preparation left unrecorded once the meeting was held.
        moot = entered_after or (held and step.phase == PREPARATION)
        if done_on is not None:
            state = DONE
        elif moot:
            state = PENDING
        elif today > due_on:
            state = LATE
        elif (due_on - today).days <= SOON_DAYS:
            state = SOON
        else:
            state = PENDING
        views.append(
            StepView(
                step=step,
                due_on=due_on,
                state=state,
                completed_on=done_on,
                late_days=(today - due_on).days if state == LATE else 0,
                responsible_names=tuple(responsible.get(step.responsible, ())),
                note=(notes or {}).get(step.key, "") if done_on is not None else "",
                completed_by=(completed_by or {}).get(step.key, "") if done_on is not None else "",
            )
        )
    return views


def current_step(completed_keys: Iterable[str]) -> Step | None:
    """The first step not yet done, in lifecycle order; None when all are done."""
    done = set(completed_keys)
    return next((s for s in STEPS if s.key not in done), None)


@dataclass(frozen=True)
class Lateness:
    """What a timeline says of lateness: its late steps (in lifecycle order), the latest of them, and
    whether a step is due soon."""

    late: tuple[StepView, ...]
    worst: StepView | None
    soon: bool
    labels: tuple[str, ...]  # the late steps' names

    @property
    def late_days(self) -> int:
        return self.worst.late_days if self.worst else 0


class SharedTimelines:
    """The step states of many meetings at once (the superior's overview and 待办): meetings with the
    same date, configuration, steps done and entry mode share one timeline — a superior's units
    meet on the dates he sets, and meetings not begun have no step done — so thousands of meetings
    cost a few timelines. Only the states are shared: a view's completed_on is the day asked, not
    the day the step was done."""

    def __init__(self, *, today: dt.date) -> None:
        self.today = today
        self._built: dict[tuple, tuple[list[StepView], Lateness]] = {}

    def _get(self, planned_date: dt.date, config: Any, done: Iterable[str], entered_after: bool) -> tuple:
        keys = frozenset(done)
        key = (planned_date, config.pk, entered_after, keys)
        found = self._built.get(key)
        if found is None:
            views = build_timeline(
                planned_date=planned_date,
                config=config,
                completed=dict.fromkeys(keys, self.today),
                responsible={},
                today=self.today,
                entered_after=entered_after,
            )
            late = tuple(v for v in views if v.state == LATE)
            worst = max(late, key=lambda v: v.late_days, default=None)
            soon = any(v.state == SOON for v in views)
            found = self._built[key] = (views, Lateness(late, worst, soon, tuple(v.step.label for v in late)))
        return found

    def views(
        self, *, planned_date: dt.date, config: Any, done: Iterable[str], entered_after: bool = False
    ) -> list[StepView]:
        return self._get(planned_date, config, done, entered_after)[0]

    def lateness(
        self, *, planned_date: dt.date, config: Any, done: Iterable[str], entered_after: bool = False
    ) -> Lateness:
        return self._get(planned_date, config, done, entered_after)[1]
