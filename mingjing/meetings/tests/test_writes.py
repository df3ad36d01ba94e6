"""Who may write a meeting's own records is asked by the services themselves (accounts.policy), so
a page, the CLI and the bundle import get one answer: the unit's preparer or administrator keeps
the meeting, its roster and its steps; the superior's organization department assigns and
withdraws 督导组 members but never changes the unit's records; an imported copy refuses every write."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mingjing.accounts.policy import COPY_MESSAGE, FROZEN_MESSAGE, MESSAGES, Ability
from mingjing.archive.services import meeting_reopen
from mingjing.archive.testing import archive_held
from mingjing.audit.models import AuditEvent
from mingjing.meetings.models import Meeting, StepCompletion, SupervisorAssignment
from mingjing.meetings.services import (
    meeting_create,
    meeting_refreeze_roster,
    meeting_step_complete,
    meeting_step_reopen,
    meeting_step_sync,
    meeting_supervisor_assign,
    meeting_supervisor_remove,
    meeting_update,
)
from mingjing.test import DEMO_DAY, BaseTestCase

EDIT_REFUSED = MESSAGES[Ability.EDIT]
ASSIGN_REFUSED = MESSAGES[Ability.ASSIGN_SUPERVISORS]


class ServiceActorTest(BaseTestCase):
    """The services refuse an actor the policy refuses, whoever calls them (not only the pages)."""

    def meeting_writes(self, actor):
        meeting = Meeting.objects.select_related("organization", "config").get(pk=self.meeting.pk)
        return {
            "meeting_create": lambda: meeting_create(
                actor=actor, organization=self.bureau, config=meeting.config, planned_date=dt.date(2027, 3, 1)
            ),
            "meeting_update": lambda: meeting_update(actor=actor, meeting=meeting, data={"place": "别处"}),
            "meeting_refreeze_roster": lambda: meeting_refreeze_roster(actor=actor, meeting=meeting),
            "meeting_step_complete": lambda: meeting_step_complete(
                actor=actor, meeting=meeting, step="report", completed_on=DEMO_DAY
            ),
            "meeting_step_reopen": lambda: meeting_step_reopen(actor=actor, meeting=meeting, step="plan_request"),
        }

    def test_members_reviewers_and_the_superior_cannot_change_the_meeting(self):
        events, steps = AuditEvent.objects.count(), StepCompletion.objects.count()
        for persona in ("principal", "member", "supervisor", "superior", "outsider"):
            for name, write in self.meeting_writes(getattr(self, persona)).items():
                with self.subTest(persona=persona, service=name):
                    self.assertRaisesMessage(PermissionDenied, EDIT_REFUSED, write)
        self.assertEqual(AuditEvent.objects.count(), events)
        self.assertEqual(StepCompletion.objects.count(), steps)
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).place, "局机关三楼会议室")

    def test_the_preparer_and_the_administrator_still_write(self):
        for persona in ("preparer", "admin"):
            with self.subTest(persona=persona):
                meeting_update(actor=getattr(self, persona), meeting=self.meeting, data={"place": f"{persona}会议室"})
        self.assertEqual(Meeting.objects.get(pk=self.meeting.pk).place, "admin会议室")

    def test_only_the_staff_and_the_superior_assign_and_withdraw_supervisors(self):
        assignment = SupervisorAssignment.objects.get(meeting=self.meeting, user=self.supervisor)
        for persona in ("principal", "member", "supervisor", "outsider"):
            actor = getattr(self, persona)
            with self.subTest(persona=persona), self.assertRaisesMessage(PermissionDenied, ASSIGN_REFUSED):
                meeting_supervisor_remove(actor=actor, assignment=assignment)
                with self.assertRaisesMessage(PermissionDenied, ASSIGN_REFUSED):
                    meeting_supervisor_assign(actor=actor, meeting=self.meeting, user=self.supervisor)
        self.assertTrue(SupervisorAssignment.objects.filter(pk=assignment.pk).exists())

        meeting_supervisor_remove(actor=self.superior, assignment=assignment)
        self.assertFalse(SupervisorAssignment.objects.filter(meeting=self.meeting).exists())
        meeting_supervisor_assign(actor=self.superior, meeting=self.meeting, user=self.supervisor, title="组长")
        self.assertTrue(SupervisorAssignment.objects.filter(meeting=self.meeting, user=self.supervisor).exists())


class SuperiorPagesTest(BaseTestCase):
    """The superior reads the meeting, assigns and withdraws the 督导组, and changes nothing else."""

    def setUp(self) -> None:
        self.login("superior")

    def test_superior_cannot_change_the_meeting_roster_or_steps(self):
        pk = self.meeting.pk
        posts = [
            ("meetings:edit", {"place": "别处"}),
            ("meetings:roster_refreeze", {}),
            ("meetings:step_done", {"step": "report", "completed_on": "2026-11-02"}),
            ("meetings:step_reopen", {"step": "plan_request"}),
        ]
        for name, data in posts:
            with self.subTest(name):
                self.assertEqual(self.client.post(reverse(name, args=[pk]), data).status_code, 403)
        # Nor open the form that cancels it.
        self.assertEqual(self.client.get(reverse("meetings:cancel", args=[pk])).status_code, 403)
        self.assertTrue(StepCompletion.objects.filter(meeting=self.meeting, step="plan_request").exists())
        self.assertFalse(StepCompletion.objects.filter(meeting=self.meeting, step="report").exists())

    def test_superior_withdraws_and_assigns_a_supervisor(self):
        assignment = SupervisorAssignment.objects.get(meeting=self.meeting, user=self.supervisor)
        page = self.client.get(reverse("meetings:detail", args=[self.meeting.pk]))
        remove_url = reverse("meetings:supervisor_remove", args=[self.meeting.pk, assignment.pk])
        self.assertContains(page, f'action="{remove_url}"')
        self.assertContains(page, reverse("meetings:supervisor_add", args=[self.meeting.pk]))
        # … and no control to change the unit's own records.
        for name in ("meetings:edit", "meetings:step_done", "meetings:roster_refreeze"):
            self.assertNotContains(page, reverse(name, args=[self.meeting.pk]))

        self.assertEqual(self.client.post(remove_url).status_code, 302)
        self.assertFalse(SupervisorAssignment.objects.filter(pk=assignment.pk).exists())
        # The button opens the form, which offers the 督导组 member just withdrawn.
        membership = self.supervisor.memberships.get()
        form_page = self.client.get(reverse("meetings:supervisor_add", args=[self.meeting.pk]))
        self.assertContains(form_page, "指派督导组成员")
        self.assertContains(form_page, f'<option value="{membership.pk}">')
        response = self.client.post(
            reverse("meetings:supervisor_add", args=[self.meeting.pk]), {"membership": membership.pk, "title": "组长"}
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(SupervisorAssignment.objects.filter(meeting=self.meeting, user=self.supervisor).exists())


class FrozenMeetingTest(BaseTestCase):
    """An imported copy refuses every write, the system's too; an archived meeting as before."""

    def make_copy(self) -> Meeting:
        Meeting.objects.filter(pk=self.meeting.pk).update(is_copy=True)
        return Meeting.objects.select_related("organization", "config").get(pk=self.meeting.pk)

    def test_an_imported_copy_refuses_every_meeting_write(self):
        copy = self.make_copy()
        assignment = SupervisorAssignment.objects.select_related("meeting").get(meeting=copy)
        writes = {
            "meeting_update": lambda actor: meeting_update(actor=actor, meeting=copy, data={"place": "别处"}),
            "meeting_refreeze_roster": lambda actor: meeting_refreeze_roster(actor=actor, meeting=copy),
            "meeting_step_complete": lambda actor: meeting_step_complete(
                actor=actor, meeting=copy, step="report", completed_on=DEMO_DAY
            ),
            "meeting_step_reopen": lambda actor: meeting_step_reopen(actor=actor, meeting=copy, step="plan_request"),
            "meeting_supervisor_assign": lambda actor: meeting_supervisor_assign(
                actor=actor, meeting=copy, user=self.supervisor
            ),
            "meeting_supervisor_remove": lambda actor: meeting_supervisor_remove(actor=actor, assignment=assignment),
        }
        events = AuditEvent.objects.count()
        for persona in ("preparer", "admin", "superior", None):
            actor = getattr(self, persona) if persona else None
            for name, write in writes.items():
                with self.subTest(persona=persona or "system", service=name):
                    self.assertRaisesMessage(PermissionDenied, COPY_MESSAGE, write, actor)
        # A step derived from records is not written into a copy either.
        meeting_step_sync(meeting=copy, step="talks", done_on=DEMO_DAY)
        self.assertFalse(StepCompletion.objects.filter(meeting=copy, step="talks").exists())
        self.assertEqual(AuditEvent.objects.count(), events)

    def test_the_copy_page_offers_no_change(self):
        self.make_copy()
        self.login("preparer")
        page = self.client.get(reverse("meetings:detail", args=[self.meeting.pk]))
        for name in ("meetings:edit", "meetings:step_done", "meetings:roster_refreeze", "meetings:supervisor_add"):
            self.assertNotContains(page, reverse(name, args=[self.meeting.pk]))
        self.assertNotContains(page, "撤销</button>")
        self.assertEqual(self.client.post(reverse("meetings:roster_refreeze", args=[self.meeting.pk])).status_code, 403)

    def test_archived_meeting_refuses_writes_and_its_timeline_stays_frozen(self):
        archive_held(actor=self.preparer, meeting=self.meeting)
        archived = Meeting.objects.select_related("organization", "config").get(pk=self.meeting.pk)
        for actor in (self.preparer, None):
            with self.assertRaisesMessage(PermissionDenied, FROZEN_MESSAGE):
                meeting_step_complete(actor=actor, meeting=archived, step="report", completed_on=DEMO_DAY)
        with self.assertRaisesMessage(PermissionDenied, FROZEN_MESSAGE):
            meeting_supervisor_assign(actor=self.superior, meeting=archived, user=self.supervisor)
        # A sync from the live ledger is a no-op, not an error (rectification runs all year).
        meeting_step_sync(meeting=self.meeting, step="rectification", done_on=DEMO_DAY)
        self.assertFalse(StepCompletion.objects.filter(meeting=archived, step="rectification").exists())
        self.assertTrue(StepCompletion.objects.filter(meeting=archived, step="archive").exists())
        # Reopening (the system's sync inside it) takes the archive step back.
        meeting_reopen(actor=self.admin, meeting=archived, reason="补充材料")
        self.assertFalse(StepCompletion.objects.filter(meeting=archived, step="archive").exists())
        meeting_step_complete(actor=self.preparer, meeting=archived, step="report", completed_on=DEMO_DAY)


class MemberCannotOpenTheManagingFormsTest(BaseTestCase):
    def test_the_assign_and_cancel_forms_are_refused_to_a_member(self) -> None:
        self.login("member")
        page = self.client.get(reverse("meetings:detail", args=[self.meeting.pk]))
        for name in ("meetings:supervisor_add", "meetings:cancel"):
            with self.subTest(name):
                url = reverse(name, args=[self.meeting.pk])
                self.assertNotContains(page, url)
                self.assertEqual(self.client.get(url).status_code, 403)
