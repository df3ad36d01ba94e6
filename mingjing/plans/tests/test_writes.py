"""The plan, its tasks and the rounds sent are the unit's own records (Ability.EDIT: its preparer
or administrator); the reply is the reviewer's own act (Ability.REVIEW: the 督导组 or the
superior). The services ask the policy themselves, and an imported copy refuses every write."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mingjing.accounts.policy import COPY_MESSAGE, MESSAGES, Ability
from mingjing.audit.models import AuditEvent
from mingjing.meetings.models import Meeting
from mingjing.meetings.services import meeting_create, meeting_supervisor_assign
from mingjing.plans.models import Plan, PlanRequest, PlanTask, RequestStatus
from mingjing.plans.services import (
    plan_save,
    plan_task_add,
    plan_task_delete,
    plan_task_mark_done,
    plan_task_update,
    request_record_paper_reply,
    request_reply,
    request_send,
    request_update,
)
from mingjing.test import DEMO_DAY, BaseTestCase

EDIT_REFUSED = MESSAGES[Ability.EDIT]
REVIEW_REFUSED = MESSAGES[Ability.REVIEW]


class PlanWritesTest(BaseTestCase):
    """A second bureau meeting with a plan, a task and a round still waiting for its reply."""

    def setUp(self) -> None:
        meeting = meeting_create(
            actor=self.preparer,
            organization=self.bureau,
            config=self.meeting.config,
            kind="special",
            planned_date=self.meeting.planned_date,
            title="专题民主生活会",
        )
        meeting_supervisor_assign(actor=self.preparer, meeting=meeting, user=self.supervisor, title="组长")
        plan = plan_save(actor=self.preparer, meeting=meeting, data={"title": "方案", "agenda": ["通报"]})
        plan_task_add(actor=self.preparer, plan=plan, task="汇总意见", responsible_name="孙丽", due_on=DEMO_DAY)
        request_send(actor=self.preparer, meeting=meeting, title="请示", addressees="市委组织部", sent_on=DEMO_DAY)
        self.pk = meeting.pk

    def records(self):
        meeting = Meeting.objects.select_related("organization", "config").get(pk=self.pk)
        plan = Plan.objects.select_related("meeting", "meeting__organization").get(meeting=meeting)
        task = PlanTask.objects.select_related("plan__meeting__organization").get(plan=plan)
        pending = PlanRequest.objects.select_related("meeting", "meeting__organization").get(meeting=meeting)
        return meeting, plan, task, pending

    def unit_writes(self, actor):
        meeting, plan, task, pending = self.records()
        return {
            "plan_save": lambda: plan_save(actor=actor, meeting=meeting, data={"title": "改过的方案"}),
            "plan_task_add": lambda: plan_task_add(
                actor=actor, plan=plan, task="另一项", responsible_name="孙丽", due_on=DEMO_DAY
            ),
            "plan_task_update": lambda: plan_task_update(actor=actor, task=task, data={"task": "改过的任务"}),
            "plan_task_mark_done": lambda: plan_task_mark_done(actor=actor, task=task, done_on=DEMO_DAY),
            "plan_task_delete": lambda: plan_task_delete(actor=actor, task=task),
            "request_send": lambda: request_send(
                actor=actor, meeting=meeting, title="请示", addressees="市委组织部", sent_on=DEMO_DAY
            ),
            "request_update": lambda: request_update(actor=actor, request=pending, data={"title": "改过的请示"}),
            "request_record_paper_reply": lambda: request_record_paper_reply(
                actor=actor, request=pending, status=RequestStatus.APPROVED, replier_name="某人", replied_on=DEMO_DAY
            ),
        }

    def test_members_and_reviewers_cannot_change_the_plan_tasks_or_rounds(self):
        events = AuditEvent.objects.count()
        for persona in ("principal", "member", "supervisor", "superior", "outsider"):
            for name, write in self.unit_writes(getattr(self, persona)).items():
                with self.subTest(persona=persona, service=name):
                    self.assertRaisesMessage(PermissionDenied, EDIT_REFUSED, write)
        self.assertEqual(AuditEvent.objects.count(), events)
        _, plan, task, pending = self.records()
        self.assertEqual((plan.title, task.task, task.done_on, pending.title), ("方案", "汇总意见", None, "请示"))

    def test_only_the_supervisor_and_the_superior_reply(self):
        for persona in ("admin", "preparer", "principal", "member", "outsider"):
            with self.subTest(persona=persona), self.assertRaisesMessage(PermissionDenied, REVIEW_REFUSED):
                request_reply(actor=getattr(self, persona), request=self.records()[3], status=RequestStatus.APPROVED)
        reply = request_reply(
            actor=self.superior, request=self.records()[3], status=RequestStatus.RETURNED, comments="请修改议程"
        )
        self.assertEqual(reply.status, RequestStatus.RETURNED)

    def test_superior_pages_refuse_the_plan_and_the_tasks_but_take_the_reply(self):
        _, _, task, pending = self.records()
        self.login("superior")
        refused = [
            (reverse("plans:plan_edit", args=[self.pk]), {"title": "改过的方案", "agenda": "通报"}),
            (reverse("plans:task_create", args=[self.pk]), {"task": "另一项", "responsible_name": "孙丽"}),
            (reverse("plans:task_edit", args=[task.pk]), {"task": "改过的任务"}),
            (reverse("plans:task_done", args=[task.pk]), {"done_on": "2026-11-02"}),
            (reverse("plans:task_delete", args=[task.pk]), {}),
            (reverse("plans:request_edit", args=[pending.pk]), {"title": "改过的请示"}),
            (reverse("plans:request_paper_reply", args=[pending.pk]), {"decision": "approved"}),
        ]
        for url, data in refused:
            with self.subTest(url):
                self.assertEqual(self.client.post(url, data).status_code, 403)
        page = self.client.get(reverse("plans:plan", args=[self.pk]))
        self.assertNotContains(page, reverse("plans:plan_edit", args=[self.pk]))
        self.assertNotContains(page, reverse("plans:task_edit", args=[task.pk]))
        page = self.client.get(reverse("plans:request", args=[self.pk]))
        self.assertContains(page, reverse("plans:request_reply", args=[pending.pk]))
        self.assertNotContains(page, reverse("plans:request_edit", args=[pending.pk]))
        response = self.client.post(
            reverse("plans:request_reply", args=[pending.pk]), {"decision": "approved", "comments": ""}
        )
        self.assertEqual(response.status_code, 302)
        pending.refresh_from_db()
        self.assertEqual(pending.status, RequestStatus.APPROVED)

    def test_an_imported_copy_refuses_every_write(self):
        Meeting.objects.filter(pk=self.pk).update(is_copy=True)
        events = AuditEvent.objects.count()
        for persona in ("preparer", None):
            actor = getattr(self, persona) if persona else None
            for name, write in self.unit_writes(actor).items():
                with self.subTest(persona=persona or "system", service=name):
                    self.assertRaisesMessage(PermissionDenied, COPY_MESSAGE, write)
        for persona in ("supervisor", "superior"):
            with self.subTest(persona=persona), self.assertRaisesMessage(PermissionDenied, COPY_MESSAGE):
                request_reply(actor=getattr(self, persona), request=self.records()[3], status=RequestStatus.APPROVED)
        self.assertEqual(AuditEvent.objects.count(), events)
        self.login("supervisor")
        page = self.client.get(reverse("plans:request", args=[self.pk]))
        self.assertNotContains(page, reverse("plans:request_reply", args=[self.records()[3].pk]))
