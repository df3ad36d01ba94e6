import datetime as dt

from mingjing.meetings.services import meeting_create, meeting_supervisor_assign
from mingjing.plans.models import Plan, PlanRequest
from mingjing.plans.services import plan_save, request_send
from mingjing.tests.matrix import (
    GET,
    MEETING_READ,
    MEETING_WRITE,
    MEETING_WRITE_POST,
    OTHER_MANAGE,
    OTHER_MANAGE_POST,
    OTHER_READ,
    POST,
)
from mingjing.yearconfigs.models import YearConfig

PLAN = {"title": "实施方案", "agenda": "通报情况\n对照检查", "stages-TOTAL_FORMS": "0", "stages-INITIAL_FORMS": "0"}
TASK = {"task": "汇总征求意见", "responsible_name": "办公室 孙丽", "due_on": "2026-11-20"}
REQUEST = {"title": "关于召开民主生活会的请示", "addressees": "市委组织部", "sent_on": "2026-11-01"}
REPLY = {"decision": "approved", "comments": ""}
PAPER_REPLY = {"decision": "approved", "replier_name": "市委组织部", "replied_on": "2026-11-02"}

# Reviewers of a meeting: the assigned 督导组 member and the superior's organization department.
REVIEW = (403, 403, 403, 403, 200, 200, 404, 302)
REVIEW_POST = (403, 403, 403, 403, 302, 302, 404, 302)
# A form refused by the service is shown again with the reason (200) to those who may write.
WRITE_REFUSED = (200, 200, 403, 403, 403, 403, 404, 302)


def fixtures(cls) -> dict:
    """The demo's 2025 meeting has a plan with tasks and an approved request; a second bureau
    meeting (the same 督导组 member assigned) has a request still waiting for its reply."""
    plan = Plan.objects.get(meeting=cls.meeting)
    waiting = meeting_create(
        actor=None,
        organization=cls.bureau,
        config=YearConfig.objects.get(preset_code="2025-annual"),
        kind="special",  # one meeting per unit, year and kind: the 2025 annual one is the demo's
        extra_reason="权限测试",  # the archive rows add a 专题 meeting too
        planned_date=cls.meeting.planned_date + dt.timedelta(days=30),
        title="市农业农村局党组专题民主生活会（权限测试）",
    )
    meeting_supervisor_assign(actor=None, meeting=waiting, user=cls.supervisor, title="市委第三督导组组长")
    plan_save(actor=None, meeting=waiting, data={"title": "专题民主生活会方案", "agenda": ["通报情况"]})
    pending = request_send(
        actor=None,
        meeting=waiting,
        title="关于召开专题民主生活会的请示",
        addressees="市委组织部",
        sent_on=dt.date(2026, 11, 1),
    )
    return {
        "plan_task": plan.tasks.order_by("id").first(),
        "approved_request": PlanRequest.objects.get(meeting=cls.meeting, status="approved"),
        "pending_request": pending,
    }


ROWS = {
    "plans:plan": [GET(MEETING_READ, meeting_id="meeting"), GET(OTHER_READ, meeting_id="outsider_meeting")],
    "plans:plan_edit": [
        GET(MEETING_WRITE, meeting_id="meeting"),
        POST(MEETING_WRITE_POST, data=PLAN, meeting_id="meeting"),
        GET(OTHER_MANAGE, meeting_id="outsider_meeting"),
    ],
    "plans:task_create": [
        GET(MEETING_WRITE, meeting_id="meeting"),
        POST(MEETING_WRITE_POST, data=TASK, meeting_id="meeting"),
        GET(OTHER_MANAGE_POST, "no plan yet: sent to the plan form", meeting_id="outsider_meeting"),
    ],
    "plans:task_edit": [GET(MEETING_WRITE, task_id="plan_task")],
    "plans:task_done": [
        POST(MEETING_WRITE_POST, data={"done_on": "2026-11-02"}, task_id="plan_task"),
        GET((405, 405, 405, 405, 405, 405, 405, 302), "POST only", task_id="plan_task"),
    ],
    "plans:task_delete": [POST(MEETING_WRITE_POST, task_id="plan_task")],
    "plans:request": [GET(MEETING_READ, meeting_id="meeting"), GET(OTHER_READ, meeting_id="outsider_meeting")],
    "plans:request_create": [
        GET(MEETING_WRITE, meeting_id="meeting"),
        POST(WRITE_REFUSED, "refused: the request is already approved", data=REQUEST, meeting_id="meeting"),
        GET(OTHER_MANAGE, meeting_id="outsider_meeting"),
    ],
    "plans:request_edit": [
        GET(MEETING_WRITE, request_id="pending_request"),
        POST(MEETING_WRITE_POST, data=REQUEST, request_id="pending_request"),
        POST(WRITE_REFUSED, "refused: already answered", data=REQUEST, request_id="approved_request"),
    ],
    "plans:request_reply": [
        GET(REVIEW, request_id="pending_request"),
        POST(REVIEW_POST, data=REPLY, request_id="pending_request"),
        POST(
            (403, 403, 403, 403, 200, 200, 404, 302),
            "refused: already answered",
            data=REPLY,
            request_id="approved_request",
        ),
    ],
    "plans:request_paper_reply": [
        GET(MEETING_WRITE, request_id="pending_request"),
        POST(MEETING_WRITE_POST, data=PAPER_REPLY, request_id="pending_request"),
    ],
}
