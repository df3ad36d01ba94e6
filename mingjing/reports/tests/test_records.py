"""Approvals dated and named as they happened, the year's case analysis and the meeting's
achievements: entered on the pages by the people who give them, read back from the 情况报告."""

from __future__ import annotations

import datetime as dt

from mingjing.lib.dates import today
from mingjing.materials.models import Material, ReviewEvent, Status
from mingjing.plans.models import PlanRequest, RequestStatus
from mingjing.reports.tests.test_report import ReportTestCase, paragraph


class ApprovalTest(ReportTestCase):
    def test_the_request_approval_names_the_body_and_the_day_it_was_given(self):
        approved = PlanRequest.objects.get(meeting=self.meeting, status=RequestStatus.APPROVED)
        PlanRequest.objects.filter(pk=approved.pk).update(
            status=RequestStatus.PENDING, replier_body="", replied_on=None
        )
        self.login("supervisor")
        page = self.client.get(f"/meetings/{self.meeting.pk}/request/").content.decode()
        self.assertIn('value="市委第三督导组"', page)  # his 督导组, not his name, by default
        response = self.client.post(
            f"/plan-requests/{approved.pk}/reply/",
            {"decision": "approved", "replied_on": "2026-10-31", "replier_body": "市民主生活会督导组"},
        )
        self.assertEqual(response.status_code, 302)
        self.login("preparer")
        lines = self.lines(self.meeting)
        self.assertIn("经市农业农村局党组研究并报市民主生活会督导组审核同意，", paragraph(lines, "按照"))
        self.assertIn("市民主生活会督导组于2026年10月31日审核同意。", paragraph(lines, "（一）认真制订方案。"))
        self.assertNotIn("马骏", "\n".join(lines))

    def test_a_reply_dated_after_today_is_refused(self):
        approved = PlanRequest.objects.get(meeting=self.meeting, status=RequestStatus.APPROVED)
        PlanRequest.objects.filter(pk=approved.pk).update(status=RequestStatus.PENDING)
        self.login("supervisor")
        later = (today() + dt.timedelta(days=3)).isoformat()
        response = self.client.post(
            f"/plan-requests/{approved.pk}/reply/", {"decision": "approved", "replied_on": later}
        )
        self.assertContains(response, "答复日期不能晚于今天")
        self.assertEqual(PlanRequest.objects.get(pk=approved.pk).status, RequestStatus.PENDING)

    def test_an_outline_approval_names_the_body_and_the_day(self):
        outline = Material.objects.filter(meeting=self.meeting, owner__isnull=False, status=Status.SUBMITTED).first()
        self.assertIsNotNone(outline, "the demo has a submitted outline")
        self.login("principal")
        page = self.client.get(f"/meetings/{self.meeting.pk}/materials/{outline.owner_id}/").content.decode()
        self.assertIn('value="局党组书记"', page)  # his post, as the seeds name the reviewer
        response = self.client.post(
            f"/meetings/{self.meeting.pk}/materials/{outline.owner_id}/review/",
            {"action": "approve", "happened_on": "2026-11-01", "body": "局党组书记", "comments": "同意"},
        )
        self.assertEqual(response.status_code, 302)
        event = ReviewEvent.objects.filter(material=outline, action="approve").get()
        self.assertEqual((event.happened_on, event.body), (dt.date(2026, 11, 1), "局党组书记"))
        self.login("preparer")
        materials = paragraph(self.lines(self.meeting), "（五）认真撰写对照检查材料。")
        self.assertIn("班子成员个人发言提纲均由本人亲自撰写，并由局党组书记审核把关。", materials)


class CaseAndOutcomeTest(ReportTestCase):
    def test_the_case_is_recorded_and_named_as_the_year_calls_it(self):
        config = self.meeting.config
        config.requires_case_analysis, config.case_analysis_title = True, "反面典型案例剖析"
        config.save()
        self.login("preparer")
        lines = self.lines(self.meeting)
        case = paragraph(lines, "（六）反面典型案例剖析。")
        self.assertIn("【待补充】", case)  # the year requires it: a real report must state it
        page = self.client.get(f"/meetings/{self.meeting.pk}/materials/").content.decode()
        self.assertIn("反面典型案例剖析", page)
        response = self.client.post(
            f"/meetings/{self.meeting.pk}/materials/case/",
            {"case_name": "某县农业农村局原局长严重违纪违法案", "lessons": "深刻汲取教训，筑牢拒腐防变的思想防线"},
        )
        self.assertEqual(response.status_code, 302)
        case = paragraph(self.lines(self.meeting), "（六）反面典型案例剖析。")
        self.assertIn("结合某县农业农村局原局长严重违纪违法案，以案为鉴、以案促改，深刻汲取教训", case)
        self.assertNotIn("【待补充】", case)
        # The material's skeleton takes the year's title and the case.
        self.client.post(f"/meetings/{self.meeting.pk}/materials/team/skeleton/", {"replace": "1"})
        team = Material.objects.get(meeting=self.meeting, owner__isnull=True)
        text = team.versions.get(number=team.current_version).text
        self.assertIn("五、反面典型案例剖析", text)
        self.assertIn("结合某县农业农村局原局长严重违纪违法案", text)

    def test_a_case_without_a_name_is_refused(self):
        self.login("preparer")
        response = self.client.post(f"/meetings/{self.meeting.pk}/materials/case/", {"case_name": " ", "lessons": "x"})
        self.assertContains(response, "这个字段是必填项")

    def test_the_achievements_make_their_section(self):
        self.login("preparer")
        meeting = self.last_meeting
        response = self.client.post(
            f"/meetings/{meeting.pk}/outcome/",
            {"achievements": "经历了严格严肃的政治淬炼。班子成员充分发扬自我革命精神。\n凝聚了团结奋进的强大合力。"},
        )
        self.assertEqual(response.status_code, 302)
        lines = self.lines(meeting)
        self.assertIn("三、会议取得的成效", lines)
        self.assertIn("（一）经历了严格严肃的政治淬炼。班子成员充分发扬自我革命精神。", lines)
        self.assertIn("（二）凝聚了团结奋进的强大合力。", lines)
        self.assertIn("四、抓实会后各项工作，巩固和运用会议成果", lines)
        self.client.post(f"/meetings/{meeting.pk}/outcome/", {"achievements": ""})
        self.assertNotIn("三、会议取得的成效", self.lines(meeting))


class ReceiptTest(ReportTestCase):
    def test_the_supervisor_records_the_day_the_report_came_in_and_the_body(self):
        meeting = self.meeting
        self.login("supervisor")
        page = self.client.get(f"/meetings/{meeting.pk}/documents/report/").content.decode()
        self.assertIn("尚未登记收到", page)
        self.assertIn('value="市委第三督导组"', page)
        day = today().isoformat()
        response = self.client.post(
            f"/meetings/{meeting.pk}/report-receipt/", {"received_on": day, "body": "市民主生活会督导组"}
        )
        self.assertEqual(response.status_code, 302)
        page = self.client.get(f"/meetings/{meeting.pk}/documents/report/").content.decode()
        self.assertIn(f"市民主生活会督导组于{today().year}年{today().month}月{today().day}日收到本报告", page)
        later = (today() + dt.timedelta(days=1)).isoformat()
        response = self.client.post(f"/meetings/{meeting.pk}/report-receipt/", {"received_on": later, "body": "x"})
        self.assertIn("收到日期不能晚于今天", self.client.get(response["Location"]).content.decode())
        self.login("member")
        self.assertNotIn("登记收到", self.client.get(f"/meetings/{meeting.pk}/documents/report/").content.decode())
        response = self.client.post(f"/meetings/{meeting.pk}/report-receipt/", {"received_on": day, "body": "x"})
        self.assertEqual(response.status_code, 403)
