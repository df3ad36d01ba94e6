"""Demo records: the 2025 meeting's plan with a few tasks, and a request sent three days before
the demo day and approved by the assigned 督导组 member (which completes the timeline step)."""

from __future__ import annotations

import datetime as dt

from mingjing.meetings.models import Meeting
from mingjing.meetings.selectors import meeting_supervisors
from mingjing.plans.models import Plan, PlanRequest, RequestStatus
from mingjing.plans.selectors import plan_defaults
from mingjing.plans.services import plan_save, plan_task_add, request_reply, request_send


def load_demo_records(*, meeting: Meeting, actor, on: dt.date) -> None:
    days = dt.timedelta
    plan = Plan.objects.filter(meeting=meeting).first()
    if plan is None:
        defaults = plan_defaults(meeting=meeting)
        stages = defaults.pop("stages")
        defaults["observers"] = "局机关各科室主要负责同志"
        defaults["basis_issuer"] = "中共明远市委组织部"
        defaults["basis_title"] = f"关于认真开好{meeting.config.year}年度县以上党和国家机关党员领导干部民主生活会的通知"
        defaults["basis_number"] = f"明组通〔{meeting.config.year}〕30号"
        defaults["agreed_on"] = on - days(5)
        plan = plan_save(actor=actor, meeting=meeting, data=defaults, stages=stages)
        roster = {e.name: e for e in meeting.roster.all()}
        principal = roster.get("张明")
        tasks = [
            ("起草民主生活会方案，报督导组审核后向上级请示", None, "办公室 黄蕾", on - days(4), on - days(4)),
            ("组织会前集中学习研讨", principal, "", on - days(1), on - days(1)),
            ("发放征求意见表，汇总梳理意见建议", None, "办公室 孙丽", meeting.planned_date - days(10), None),
            ("开展谈心谈话，做到“四个必谈”全覆盖", principal, "", meeting.planned_date - days(3), None),
            ("主持起草班子对照检查材料", principal, "", meeting.planned_date - days(3), None),
        ]
        for task, entry, name, due_on, done_on in tasks:
            plan_task_add(
                actor=actor,
                plan=plan,
                task=task,
                responsible_entry=entry,
                responsible_name=name,
                due_on=due_on,
                done_on=done_on,
            )
    if not PlanRequest.objects.filter(meeting=meeting).exists():
        prefix = meeting.organization.doc_number_prefix
        sent_on = on - days(3)
        request = request_send(
            actor=actor,
            meeting=meeting,
            title=f"关于召开{meeting.title}的请示",
            addressees=meeting.organization.addressees or "【待补充】",
            document_number=f"{prefix}〔{sent_on.year}〕21号" if prefix else "",
            sent_on=sent_on,
        )
        assignment = next(iter(meeting_supervisors(meeting=meeting)), None)
        if assignment is not None and request.status == RequestStatus.PENDING:
            request_reply(
                actor=assignment.user,
                request=request,
                status=RequestStatus.APPROVED,
                comments="同意。请严格按方案组织实施，会前将班子对照检查材料报督导组审阅。",
                on=on - days(2),
            )
