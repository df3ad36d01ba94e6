"""Issue 12: records that cannot go wrong, for meetings themselves.

- one meeting per unit, year and kind (a second 专题 meeting only when the unit's administrator says
  so, with a reason), a meeting date that fits its year, two meetings told apart on the lists;
- a meeting with no records is deleted, one with records cancelled: kept, read-only, out of every
  list and count;
- steps follow the records: a step its records decide is never marked (or reopened) by hand;
- a meeting entered after the fact, or already held, does not shout "已逾期".
"""

from __future__ import annotations

import datetime as dt
import io

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.urls import reverse

from mingjing.accounts.policy import CANCELLED_MESSAGE, MESSAGES, Ability
from mingjing.audit.models import AuditEvent
from mingjing.meetings.models import Meeting, StepCompletion
from mingjing.meetings.selectors import meeting_timeline, meetings_for_user
from mingjing.meetings.services import (
    meeting_cancel,
    meeting_create,
    meeting_delete,
    meeting_step_complete,
    meeting_step_reopen,
    meeting_step_sync,
    meeting_update,
)
from mingjing.meetings.timeline import STEPS
from mingjing.test import DEMO_DAY, BaseTestCase
from mingjing.yearconfigs.models import YearConfig


def preset(code: str) -> YearConfig:
    return YearConfig.objects.get(preset_code=code)


class OneMeetingPerYearTest(BaseTestCase):
    def post_new(self, **overrides):
        data = {
            "organization": self.bureau.pk,
            "config": preset("2025-annual").pk,
            "kind": "",
            "title": "",
            "planned_date": "2026-12-20",
            "half_day": "am",
            "place": "",
        }
        data.update(overrides)
        return self.client.post(reverse("meetings:create"), data)

    def test_a_second_annual_meeting_of_the_same_year_is_refused_on_the_field(self):
        self.login("preparer")
        count = Meeting.objects.count()
        response = self.post_new()
        self.assertEqual(response.status_code, 200)
        form = response.context["form"]
        self.assertIn(
            "本单位2025年度已有年度民主生活会“市农业农村局党组领导班子2025年度民主生活会”", form.errors["config"][0]
        )
        self.assertIn("同一单位同一年度同一类型只能召开一次民主生活会", form.errors["config"][0])
        self.assertEqual(Meeting.objects.count(), count)

    def test_a_meeting_dated_absurdly_for_its_year_is_refused_on_the_date(self):
        self.login("preparer")
        count = Meeting.objects.count()
        response = self.post_new(kind="special", planned_date="2019-12-20")
        self.assertEqual(
            response.context["form"].errors["planned_date"],
            ["计划召开日期应在2025年1月1日至2026年12月31日之间（2025年度的民主生活会在该年度或次年召开）"],
        )
        response = self.post_new(kind="special", planned_date="2030-01-01")
        self.assertIn("planned_date", response.context["form"].errors)
        self.assertEqual(Meeting.objects.count(), count)
        # Moving an existing meeting to an absurd date is refused the same way.
        with self.assertRaisesMessage(ValidationError, "计划召开日期应在2025年1月1日至2026年12月31日之间"):
            meeting_update(actor=self.preparer, meeting=self.meeting, data={"planned_date": dt.date(2019, 12, 1)})

    def test_a_second_special_meeting_needs_the_administrator_and_a_reason(self):
        first = meeting_create(
            actor=self.preparer,
            organization=self.bureau,
            config=preset("2025-annual"),
            kind="special",
            planned_date=dt.date(2026, 6, 1),
            title="专题民主生活会（一）",
        )
        self.assertEqual(first.extra_reason, "")
        self.login("preparer")
        response = self.post_new(kind="special")
        self.assertIn("如确需增开专题民主生活会，请由单位管理员勾选", response.context["form"].errors["config"][0])
        response = self.post_new(kind="special", extra="on", extra_reason="")
        self.assertEqual(response.context["form"].errors["extra_reason"], ["请填写增开理由"])
        response = self.post_new(kind="annual", extra="on", extra_reason="巡视反馈")
        self.assertIn("只有专题民主生活会可以增开", response.context["form"].errors["extra"][0])
        response = self.post_new(kind="special", extra="on", extra_reason="巡视反馈问题整改")
        self.assertEqual(response.context["form"].errors["extra"], [MESSAGES[Ability.ADD_EXTRA_MEETING]])
        self.assertEqual(Meeting.objects.filter(organization=self.bureau, kind="special").count(), 1)

        self.login("admin")
        response = self.post_new(
            kind="special", extra="on", extra_reason="巡视反馈问题整改", title="专题民主生活会（二）"
        )
        second = Meeting.objects.latest("id")
        self.assertRedirects(response, reverse("meetings:detail", args=[second.pk]))
        self.assertEqual(second.extra_reason, "巡视反馈问题整改")
        event = AuditEvent.objects.filter(object_id=second.pk, event_type="meeting.created_extra").get()
        self.assertEqual(event.actor, self.admin)
        self.assertContains(
            self.client.get(reverse("meetings:detail", args=[second.pk])), "增开，理由：巡视反馈问题整改"
        )

    def test_the_superiors_list_tells_two_meetings_apart(self):
        meeting_create(
            actor=self.preparer,
            organization=self.bureau,
            config=preset("2025-annual"),
            kind="special",
            planned_date=dt.date(2026, 6, 1),
        )
        meeting_create(
            actor=self.admin,
            organization=self.bureau,
            config=preset("2025-annual"),
            kind="special",
            planned_date=dt.date(2026, 9, 1),
            extra_reason="巡视反馈问题整改",
        )
        self.login("superior")
        page = self.client.get(reverse("meetings:list"), {"unit": self.bureau.pk}).content.decode()
        self.assertIn("市农业农村局党组 · 2026年6月1日", page)
        self.assertIn("市农业农村局党组 · 2026年9月1日", page)
        self.assertIn("专题·增开", page)
        self.assertEqual(page.count('<span class="badge">专题'), 2)


class DeleteAndCancelTest(BaseTestCase):
    def empty_meeting(self) -> Meeting:
        return meeting_create(
            actor=self.preparer,
            organization=self.bureau,
            config=preset("2025-annual"),
            kind="special",
            planned_date=dt.date(2026, 12, 20),
            title="误建的专题民主生活会",
        )

    def test_a_meeting_without_records_is_deleted_by_the_staff(self):
        meeting = self.empty_meeting()
        self.login("member")
        self.assertEqual(self.client.post(reverse("meetings:delete", args=[meeting.pk])).status_code, 403)
        self.login("preparer")
        response = self.client.post(reverse("meetings:delete", args=[meeting.pk]), follow=True)
        self.assertRedirects(response, reverse("meetings:list"))
        self.assertContains(response, "已删除“误建的专题民主生活会”")
        self.assertFalse(Meeting.objects.filter(pk=meeting.pk).exists())
        event = AuditEvent.objects.get(event_type="meeting.deleted", object_id=meeting.pk)
        self.assertEqual((event.actor, event.organization), (self.preparer, self.bureau))

    def test_a_meeting_with_records_is_not_deleted_but_cancelled_with_a_reason(self):
        self.login("preparer")
        url = reverse("meetings:detail", args=[self.meeting.pk])
        response = self.client.post(reverse("meetings:delete", args=[self.meeting.pk]), follow=True)
        self.assertRedirects(response, url)
        self.assertContains(response, "不能删除；如不再召开，请填写原因后取消")
        self.assertTrue(Meeting.objects.filter(pk=self.meeting.pk).exists())
        # The meeting page links to the cancel form; the form asks for the reason.
        self.assertContains(self.client.get(url), reverse("meetings:cancel", args=[self.meeting.pk]))
        form_page = self.client.get(reverse("meetings:cancel", args=[self.meeting.pk]))
        self.assertContains(form_page, "取消原因")
        self.assertContains(form_page, "取消本次会议</button>")
        response = self.client.post(reverse("meetings:cancel", args=[self.meeting.pk]), {"reason": " "}, follow=True)
        self.assertContains(response, "请填写取消原因")
        self.assertIsNone(Meeting.objects.get(pk=self.meeting.pk).cancelled_on)

        response = self.client.post(
            reverse("meetings:cancel", args=[self.meeting.pk]), {"reason": "上级通知本年度改为集中召开"}, follow=True
        )
        self.assertContains(response, "已取消")
        cancelled = Meeting.objects.get(pk=self.meeting.pk)
        self.assertEqual(cancelled.cancel_reason, "上级通知本年度改为集中召开")
        self.assertTrue(AuditEvent.objects.filter(event_type="meeting.cancelled", object_id=cancelled.pk).exists())

        # Still reachable by its URL, read-only.
        page = self.client.get(url)
        self.assertContains(page, "本次民主生活会已于")
        self.assertContains(page, "取消原因：上级通知本年度改为集中召开")
        for name in ("meetings:edit", "meetings:step_done", "meetings:roster_refreeze", "meetings:cancel"):
            self.assertNotContains(page, reverse(name, args=[cancelled.pk]))
        response = self.client.post(reverse("meetings:edit", args=[cancelled.pk]), {"place": "别处"})
        self.assertEqual(response.status_code, 403)
        self.assertContains(response, CANCELLED_MESSAGE, status_code=403)
        with self.assertRaisesMessage(PermissionDenied, CANCELLED_MESSAGE):
            meeting_update(actor=None, meeting=cancelled, data={"place": "别处"})

        # Out of every list and count: the meetings list, the home page, the superior's list, the CLI.
        self.assertNotContains(self.client.get(reverse("meetings:list")), f'href="{url}"')
        self.assertNotContains(self.client.get(reverse("home")), f'href="{url}"')
        self.login("superior")
        self.assertNotContains(self.client.get(reverse("meetings:list")), f'href="{url}"')
        self.assertEqual(self.client.get(url).status_code, 200)
        self.assertFalse(meetings_for_user(user=self.superior).filter(pk=cancelled.pk).exists())
        out = io.StringIO()
        call_command("meetings", stdout=out)
        self.assertNotIn(cancelled.title, out.getvalue())
        self.assertIn(self.last_meeting.title, out.getvalue())

    def test_a_cancelled_meeting_frees_its_year_and_records_in_it_are_refused(self):
        from mingjing.studies.services import study_session_record

        meeting_cancel(actor=self.preparer, meeting=self.meeting, reason="改期另开")
        with self.assertRaisesMessage(PermissionDenied, CANCELLED_MESSAGE):
            study_session_record(
                actor=self.preparer, meeting=self.meeting, session_date=DEMO_DAY, form="collective", materials="党章"
            )
        again = meeting_create(
            actor=self.preparer,
            organization=self.bureau,
            config=preset("2025-annual"),
            planned_date=dt.date(2026, 12, 28),
        )
        self.assertEqual(again.kind, "annual")

    def test_only_the_staff_cancel(self):
        for persona in ("principal", "member", "supervisor", "superior"):
            with self.subTest(persona=persona):
                self.login(persona)
                response = self.client.post(reverse("meetings:cancel", args=[self.meeting.pk]), {"reason": "不开了"})
                self.assertEqual(response.status_code, 403)
                with self.assertRaisesMessage(PermissionDenied, MESSAGES[Ability.CANCEL_MEETING]):
                    meeting_delete(actor=getattr(self, persona), meeting=self.meeting)
        self.assertIsNone(Meeting.objects.get(pk=self.meeting.pk).cancelled_on)


class StepsFollowRecordsTest(BaseTestCase):
    def steps(self, on=DEMO_DAY):
        return {v.step.key: v for v in meeting_timeline(meeting=self.meeting, on=on)}

    def test_study_is_not_done_without_sessions_and_cannot_be_marked_by_hand(self):
        self.assertEqual(self.steps()["study"].state_label, "未完成")  # the demo has no study session
        self.login("preparer")
        detail = reverse("meetings:detail", args=[self.meeting.pk])
        page = self.client.get(detail).content.decode()
        self.assertNotIn('name="step" value="study"', page)  # not offered for marking
        self.assertIn("完成条件：集中学习或研讨记录（依据记录自动完成）", page)
        response = self.client.post(
            reverse("meetings:step_done", args=[self.meeting.pk]),
            {"step": "study", "completed_on": "2026-11-01"},
            follow=True,
        )
        self.assertRedirects(response, detail)
        self.assertContains(response, "“学习研讨”依据记录自动完成（集中学习或研讨记录），不能手动标记")
        self.assertFalse(StepCompletion.objects.filter(meeting=self.meeting, step="study").exists())

    def test_archive_follows_the_archive_box_only(self):
        with self.assertRaisesMessage(ValidationError, "“材料专盒归档”依据记录自动完成"):
            meeting_step_complete(actor=self.preparer, meeting=self.meeting, step="archive", completed_on=DEMO_DAY)
        with self.assertRaisesMessage(ValidationError, "不能手动标记"):
            meeting_step_complete(actor=None, meeting=self.meeting, step="archive", completed_on=DEMO_DAY)
        self.assertEqual(self.steps()["archive"].state_label, "未完成")
        # Every step a record can decide is refused; only the report to the superior is marked by hand.
        manual = [s.key for s in STEPS if s.manual]
        self.assertEqual(manual, ["report"])

    def test_a_step_its_records_completed_is_not_reopened_by_hand(self):
        with self.assertRaisesMessage(ValidationError, "“制定方案并向上级请示”依据记录自动完成"):
            meeting_step_reopen(actor=self.preparer, meeting=self.meeting, step="plan_request")
        self.assertTrue(StepCompletion.objects.filter(meeting=self.meeting, step="plan_request").exists())

    def test_records_override_a_step_marked_by_hand_before(self):
        # A completion marked by hand (as before steps followed their records) gives way to the records.
        StepCompletion.objects.create(
            meeting=self.meeting, step="study", completed_on=DEMO_DAY, completed_by=self.preparer, note=""
        )
        meeting_step_sync(meeting=self.meeting, step="study", done_on=None)
        self.assertFalse(StepCompletion.objects.filter(meeting=self.meeting, step="study").exists())
        StepCompletion.objects.create(
            meeting=self.meeting, step="talks", completed_on=DEMO_DAY, completed_by=self.preparer, note=""
        )
        meeting_step_sync(meeting=self.meeting, step="talks", done_on=DEMO_DAY - dt.timedelta(days=3))
        done = StepCompletion.objects.get(meeting=self.meeting, step="talks")
        self.assertIsNone(done.completed_by)
        self.assertEqual(done.completed_on, DEMO_DAY - dt.timedelta(days=3))

    def test_a_step_is_not_marked_done_on_a_future_date(self):
        with self.assertRaisesMessage(ValidationError, "完成日期不能晚于今天"):
            meeting_step_complete(
                actor=self.preparer, meeting=self.meeting, step="report", completed_on=dt.date(2099, 1, 1)
            )


class NoLatenessForPastMeetingsTest(BaseTestCase):
    def test_a_meeting_entered_after_the_fact_shows_nothing_late(self):
        self.login("preparer")
        response = self.client.post(
            reverse("meetings:create"),
            {
                "organization": self.bureau.pk,
                "config": preset("2025-annual").pk,
                "kind": "special",
                "title": "",
                "planned_date": "2025-12-10",  # long past: entered afterwards
                "half_day": "am",
                "place": "",
            },
        )
        meeting = Meeting.objects.latest("id")
        self.assertRedirects(response, reverse("meetings:detail", args=[meeting.pk]))
        self.assertTrue(meeting.entered_after)
        page = self.client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
        self.assertNotIn("已逾期", page)
        self.assertNotIn("逾期提醒", page)
        self.assertNotIn("state-late", page)
        self.assertIn("事后补录（不提示逾期）", page)

    def test_once_held_the_preparation_left_open_is_not_late(self):
        held = self.meeting.planned_date
        later = held + dt.timedelta(days=30)
        meeting_step_sync(meeting=self.meeting, step="meeting", done_on=held)
        steps = {v.step.key: v for v in meeting_timeline(meeting=self.meeting, on=later)}
        for key in ("study", "solicitation", "talks", "problems", "examination"):
            with self.subTest(step=key):
                self.assertEqual(steps[key].state, "pending")
                self.assertEqual(steps[key].state_label, "未完成")
        # After the meeting, a step with its own deadline is still a reminder on a live meeting.
        self.assertEqual(steps["report"].state, "late")
        # A step completed late says so, factually, without being late now.
        self.assertEqual(steps["meeting"].state_label, "已完成")
