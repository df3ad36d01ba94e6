"""Archiving is a decision: the checklist page, the confirmation, a meeting never held refused, the
CLI's checklist and --force, and the audit line of a forced archive."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from mingjing.archive.models import ArchiveBox
from mingjing.archive.services import meeting_archive
from mingjing.audit.models import AuditEvent
from mingjing.audit.selectors import history_for_object
from mingjing.materials.models import Material
from mingjing.meetings.models import Meeting
from mingjing.meetings.services import meeting_step_sync
from mingjing.test import BaseTestCase


class ArchiveDecisionTest(BaseTestCase):
    def setUp(self):
        super().setUp()
        # The demo's finished meeting is complete; these tests need open points: 李华's outline unwritten.
        Material.objects.filter(meeting=self.last_meeting, owner__name="李华").delete()

    def check_page(self, meeting: Meeting):
        self.login("preparer")
        return self.client.get(reverse("archive:check", args=[meeting.pk]))

    def archived(self, meeting: Meeting) -> bool:
        return Meeting.objects.get(pk=meeting.pk).archived_on is not None

    def test_the_archive_page_leads_to_the_checklist_not_straight_to_archiving(self):
        self.login("preparer")
        page = self.client.get(reverse("archive:meeting", args=[self.meeting.pk]))
        self.assertContains(page, reverse("archive:check", args=[self.meeting.pk]))
        self.assertNotContains(page, f'action="{reverse("archive:create", args=[self.meeting.pk])}"')

    def test_a_meeting_never_held_cannot_be_archived(self):
        page = self.check_page(self.meeting)
        self.assertContains(page, "本次民主生活会尚未召开")
        self.assertNotContains(page, 'id="archive-confirm"')
        response = self.client.post(reverse("archive:create", args=[self.meeting.pk]), {"confirm": "on"}, follow=True)
        self.assertContains(response, "尚未召开")
        self.assertFalse(self.archived(self.meeting))
        with self.assertRaisesMessage(ValidationError, "尚未召开"):
            meeting_archive(actor=None, meeting=self.meeting, force=True)
        with self.assertRaisesMessage(CommandError, "尚未召开"):
            args = ["--meeting", str(self.meeting.pk), "-o", "/dev/null", "--force"]
            call_command("archive", *args, stdout=io.StringIO())
        self.assertFalse(ArchiveBox.objects.filter(meeting=self.meeting).exists())

    def test_checklist_shows_open_steps_broken_rules_and_placeholders_per_document(self):
        meeting_step_sync(meeting=self.meeting, step="meeting", done_on=self.meeting.planned_date)
        page = self.check_page(self.meeting)
        self.assertContains(page, "未完成的步骤")
        self.assertContains(page, "谈心谈话")  # a step not done
        self.assertContains(page, "不符合的合规检查项")
        self.assertContains(page, "发言提纲会前经主要负责同志审核")
        self.assertContains(page, "文书中的【待补充】")
        self.assertRegex(page.content.decode(), r"个人发言提纲（李华）</td><td>\d+处")
        self.assertContains(page, "仍然归档")

    def test_archiving_needs_the_confirmation(self):
        meeting_step_sync(meeting=self.meeting, step="meeting", done_on=self.meeting.planned_date)
        self.login("preparer")
        response = self.client.post(reverse("archive:create", args=[self.meeting.pk]), follow=True)
        self.assertContains(response, "请勾选“确认归档”")
        self.assertFalse(self.archived(self.meeting))

    def test_confirmed_with_open_points_is_archived_and_the_open_points_are_audited(self):
        meeting_step_sync(meeting=self.meeting, step="meeting", done_on=self.meeting.planned_date)
        self.login("preparer")
        response = self.client.post(reverse("archive:create", args=[self.meeting.pk]), {"confirm": "on"}, follow=True)
        self.assertContains(response, "已归档")
        self.assertTrue(self.archived(self.meeting))
        event = AuditEvent.objects.get(event_type="meeting.archived_forced", object_id=self.meeting.pk)
        self.assertIn("【待补充】", event.extra["open_points"])
        self.assertIn("不符合：发言提纲会前经主要负责同志审核", event.extra["open_points"])
        history = [h.text for h in history_for_object(self.meeting)]
        self.assertTrue(any("未完成或不符合的情况下确认归档" in t for t in history), history)

    def test_service_refuses_open_points_without_force(self):
        with self.assertRaisesMessage(ValidationError, "未完成或不符合"):
            meeting_archive(actor=self.preparer, meeting=self.last_meeting, with_pdf=False)
        self.assertFalse(self.archived(self.last_meeting))

    def test_cli_prints_the_checklist_and_needs_force(self):
        out = io.StringIO()
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "box.zip"
            args = ["--meeting", str(self.last_meeting.pk), "-o", str(path), "--no-pdf"]
            with self.assertRaisesMessage(CommandError, "加 --force"):
                call_command("archive", *args, stdout=out)
            printed = out.getvalue()
            self.assertIn("归档前核对", printed)
            self.assertRegex(printed, r"不符合的合规检查项（[1-9]\d*）")
            self.assertIn("文书中的【待补充】", printed)
            self.assertFalse(path.exists())
            self.assertFalse(self.archived(self.last_meeting))
            out = io.StringIO()
            call_command("archive", *args, "--force", stdout=out)
            self.assertIn("已按 --force", out.getvalue())
            self.assertTrue(path.exists())
        self.assertTrue(self.archived(self.last_meeting))
        forced = AuditEvent.objects.filter(event_type="meeting.archived_forced", object_id=self.last_meeting.pk)
        self.assertTrue(forced.exists())

    def test_cli_check_only(self):
        out = io.StringIO()
        call_command("archive", "--meeting", str(self.last_meeting.pk), "--check", stdout=out)
        self.assertIn("文书中的【待补充】", out.getvalue())
        self.assertFalse(self.archived(self.last_meeting))
