"""Every compliance rule broken on the demo and found reported on the meeting page, as the preparer
(or the superior) sees it; rules that cannot be judged yet say so; the classifier of criticisms."""

from __future__ import annotations

import datetime as dt
import re
from unittest import mock

from django.db import connection
from django.test import SimpleTestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mingjing.compliance.rules import is_hope_only
from mingjing.compliance.selectors import compliance_for_meetings, meeting_compliance
from mingjing.meetings.models import Meeting, StepCompletion
from mingjing.minutes.models import Attendance, Criticism, MeetingRecord, Presence
from mingjing.plans.models import PlanRequest
from mingjing.problems.models import Problem
from mingjing.rectification.models import RectificationItem
from mingjing.rectification.models import Status as ItemStatus
from mingjing.test import DEMO_DAY, BaseTestCase

CONCRETE = "调研多在机关听汇报，深入基层解决实际问题少，比如全年到乡镇调研不足3次。"


def at(day: dt.date):
    """The rules judged as of `day` (the demo is dated DEMO_DAY; the suite runs on any day)."""
    return mock.patch("mingjing.compliance.selectors.today", return_value=day)


class RulesOnTheMeetingPage(BaseTestCase):
    def row(self, meeting: Meeting, code: str, persona: str = "preparer") -> str:
        """The text of the rule's row on the meeting page (tags stripped)."""
        self.login(persona)
        response = self.client.get(reverse("meetings:detail", args=[meeting.pk]))
        self.assertEqual(response.status_code, 200)
        match = re.search(rf'<tr id="rule-{code}">(.*?)</tr>', response.content.decode(), re.S)
        self.assertIsNotNone(match, f"rule {code} not on the page")
        return re.sub(r"<[^>]+>", " ", match.group(1))

    def assert_broken(self, meeting: Meeting, code: str, *details: str) -> None:
        text = self.row(meeting, code)
        self.assertIn("不符合", text)
        for d in details:
            self.assertIn(d, text)
        self.assertIn("去", text)  # the link to where it is fixed

    def after_meeting_day(self):
        return at(self.meeting.planned_date + dt.timedelta(days=1))

    # --- before the meeting: nothing the meeting decides is broken yet --------------------------
    def test_meeting_not_held_rules_wait(self):
        with at(DEMO_DAY):
            for code in ("quorum", "criticism", "report_deadline", "rectification_fields"):
                with self.subTest(code):
                    text = self.row(self.meeting, code)
                    self.assertIn("尚不能判断", text)
                    self.assertIn("会议尚未召开", text)
            result = meeting_compliance(meeting=self.meeting)
        self.assertEqual(result.broken_count, 0, [r.details for r in result.broken])

    # --- each rule broken ----------------------------------------------------------------------
    def test_request_sent_too_late(self):
        PlanRequest.objects.filter(meeting=self.meeting).update(sent_on=self.meeting.planned_date - dt.timedelta(5))
        with at(DEMO_DAY):
            self.assert_broken(self.meeting, "request_lead", "会前仅5天", "应不少于15天")

    def test_request_threshold_from_config(self):
        sent = PlanRequest.objects.filter(meeting=self.meeting).order_by("sent_on").first().sent_on
        lead = (self.meeting.planned_date - sent).days
        with at(DEMO_DAY):
            self.assertIn("符合", self.row(self.meeting, "request_lead"))
        self.meeting.config.plan_lead_days = lead + 1
        self.meeting.config.save()
        with at(DEMO_DAY):
            self.assert_broken(self.meeting, "request_lead", f"会前{lead + 1}天")

    def test_quorum_not_met(self):
        record = MeetingRecord.objects.get(meeting=self.last_meeting)
        Attendance.objects.filter(record=record, entry__name__in=["王芳", "赵强"]).update(status=Presence.LEAVE)
        self.assert_broken(self.last_meeting, "quorum", "应到4人，实到2人")

    def test_quorum_share_from_config(self):
        record = MeetingRecord.objects.get(meeting=self.last_meeting)
        Attendance.objects.filter(record=record, entry__name="赵强").update(status=Presence.LEAVE)
        self.assertIn("符合", self.row(self.last_meeting, "quorum"))  # 3 of 4 meets 2/3
        config = self.last_meeting.config
        config.compliance_rules = {"quorum": {"share": "90%"}}
        config.save()
        self.assert_broken(self.last_meeting, "quorum", "90%", "实到3人")

    def test_talks_not_covered_before_the_meeting(self):
        self.assertFalse(StepCompletion.objects.filter(meeting=self.meeting, step="talks").exists())
        with at(DEMO_DAY):
            self.assertIn("尚不能判断", self.row(self.meeting, "talk_coverage"))
        with self.after_meeting_day():
            self.assert_broken(self.meeting, "talk_coverage", "未全覆盖")

    def test_criticism_missing_pairs(self):
        # The demo's 2024 record has four criticisms among four members: eight pairs are missing.
        self.assert_broken(self.last_meeting, "criticism", "缺少8对相互批评", "王芳→张明")

    def test_criticism_only_a_hope_does_not_count(self):
        record = MeetingRecord.objects.get(meeting=self.last_meeting)
        entries = list(self.last_meeting.roster.all())
        Criticism.objects.filter(record=record).delete()
        for giver in entries:
            for receiver in entries:
                if giver != receiver:
                    Criticism.objects.create(record=record, from_entry=giver, to_entry=receiver, text=CONCRETE)
        self.assertIn("相互批评全覆盖", self.row(self.last_meeting, "criticism"))
        li, wang = entries[1], entries[2]
        Criticism.objects.filter(record=record, from_entry=li, to_entry=wang).update(
            text="希望进一步加强理论学习。建议多到基层走走。"
        )
        self.assert_broken(self.last_meeting, "criticism", f"{li.name}→{wang.name}", "1条批评意见只提希望、建议")

    def test_problem_without_example(self):
        problems = Problem.objects.filter(meeting=self.last_meeting)
        problems.update(example="比如，全年到基层调研不足3次。")
        self.assertIn("均有具体事例", self.row(self.last_meeting, "problem_examples"))
        problem = problems.filter(member__isnull=False).select_related("member").first()
        Problem.objects.filter(pk=problem.pk).update(example="")
        self.assert_broken(self.last_meeting, "problem_examples", "1条问题没有具体事例", f"{problem.member.name}1条")

    def test_outlines_not_approved_before_the_meeting(self):
        with self.after_meeting_day():
            self.assert_broken(self.meeting, "outline_approval", "李华", "未经主要负责同志审核通过")

    def test_placeholders_left_in_the_material(self):
        with at(DEMO_DAY):
            self.assertIn("尚不能判断", self.row(self.meeting, "no_placeholders"))
        with self.after_meeting_day():
            text = self.row(self.meeting, "no_placeholders")
        self.assertIn("不符合", text)
        self.assertRegex(text, r"李华的发言提纲\d+处")
        self.assertRegex(text, r"班子材料\d+处")

    def test_report_sent_late(self):
        self.assertIn("符合", self.row(self.last_meeting, "report_deadline"))
        late = self.last_meeting.planned_date + dt.timedelta(days=20)
        StepCompletion.objects.filter(meeting=self.last_meeting, step="report").update(completed_on=late)
        self.assert_broken(self.last_meeting, "report_deadline", "逾期5天")

    def test_report_not_sent(self):
        StepCompletion.objects.filter(meeting=self.last_meeting, step="report").delete()
        self.assert_broken(self.last_meeting, "report_deadline", "尚未报送")

    def test_rectification_item_without_deadline_or_person(self):
        self.assertIn("均已明确责任人和时限", self.row(self.last_meeting, "rectification_fields"))
        item = RectificationItem.objects.filter(meeting=self.last_meeting, status=ItemStatus.CLOSED).first()
        RectificationItem.objects.filter(pk=item.pk).update(
            deadline=None, long_term=False, responsible_leader=None, responsible_person=None
        )
        self.assert_broken(self.last_meeting, "rectification_fields", "1项未明确责任领导或责任人", "1项未明确整改时限")

    def test_rule_turned_off_in_config(self):
        config = self.last_meeting.config
        config.compliance_rules = {"criticism": {"enabled": False}}
        config.save()
        text = self.row(self.last_meeting, "criticism")
        self.assertIn("未启用", text)
        self.assertNotIn("不符合", text)

    def test_superior_sees_the_checks(self):
        self.assertIn("不符合", self.row(self.last_meeting, "criticism", persona="superior"))


class BulkQueries(BaseTestCase):
    def test_fixed_number_of_queries_whatever_the_records(self):
        meetings = list(Meeting.objects.filter(pk__in=[self.meeting.pk, self.last_meeting.pk]).select_related("config"))
        with CaptureQueriesContext(connection) as small:
            compliance_for_meetings(meetings, on=DEMO_DAY)
        record = MeetingRecord.objects.get(meeting=self.last_meeting)
        entries = list(self.last_meeting.roster.all())
        for i in range(60):
            Criticism.objects.create(record=record, from_entry=entries[i % 4], to_entry=entries[(i + 1) % 4], text="x")
            Problem.objects.create(meeting=self.meeting, member=None, description=f"问题{i}")
        with self.assertNumQueries(len(small.captured_queries)):
            compliance_for_meetings(meetings, on=DEMO_DAY)
        with self.assertNumQueries(len(small.captured_queries)):
            meeting_compliance(meeting=meetings[0], on=DEMO_DAY)
        self.assertEqual(len(small.captured_queries), 8)


class Classifier(SimpleTestCase):
    def test_hope_or_suggestion_only(self):
        for text in (
            "",
            "希望进一步加强学习。",
            "建议多下基层。要进一步转变作风。",
            "工作扎实，成绩突出。",
            "希望改变学习不深的问题",
        ):
            with self.subTest(text):
                self.assertTrue(is_hope_only(text))
        for text in (CONCRETE, "要进一步加强学习，目前对新理论学得不深不透。"):
            with self.subTest(text):
                self.assertFalse(is_hope_only(text))
