"""会议记录 as a document: from the record, in speaking order, with 【待补充】 where nothing is recorded."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from urllib.parse import quote

from django.core.management import call_command
from docx import Document
from docx.oxml.ns import qn

from mingjing.documents.slots import MISSING
from mingjing.minutes.models import Attendance, MemberSpeech, Presence
from mingjing.minutes.services import (
    criticism_add,
    minutes_row_update,
    minutes_start,
    minutes_update,
    observer_add,
    supervisor_present_add,
)
from mingjing.problems.models import Problem
from mingjing.talks.services import talk_record
from mingjing.test import DEMO_DAY, BaseTestCase


def document(content: bytes):
    return Document(io.BytesIO(content))


def lines(content: bytes) -> list[str]:
    return [p.text for p in document(content).paragraphs]


def table_rows(content: bytes) -> list[list[str]]:
    return [[c.text for c in row.cells] for t in document(content).tables for row in t.rows]


class MinutesDocumentTest(BaseTestCase):
    def download(self, meeting=None, **query):
        meeting = meeting or self.meeting
        return self.client.get(f"/meetings/{meeting.pk}/documents/minutes/download/", {"format": "docx", **query})

    def entry(self, name):
        return self.meeting.roster.get(name=name)

    def record_meeting(self):
        """The 2025 meeting recorded: 赵强 on leave, one observer, criticisms, speeches."""
        record = minutes_start(actor=self.preparer, meeting=self.meeting, recorder="黄蕾")
        zhao, li, wang, zhang = (self.entry(n) for n in ("赵强", "李华", "王芳", "张明"))
        minutes_row_update(actor=self.preparer, row=Attendance.objects.get(record=record, entry=zhao),
                           data={"status": Presence.LEAVE, "leave_reason": "外出参加省厅会议"})  # fmt: skip
        observer_add(actor=self.preparer, record=record, name="孙丽", post="局办公室主任")
        supervisor_present_add(actor=self.preparer, record=record, name="马骏", title="组长", body="市委第三督导组")
        criticism_add(actor=self.preparer, record=record, from_entry=zhang, to_entry=li, points=2,
                      text="抓分管领域廉政风险防控不够细，对项目资金拨付的监督停留在审签环节。")  # fmt: skip
        criticism_add(actor=self.preparer, record=record, from_entry=wang, to_entry=li, points=1,
                      text="深入基层调研不多。")  # fmt: skip
        speech = MemberSpeech.objects.get(record=record, entry=li)
        minutes_row_update(actor=self.preparer, row=speech, data={
            "self_examination_given": True, "response": "虚心接受同志们的批评，逐条认领、立行立改",
            "personal_matters": "本人如实报告了个人有关事项，无应报未报情况"})  # fmt: skip
        minutes_update(actor=self.preparer, record=record, data={
            "team_examination_given": True,
            "supervisor_requirements": "扎实抓好整改落实\n建立长效机制",
            "principal_requirements": "一要持续提高政治站位\n二要持续抓好整改落实"})  # fmt: skip
        return record

    def test_the_record_in_speaking_order_with_its_counts(self):
        self.record_meeting()
        self.login("member")
        response = self.download()
        self.assertEqual(response.status_code, 200)
        name = quote("市农业农村局党组领导班子2025年度民主生活会-会议记录.docx")
        self.assertIn(name, response["Content-Disposition"])
        text = lines(response.content)
        self.assertEqual(text[0], "市农业农村局党组领导班子\n2025年度民主生活会会议记录")
        self.assertEqual(text[1], "（记录稿，未定稿）")
        self.assertIn("主持人：张明（局党组书记、局长）", text)
        self.assertIn("记录人：黄蕾", text)
        self.assertIn("出席情况：应到4人，实到3人，符合2/3要求；请假1人。", text)
        self.assertIn("实到人员：张明、李华、王芳", text)
        self.assertIn("请假人员：赵强（外出参加省厅会议）", text)
        self.assertIn("到会督导人员：市委第三督导组组长马骏", text)
        self.assertIn("列席人员：局办公室主任孙丽", text)
        # Speaking order: the principal, then members by precedence; the one on leave is named as such.
        turns = [t for t in text if t.startswith("（") and "同志（局党组" in t]
        self.assertEqual([t[3:5] for t in turns], ["张明", "李华", "王芳", "赵强"])
        self.assertIn("赵强同志请假（外出参加省厅会议），未到会。", text)
        li = text.index("（二）李华同志（局党组成员、副局长）")
        part = text[li : text.index("（三）王芳同志（局党组成员、副局长）")]
        self.assertIn("李华同志作个人对照检查发言，查摆问题2条。", part)  # his problems, counted from the records
        self.assertIn("其他班子成员提出批评意见3条（2人次）：", part)
        self.assertIn("张明同志（2条）：抓分管领域廉政风险防控不够细，对项目资金拨付的监督停留在审签环节。", part)
        self.assertIn("王芳同志（1条）：深入基层调研不多。", part)
        self.assertIn("表态发言：虚心接受同志们的批评，逐条认领、立行立改。", part)
        self.assertIn("李华同志：本人如实报告了个人有关事项，无应报未报情况。", text)
        self.assertIn("提出要求：一要扎实抓好整改落实。二要建立长效机制。", text)
        self.assertIn("对做好会后工作提出要求：一要持续提高政治站位。二要持续抓好整改落实。", text)  # numbered as typed
        # What was not recorded is left to fill in, never made up.
        self.assertIn(f"点评意见：{MISSING}", text)
        self.assertIn(f"张明同志作总结讲话：{MISSING}", text)
        self.assertIn(f"谈话函询情况通报：{MISSING}", text)
        self.assertIn(f"表态发言：{MISSING}", text)
        # The computed figures: a sentence and a table per member.
        self.assertTrue(any("相互提出批评意见3条（2人次）" in t for t in text))
        rows = table_rows(response.content)
        self.assertEqual(rows[0], ["序号", "姓名", "出席", "查摆问题（条）", "提出批评意见", "收到批评意见"])
        self.assertEqual(rows[1], ["1", "张明", "出席", "0", "2条（1人次）", "0条（0人次）"])
        self.assertEqual(rows[2], ["2", "李华", "出席", "2", "0条（0人次）", "3条（2人次）"])
        self.assertEqual(rows[4][:3], ["4", "赵强", "请假"])
        member_problems = str(Problem.objects.filter(meeting=self.meeting, member__isnull=False).count())
        self.assertEqual(rows[-1], ["", "合计", "3人出席", member_problems, "3条（2人次）", "3条（2人次）"])

    def test_a_fact_removed_from_the_record_prints_daixubuchong(self):
        record = self.record_meeting()
        minutes_update(actor=self.preparer, record=record, data={"place": "", "recorder": ""})
        self.login("preparer")
        text = lines(self.download().content)
        self.assertIn(f"地点：{MISSING}", text)
        self.assertIn(f"记录人：{MISSING}", text)

    def test_last_years_finalised_record(self):
        self.login("principal")
        response = self.download(meeting=self.last_meeting)
        text = lines(response.content)
        self.assertEqual(text[0], "市农业农村局党组领导班子\n2024年度民主生活会会议记录")
        self.assertEqual(text[1], "")  # finalised: no mark
        self.assertIn("时间：2025年1月16日上午", text)
        self.assertIn("列席人员：无", text)  # an empty list in a finalised record means none
        self.assertIn("请假人员：无", text)
        self.assertIn("谈话函询情况通报：本年度班子成员未受到谈话函询。", text)
        criticism = "李华同志（2条）：调研多在机关听汇报，深入基层一线解决实际问题少，比如全年到乡镇蹲点调研不足3次。"
        self.assertIn(criticism, text)
        # The engine's page and fonts are intact: headings in 黑体/楷体.
        doc = document(response.content)
        heading = next(p for p in doc.paragraphs if p.text == "五、督导组点评")
        self.assertEqual(heading.runs[0]._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")), "黑体")
        self.assertEqual(doc.sections[0]._sectPr.find(qn("w:docGrid")).get(qn("w:linePitch")), "579")

    def test_no_record_yet_gives_a_form_of_slots_and_the_cli_writes_it(self):
        with tempfile.TemporaryDirectory() as tmp:
            call_command("document", "minutes", "--meeting", str(self.meeting.pk), "-o", tmp, stdout=io.StringIO())
            text = lines((Path(tmp) / "市农业农村局党组领导班子2025年度民主生活会-会议记录.docx").read_bytes())
        self.assertEqual(text[1], "（会议记录尚未开始填写）")
        for label in ("时间", "地点", "主持人", "记录人", "实到人员", "请假人员", "到会督导人员", "列席人员"):
            self.assertIn(f"{label}：{MISSING}", text)
        self.assertIn("应到人员：张明、李华、王芳、赵强（共4人）", text)
        self.assertIn("（一）张明同志（局党组书记、局长）", text)
        self.assertIn(f"其他班子成员提出的批评意见：{MISSING}", text)
        self.assertFalse(any("依次作对照检查发言" in t for t in text))  # nothing said to have happened


class TalksRecordWordingTest(BaseTestCase):
    """The 谈心谈话记录 kind (mingjing/documents/kinds.py) as reworded with this task: 参加人员 is never
    guessed from the pair, and whether criticism was discussed is asked of talks between members only."""

    def test_participants_and_criticism_lines(self):
        roster = {e.name: e for e in self.meeting.roster.all()}
        wang = roster["王芳"]
        talk_record(actor=self.preparer, meeting=self.meeting, talk_date=DEMO_DAY, member=roster["李华"],
                    counterpart_kind="member", other_member=wang, topics="交流思想。")  # fmt: skip
        talk_record(actor=self.preparer, meeting=self.meeting, talk_date=DEMO_DAY, member=wang,
                    counterpart_kind="division_heads", division=wang.supervised_divisions.first(),
                    topics="听取意见。")  # fmt: skip
        self.login("preparer")
        response = self.client.get(f"/meetings/{self.meeting.pk}/documents/talks/download/", {"format": "docx"})
        text = lines(response.content)
        pair = next(t for t in text if t.startswith("谈话时间：") and "谈话人：李华" in t)
        self.assertTrue(pair.endswith("谈话对象：王芳（局党组成员、副局长）。"))  # not “参加人员：王芳”
        heads = next(t for t in text if t.startswith("谈话时间：") and "谈话人：王芳" in t)
        self.assertTrue(heads.endswith(f"负责同志；参加人员：{MISSING}。"))
        self.assertEqual(text.count(f"拟在会上提出的批评意见是否已当面沟通：{MISSING}"), 1)  # the members' talk only
        self.assertFalse(any("未记录已沟通" in t for t in text))
