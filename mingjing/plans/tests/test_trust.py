"""Issue 12: the plan's dates (agreed on, steps, tasks), the request's sent date and its replies are
checked against the meeting's own timeline; every text has a limit shown beside its field."""

from __future__ import annotations

import datetime as dt
from unittest import mock

from django.core.exceptions import ValidationError

from mingjing.plans.models import Plan, PlanRequest, PlanTask, RequestStatus
from mingjing.plans.services import request_record_paper_reply, request_reply, request_send
from mingjing.plans.tests.test_plans import FreshMeetingMixin, stage_data
from mingjing.test import DEMO_DAY, BaseTestCase

WINDOW = "应在2025年1月1日至2026年11月23日之间（本次民主生活会于2026年11月23日召开）"
WHOLE = "应在2025年1月1日至2029年11月23日之间（本次民主生活会于2026年11月23日召开）"


class PlanDatesTest(FreshMeetingMixin, BaseTestCase):
    def test_plan_dates_outside_the_meetings_timeline_are_refused(self):
        self.login("preparer")
        response = self.write_plan(
            agreed_on="2030-01-01",
            **stage_data([("征求意见", "0001-01-01", "9999-12-31", "发放征求意见表")]),
        )
        self.assertContains(response, f"班子研究通过日期：班子研究通过日期{WINDOW}")
        self.assertContains(response, f"方法步骤第1行：开始日期{WHOLE}")
        self.assertContains(response, f"方法步骤第1行：完成时限{WHOLE}")
        self.assertFalse(Plan.objects.filter(meeting=self.meeting).exists())
        # Steps after the meeting (整改, 报告) are fine within the years after it.
        response = self.write_plan(**stage_data([("整改落实", "2026-11-24", "2027-05-23", "")]))
        self.assertContains(response, "方案已保存")

    def test_a_task_due_in_2020_is_refused_on_the_field(self):
        self.login("preparer")
        self.write_plan()
        url = f"/meetings/{self.meeting.pk}/plan/tasks/new/"
        response = self.client.post(
            url, {"task": "起草方案", "responsible_name": "办公室 黄蕾", "due_on": "2020-01-01"}
        )
        self.assertContains(response, f"完成时限：完成时限{WHOLE}")
        self.assertFalse(PlanTask.objects.filter(plan__meeting=self.meeting).exists())

    def test_the_request_is_sent_in_the_meetings_preparation(self):
        self.login("preparer")
        self.write_plan()
        url = f"/meetings/{self.meeting.pk}/request/send/"
        data = {"title": "关于召开民主生活会的请示", "addressees": "市委组织部", "sent_on": "2024-06-01"}
        self.assertContains(self.client.post(url, data), f"报送日期：报送日期{WINDOW}")
        self.assertFalse(PlanRequest.objects.filter(meeting=self.meeting).exists())

    def test_a_reply_cannot_precede_the_sending(self):
        self.login("preparer")
        self.write_plan()
        request = request_send(
            actor=self.preparer, meeting=self.meeting, title="请示", addressees="市委组织部", sent_on=DEMO_DAY
        )
        with self.assertRaisesMessage(ValidationError, "答复日期不能早于报送日期（2026年11月2日）"):
            request_reply(
                actor=self.supervisor, request=request, status=RequestStatus.APPROVED, on=DEMO_DAY - dt.timedelta(1)
            )
        with (
            mock.patch("mingjing.plans.services.today", return_value=dt.date(2026, 12, 20)),
            self.assertRaisesMessage(ValidationError, f"答复日期{WINDOW}"),
        ):
            request_record_paper_reply(
                actor=self.preparer,
                request=request,
                status=RequestStatus.APPROVED,
                replier_name="市委组织部",
                replied_on=dt.date(2026, 12, 1),
            )
        request.refresh_from_db()
        self.assertEqual(request.status, RequestStatus.PENDING)


class PlanLengthsTest(FreshMeetingMixin, BaseTestCase):
    def test_limits_are_shown_and_over_long_texts_refused_with_the_fields_name(self):
        self.login("preparer")
        form = self.client.get(f"{self.plan_url}edit/").content.decode()
        self.assertIn("最多500字", form)  # 会议主题
        self.assertIn("每项最多200字", form)  # 会议议程
        response = self.write_plan(theme="主" * 80000, agenda="通报整改落实情况\n" + "议" * 201)
        self.assertContains(response, "会议主题：会议主题最多500字（现有80000字）")
        self.assertContains(response, "会议议程：第2项最多200字（现有201字）")
        self.assertNotContains(response, "确保该变量")
        self.assertFalse(Plan.objects.filter(meeting=self.meeting).exists())
        response = self.write_plan(**stage_data([("征求意见", "", "", "内" * 1001)]))
        self.assertContains(response, "方法步骤第1行 工作内容：工作内容最多1000字（现有1001字）")
        self.assertContains(response, "<th>工作内容（最多1000字）</th>")

    def test_reply_comments_have_a_limit(self):
        self.login("preparer")
        self.write_plan()
        request = request_send(
            actor=self.preparer, meeting=self.meeting, title="请示", addressees="市委组织部", sent_on=DEMO_DAY
        )
        with self.assertRaisesMessage(ValidationError, "答复意见最多2000字（现有2001字）"):
            request_reply(actor=self.supervisor, request=request, status=RequestStatus.RETURNED, comments="改" * 2001)
