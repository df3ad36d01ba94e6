"""Reads about the plan and the request, for the pages and for the documents (方案, 请示, 情况报告).

Every function takes a meeting already reached through
`mingjing.meetings.selectors.get_meeting_for_user` (so the user may read it), or a record reached
through `get_task_for_user` / `get_request_for_user`.

For the documents issue:
- `plan_for_meeting(meeting=…)` → the Plan with `stages` and `tasks` prefetched, or None;
- `plan_defaults(meeting=…)` → what a new plan starts from (title, theme, agenda, participants, stages);
- `request_rounds(meeting=…)` → every round of the 请示, oldest first;
- `approved_request(meeting=…)` → `ApprovedRequest` (sent date, number, addressees, who approved
  and when, days before the meeting, whether the lead time was met) or None;
- `request_lead_time(meeting=…)` → `LeadTime`, whose `.statement()` is the sentence the request
  page and the report use ("请示于…报送，距会议召开…天，符合至少提前15天的要求").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch

from mingjing.accounts.policy import Ability
from mingjing.audit.models import AuditEvent
from mingjing.audit.selectors import HistoryLine, describe
from mingjing.documents.slots import MISSING
from mingjing.lib.dates import cn_date, today
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.meetings.selectors import (
    get_meeting_record_for_user,
    meeting_supervisors,
)
from mingjing.meetings.timeline import STEPS
from mingjing.organizations.models import team_rank
from mingjing.plans.models import Plan, PlanRequest, PlanStage, PlanTask, RequestStatus

# The usual order of business of a 民主生活会 (domain.md §2, "Agenda, typically [V]"). A plan starts
# from it, with the year's extra items (YearConfig.extra_agenda_items) after the opening 通报;
# every plan's agenda is then edited freely.
USUAL_AGENDA = (
    "通报上年度民主生活会整改措施落实情况和本次民主生活会征求意见情况",
    "主要负责同志代表领导班子作对照检查，并带头作个人对照检查发言",
    "班子成员逐一作个人对照检查发言，其他班子成员逐一提出批评意见，本人作表态发言",
    "班子成员说明个人有关事项，主要负责同志通报班子成员受到谈话函询等情况",
    "督导组点评讲话",
    "主要负责同志作总结讲话",
)


def default_agenda(extra_items: list[str]) -> list[str]:
    extras = [str(item).strip() for item in extra_items or [] if str(item).strip()]
    return [USUAL_AGENDA[0], *extras, *USUAL_AGENDA[1:]]


def plan_defaults(*, meeting: Meeting) -> dict[str, Any]:
    """A new plan: the year's theme and agenda, the frozen roster and the assigned 督导组 as
    participants, and the lifecycle steps (after the plan itself) with their due dates."""
    roster = RosterEntry.objects.filter(meeting=meeting).order_by(team_rank(), "precedence", "id")
    team = "、".join(f"{e.name}（{e.post}）" if e.post else e.name for e in roster)
    lines = [f"{meeting.organization.short_name}领导班子成员：{team or '【待补充】'}"]
    supervisors = [
        a.user.first_name + (f"（{a.title}）" if a.title else "") for a in meeting_supervisors(meeting=meeting)
    ]
    if supervisors:
        lines.append(f"督导组：{'、'.join(supervisors)}")
    stages = [
        {"title": s.label, "starts_on": None, "ends_on": s.due(meeting.planned_date, meeting.config), "content": ""}
        for s in STEPS
        if s.key != "plan_request"
    ]
    return {
        "title": f"{meeting.title}实施方案",
        "theme": meeting.config.theme,
        "agenda": default_agenda(meeting.config.extra_agenda_items),
        "participants": "\n".join(lines),
        "observers": "",
        "document_number": "",
        "agreed_on": None,
        "stages": stages,
    }


def plan_for_meeting(*, meeting: Meeting) -> Plan | None:
    """The meeting's plan with its stages and tasks (each task's responsible roster entry) loaded."""
    return (
        Plan.objects.filter(meeting=meeting)
        .prefetch_related(
            Prefetch("stages", queryset=PlanStage.objects.order_by("order", "id")),
            Prefetch("tasks", queryset=PlanTask.objects.select_related("responsible_entry").order_by("due_on", "id")),
        )
        .first()
    )


def superior_notice(plan: Plan | None) -> str:
    """How documents cite the superior's notice: “中共明远市委组织部《关于…的通知》（明组通〔2025〕30号）”;
    each part not recorded on the plan prints 【待补充】 (the issuer may be left out, as seeds do)."""
    title = plan.basis_title.strip().strip("《》") if plan is not None else ""
    number = plan.basis_number.strip() if plan is not None else ""
    issuer = plan.basis_issuer.strip() if plan is not None else ""
    return f"{issuer}《{title or MISSING}》（{number or MISSING}）"


def get_task_for_user(*, user: Any, pk: Any, ability: Ability = Ability.READ) -> PlanTask:
    """A task reached through its plan's meeting: 404 outside the user's reach, 403 without `ability`."""
    return get_meeting_record_for_user(
        model=PlanTask,
        user=user,
        pk=pk,
        ability=ability,
        missing="没有找到该任务",
        via="plan",
        related=("responsible_entry",),
    )


def get_request_for_user(*, user: Any, pk: Any, ability: Ability = Ability.READ) -> PlanRequest:
    return get_meeting_record_for_user(model=PlanRequest, user=user, pk=pk, ability=ability, missing="没有找到该请示")


def request_rounds(*, meeting: Meeting) -> list[PlanRequest]:
    """Every round of the 请示, oldest first, with the accounts that sent and answered them."""
    return list(
        PlanRequest.objects.filter(meeting=meeting)
        .select_related("recorded_by", "replied_by", "reply_recorded_by")
        .order_by("round")
    )


@dataclass(frozen=True)
class LeadTime:
    """Whether the request went out at least `lead_days` days before the meeting."""

    planned_date: dt.date
    lead_days: int
    sent_on: dt.date | None

    @property
    def deadline(self) -> dt.date:
        """The last day a request may go out and still meet the lead time."""
        return self.planned_date - dt.timedelta(days=self.lead_days)

    @property
    def days_before(self) -> int | None:
        return None if self.sent_on is None else (self.planned_date - self.sent_on).days

    @property
    def met(self) -> bool | None:
        return None if self.sent_on is None else self.days_before >= self.lead_days

    def statement(self, on: dt.date | None = None) -> str:
        if self.sent_on is not None:
            verdict = "符合" if self.met else "不符合"
            return (
                f"请示于{cn_date(self.sent_on)}报送，距会议召开{self.days_before}天，"
                f"{verdict}至少提前{self.lead_days}天的要求。"
            )
        on = on or today()
        head = (
            f"请示尚未报送。会议计划于{cn_date(self.planned_date)}召开，按至少提前{self.lead_days}天的要求，"
            f"最迟应于{cn_date(self.deadline)}报送"
        )
        left = (self.deadline - on).days
        if left > 0:
            return f"{head}（还有{left}天）。"
        if left == 0:
            return f"{head}（今天是最后一天）。"
        return f"{head}，已超过时限{-left}天。"


def _counting_round(rounds: list[PlanRequest]) -> PlanRequest | None:
    """The round the lead time is judged on: the approved one, else the latest sent."""
    approved = [r for r in rounds if r.status == RequestStatus.APPROVED]
    if approved:
        return approved[-1]
    return rounds[-1] if rounds else None


def request_lead_time(*, meeting: Meeting, rounds: list[PlanRequest] | None = None) -> LeadTime:
    rounds = request_rounds(meeting=meeting) if rounds is None else rounds
    counting = _counting_round(rounds)
    return LeadTime(
        planned_date=meeting.planned_date,
        lead_days=meeting.config.plan_lead_days,
        sent_on=counting.sent_on if counting else None,
    )


@dataclass(frozen=True)
class ApprovedRequest:
    """What the 情况报告 says about the request: "于…形成《…》（文号）报…，…于…审核同意"."""

    round: int
    title: str
    addressees: str
    document_number: str
    sent_on: dt.date
    approved_by: str  # "马骏（市委第三督导组组长）", or the name typed from a paper reply
    approved_on: dt.date | None
    comments: str
    on_paper: bool
    days_before: int
    lead_days: int
    meets_lead_time: bool
    earlier_rounds_returned: int  # how many rounds were returned before this one


def approved_request(*, meeting: Meeting) -> ApprovedRequest | None:
    rounds = request_rounds(meeting=meeting)
    approved = next((r for r in reversed(rounds) if r.status == RequestStatus.APPROVED), None)
    if approved is None:
        return None
    lead = LeadTime(
        planned_date=meeting.planned_date, lead_days=meeting.config.plan_lead_days, sent_on=approved.sent_on
    )
    return ApprovedRequest(
        round=approved.round,
        title=approved.title,
        addressees=approved.addressees,
        document_number=approved.document_number,
        sent_on=approved.sent_on,
        approved_by=approved.replier_name,
        approved_on=approved.replied_on,
        comments=approved.reply_comments,
        on_paper=approved.reply_on_paper,
        days_before=lead.days_before,
        lead_days=lead.lead_days,
        meets_lead_time=bool(lead.met),
        earlier_rounds_returned=sum(
            1 for r in rounds if r.round < approved.round and r.status == RequestStatus.RETURNED
        ),
    )


def request_history(*, rounds: list[PlanRequest]) -> list[HistoryLine]:
    """The audit lines of every round, newest first, in one query."""
    if not rounds:
        return []
    content_type = ContentType.objects.get_for_model(PlanRequest)
    events = AuditEvent.objects.filter(content_type=content_type, object_id__in=[r.pk for r in rounds])
    kind = str(PlanRequest._meta.verbose_name)
    return [HistoryLine(event=e, text=describe(e, kind)) for e in events]
