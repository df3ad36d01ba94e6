"""The 情况报告 and the 整改落实情况报告, downloaded from the 文书 page as a user would, opened with
python-docx: the numbers come from the records (expectations computed from the same records), a
fact removed prints 【待补充】, an edit survives regeneration, and LibreOffice lays the body out on
the 22 × 28 grid."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from django.core.management import call_command
from docx import Document
from docx.shared import Mm

from mingjing.documents.engine import display_width
from mingjing.documents.pdf import pdf_available
from mingjing.documents.registry import kinds
from mingjing.documents.slots import MISSING
from mingjing.meetings.models import Meeting, StepCompletion
from mingjing.minutes.models import MeetingRecord
from mingjing.minutes.selectors import minutes_for_meeting
from mingjing.opinions.selectors import opinion_tallies
from mingjing.problems.selectors import problem_counts
from mingjing.rectification.models import RectificationItem, Status
from mingjing.studies.models import StudyForm
from mingjing.studies.services import study_session_record
from mingjing.talks.selectors import talk_coverage
from mingjing.talks.services import talk_record
from mingjing.test import DEMO_DAY, BaseTestCase

NEEDS = "LibreOffice (soffice) 和 poppler-utils (pdftotext) 未安装：跳过 PDF 排版测试（CI 会安装）"
TOOLS = pdf_available() and shutil.which("pdftotext") is not None
PAGE_NUMBER = re.compile(r"^—\s*\d+\s*—$")
LEVEL_1 = re.compile(r"^[一二三四五六七八九十]+、")


def texts(content: bytes) -> list[str]:
    document = Document(io.BytesIO(content))
    out = [p.text for p in document.paragraphs]
    out += [c.text for t in document.tables for row in t.rows for c in row.cells]
    return out


def paragraph(lines: list[str], start: str) -> str:
    """The one paragraph starting with `start` (a test fails loudly when it is not there)."""
    found = [line for line in lines if line.startswith(start)]
    if len(found) != 1:
        raise AssertionError(f"{len(found)} paragraphs start with {start!r}")
    return found[0]


def pdf_pages(pdf: bytes) -> list[list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    pages = text.stdout.split("\f")
    return [[line.strip() for line in page.split("\n") if line.strip()] for page in pages if page.strip()]


class ReportTestCase(BaseTestCase):
    def download(self, meeting: Meeting, kind: str = "report", fmt: str = "docx"):
        response = self.client.get(f"/meetings/{meeting.pk}/documents/{kind}/download/", {"format": fmt})
        self.assertEqual(response.status_code, 200, response.content[:300])
        return response

    def lines(self, meeting: Meeting, kind: str = "report") -> list[str]:
        return texts(self.download(meeting, kind).content)

    def entry(self, name: str, meeting: Meeting | None = None):
        return (meeting or self.meeting).roster.get(name=name)

    def record_preparation(self) -> None:
        """Two study sessions and two talks on the 2025 meeting (the demo has none)."""
        roster = list(self.meeting.roster.all())
        study_session_record(actor=self.preparer, meeting=self.meeting, session_date=DEMO_DAY,
                             form=StudyForm.COLLECTIVE, materials="党章\n习近平总书记关于作风建设的重要论述",
                             participants=roster)  # fmt: skip
        study_session_record(actor=self.preparer, meeting=self.meeting, session_date=DEMO_DAY + dt.timedelta(days=2),
                             form=StudyForm.SEMINAR, materials="中央八项规定及其实施细则精神",
                             participants=roster[:2])  # fmt: skip
        for day, other in ((3, "李华"), (4, "王芳")):
            talk_record(actor=self.preparer, meeting=self.meeting, talk_date=DEMO_DAY + dt.timedelta(days=day),
                        member=self.entry("张明"), counterpart_kind="member", other_member=self.entry(other),
                        topics="交流思想，沟通批评意见。", criticism_discussed=day == 3)  # fmt: skip


class ReportContentTest(ReportTestCase):
    def test_the_kinds_are_registered_first_and_listed_on_the_documents_page(self):
        self.assertEqual([k.kind for k in kinds()][:2], ["report", "rectification-report"])
        self.login("preparer")
        page = self.client.get(f"/meetings/{self.meeting.pk}/documents/").content.decode()
        self.assertIn("民主生活会情况报告", page)
        self.assertIn("整改落实情况报告", page)
        self.assertLess(page.index("民主生活会情况报告"), page.index("谈心谈话记录"))

    def test_preparation_numbers_come_from_the_records(self):
        self.record_preparation()
        self.login("member")
        lines = self.lines(self.meeting)
        unit = self.bureau
        self.assertIn(f"关于{self.meeting.title}召开情况的报告".replace("\n", ""), "".join(lines[:3]).replace("\n", ""))
        self.assertIn(f"{unit.addressees}：", lines)
        self.assertEqual(lines[-1], MISSING, "the meeting is not held yet: the report is not dated")
        self.assertEqual(lines[-2], unit.name)
        # The request and its approval, with its 文号.
        plan = paragraph(lines, "（一）认真制订方案。")
        self.assertIn("（明农党组〔2026〕21号）报市纪委监委、市委组织部", plan)
        self.assertNotIn("马骏", plan, "the report names the body that approved, never a person")
        self.assertIn("《市农业农村局党组领导班子2025年度民主生活会实施方案》，明确了", plan)  # no 文号: none printed
        # Study: two sessions of two forms, members' attendance counted.
        study = paragraph(lines, "（二）深入学习研讨。")
        self.assertIn("于2026年11月2日开展集中学习1次，于2026年11月4日开展研讨1次，班子成员参加6人次", study)
        self.assertIn("重点学习了党章；习近平总书记关于作风建设的重要论述；中央八项规定及其实施细则精神", study)
        # Opinions per target, as the records count them.
        tallies = opinion_tallies(self.meeting)
        opinions = paragraph(lines, "（三）广泛征求意见。")
        self.assertIn(f"共收到意见建议{tallies.total}条", opinions)
        self.assertIn(f"对领导班子意见建议{tallies.targets[0].count}条", opinions)
        for target in tallies.targets[1:]:
            if target.count:
                post = self.entry(target.name).post
                self.assertIn(f"对{post}{target.name}同志{target.count}条", opinions)
        self.assertIn(f"发放征求意见表{tallies.forms_sent}份、收回{tallies.forms_returned}份", opinions)
        self.assertIn(f"归纳整理为{tallies.aspects}个方面{tallies.items}项", opinions)
        # Talks: the coverage as computed from the records.
        coverage = talk_coverage(meeting=self.meeting)
        talks = paragraph(lines, "（四）深入谈心谈话。")
        left = coverage.required - coverage.done
        self.assertFalse(coverage.complete)
        self.assertIn("共谈话2次，其中1次谈话沟通了拟在会上提出的批评意见", talks)  # no internal “尚有…项未谈”
        self.assertNotIn(f"{left}项未谈", talks)  # fmt: skip
        # Materials and problems.
        counts = problem_counts(self.meeting)
        materials = paragraph(lines, "（五）认真撰写对照检查材料。")
        team, members = counts.by_owner[None].total, counts.members_total
        self.assertIn(f"领导班子查摆问题{team}个，", materials)
        self.assertIn(f"班子成员查摆问题{members}个", materials)
        self.assertIn("由局党组书记、局长张明同志主持起草", materials)
        # The meeting is ahead: what happens at it is still to be filled in; the place and date are the meeting's.
        attendance = paragraph(lines, "2026年11月23日下午，")
        self.assertIn("在局机关三楼会议室召开。会议由【待补充】主持", attendance)
        self.assertEqual(paragraph(lines, "会议共有"), f"会议共有{MISSING}项议程：{MISSING}")
        # The carried-over ledger of last year is briefed at the meeting.
        briefing = paragraph(lines, "会上，书面通报了")
        self.assertIn("2024年度民主生活会查摆问题确定的5项整改事项，已整改完成3项，正在整改1项，需长期坚持1项。",
                      briefing)  # fmt: skip

    def test_meeting_numbers_come_from_the_minutes(self):
        meeting = self.last_meeting
        minutes = minutes_for_meeting(meeting)
        self.login("preparer")
        lines = self.lines(meeting)
        totals = minutes.totals
        attendance = paragraph(lines, "2025年1月16日上午，")
        self.assertIn(f"会议由局党组书记、局长张明同志主持，市农业农村局党组领导班子{minutes.present_names}"
                      f"{minutes.quorum.expected}名同志全部参加会议",
                      attendance)  # fmt: skip
        self.assertIn("市委第三督导组组长马骏同志到会指导", attendance)
        agenda = paragraph(lines, "会议共有")
        self.assertTrue(agenda.startswith(f"会议共有{len(minutes.agenda)}项议程：一是{minutes.agenda[0].text}。"))
        criticism = paragraph(lines, "班子成员依次作个人对照检查发言")
        self.assertIn(f"共查摆问题{totals.member_problems}个，相互提出批评意见{totals.criticism_points}条"
                      f"（{totals.criticisms}人次）", criticism)  # fmt: skip
        for turn in minutes.present_turns:
            said = [f"查摆问题{turn.counts.problems}个" if turn.counts.problems else "",
                    f"听取批评意见{turn.counts.received_points}条" if turn.counts.received_points else ""]  # fmt: skip
            self.assertIn(f"{turn.entry.name}同志" + "、".join(x for x in said if x), criticism)
        self.assertNotIn("查摆问题0个", criticism)  # a zero is not a claim
        self.assertIn("本年度班子成员未受到谈话函询", paragraph(lines, "主要负责同志通报了班子成员受到谈话函询等情况"))
        supervisors = paragraph(lines, "市委第三督导组组长马骏同志对民主生活会作了点评：")
        self.assertIn("达到了预期效果，并对市农业农村局党组领导班子提出要求：一要扎实抓好整改落实。二要建立长效机制。",
                      supervisors)  # fmt: skip
        summary = paragraph(lines, "会议最后，张明同志作总结讲话：")
        self.assertIn("一要持续提高政治站位。二要持续抓好整改落实。", summary)  # not “一要一要…”
        # The ledger, counted as of the report's own date (the day the 报送情况报告 step was completed):
        # items closed or carried on after it were still being rectified then.
        step = StepCompletion.objects.get(meeting=meeting, step="report")
        on = step.completed_on
        self.assertEqual(lines[-1], f"{on.year}年{on.month}月{on.day}日")
        items = RectificationItem.objects.filter(meeting=meeting)
        closed = items.filter(status=Status.CLOSED, closed_on__lte=on).count()
        long_term = items.exclude(status=Status.CLOSED, closed_on__lte=on).filter(long_term=True).count()
        rectification = next(line for line in lines if "制订整改方案和整改清单。" in line)
        self.assertIn(f"列出整改事项{items.filter(owner=None).count()}项", rectification)
        self.assertIn(f"截至{on.year}年{on.month}月{on.day}日，", rectification)
        self.assertIn(f"正在整改{items.count() - closed - long_term}项", rectification)
        if closed:
            self.assertIn(f"已销号{closed}项", rectification)
        self.assertNotIn("已结转", rectification)  # carried on later, after the report
        self.assertNotIn("0项", rectification)

    def test_a_removed_fact_prints_daixubuchong_where_it_was(self):
        self.login("preparer")
        before = paragraph(self.lines(self.meeting), "2026年11月23日下午，")
        self.assertIn("在局机关三楼会议室召开", before)
        Meeting.objects.filter(pk=self.meeting.pk).update(place="")
        after = self.lines(self.meeting)
        self.assertIn(f"在{MISSING}召开", paragraph(after, "2026年11月23日下午，"))
        self.assertIn(f"市农业农村局党组在{MISSING}召开了2025年度民主生活会", paragraph(after, "按照"))
        # The minutes of last year's meeting removed: the chair, the supervisors, the agenda are missing.
        lines = self.lines(self.last_meeting)
        self.assertIn("会议由局党组书记、局长张明同志主持", paragraph(lines, "2025年1月16日上午，"))
        MeetingRecord.objects.filter(meeting=self.last_meeting).delete()
        lines = self.lines(self.last_meeting)
        attendance = paragraph(lines, "2025年1月16日上午，")
        self.assertIn(f"会议由{MISSING}主持", attendance)
        self.assertNotIn("到会指导", attendance)  # optional: left out, never 【待补充】 mid-sentence
        self.assertIn(f"会议共有{MISSING}项议程：{MISSING}", lines)
        self.assertIn(f"相互提出批评意见{MISSING}条", paragraph(lines, "班子成员依次作个人对照检查发言"))

    def test_the_opening_cites_the_superiors_notice_recorded_on_the_plan(self):
        from mingjing.plans.models import Plan

        self.login("preparer")
        plan = Plan.objects.get(meeting=self.meeting)
        opening = paragraph(self.lines(self.meeting), "按照")
        self.assertTrue(opening.startswith(f"按照{plan.basis_issuer}《{plan.basis_title}》（{plan.basis_number}）要求"))
        Plan.objects.filter(pk=plan.pk).update(basis_number="")
        opening = paragraph(self.lines(self.meeting), "按照")
        self.assertTrue(opening.startswith(f"按照{plan.basis_issuer}《{plan.basis_title}》（{MISSING}）要求"), opening)

    def test_an_edit_survives_regeneration(self):
        self.login("preparer")
        url = f"/meetings/{self.meeting.pk}/documents/report/edit/"
        opening = ("按照中共明远市纪委、中共明远市委组织部《关于认真开好2025年度民主生活会的通知》"
                   "（明组通〔2026〕8号）要求，经局党组研究并报市委第三督导组同意，召开了2025年度民主生活会。"
                   "现将有关情况报告如下：")  # fmt: skip
        response = self.client.post(url, {"key": "opening", "text": opening})
        self.assertEqual(response.status_code, 302)
        self.record_preparation()  # the records change; the report is built again
        lines = self.lines(self.meeting)
        self.assertIn(opening, lines)
        self.assertIn("开展研讨1次", paragraph(lines, "（二）深入学习研讨。"))  # the rest follows the records
        page = self.client.get(f"/meetings/{self.meeting.pk}/documents/report/").content.decode()
        self.assertIn("已修改", page)
        for key in ("opening", "plan", "study", "opinions", "talks", "materials", "attendance", "agenda", "summary",
                    "rectification", "archive"):  # fmt: skip
            self.assertIn(f'id="p-{key}"', page)

    def test_page_setup_and_cli(self):
        self.login("member")
        document = Document(io.BytesIO(self.download(self.meeting).content))
        section = document.sections[0]
        expected = {"page_width": 210, "page_height": 297, "top_margin": 37, "bottom_margin": 35, "left_margin": 28,
                    "right_margin": 26}  # fmt: skip
        for name, mm in expected.items():
            self.assertAlmostEqual(getattr(section, name), Mm(mm), delta=Mm(0.1), msg=name)
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "report.docx"
            call_command("document", "report", "--meeting", str(self.meeting.pk), "-o", str(target),
                         stdout=io.StringIO())  # fmt: skip
            self.assertIn("（一）认真制订方案。", "\n".join(texts(target.read_bytes())))


class RectificationReportTest(ReportTestCase):
    def test_counts_follow_the_ledger(self):
        meeting = self.last_meeting
        items = list(RectificationItem.objects.filter(meeting=meeting))
        done = sum(1 for i in items if i.status == Status.CLOSED)
        carried = sum(1 for i in items if i.status == Status.CARRIED)  # counted once: in 2025's ledger
        long_term = sum(1 for i in items if i.is_open and i.long_term)
        in_progress = len(items) - done - long_term - carried
        self.login("preparer")
        lines = self.lines(meeting, "rectification-report")
        self.assertIn(f"关于{meeting.title}整改落实情况的报告", "".join(lines[:3]).replace("\n", ""))
        overall = paragraph(lines, "2024年度民主生活会共确定整改事项")
        team = sum(1 for i in items if i.owner_id is None)
        self.assertIn(f"共确定整改事项{len(items)}项，其中领导班子整改方案{team}项", overall)
        self.assertEqual((in_progress, long_term), (0, 0))
        self.assertIn(f"已完成{done}项，已结转到下一年度整改台账", overall)
        self.assertNotIn("正在整改0项", overall)
        self.assertIn(f"已结转到下一年度整改台账{carried}项", overall)
        self.assertIn("合计", lines)  # the summary table
        for item in items:
            if item.owner_id is None:
                self.assertTrue(any(line.startswith("（") and item.problem_text[:10] in line for line in lines))
        li = self.entry("李华", meeting)
        member = paragraph(lines, "李华同志整改清单列出整改事项")
        self.assertIn(f"列出整改事项{sum(1 for i in items if i.owner_id == li.pk)}项", member)
        # The closing of an item (in 2025's ledger, where the carried items live) moves it from
        # “正在整改” to “已完成”.
        item = RectificationItem.objects.filter(meeting=self.meeting, long_term=False).exclude(status="closed").first()
        overall = paragraph(self.lines(self.meeting, "rectification-report"), "2025年度民主生活会共确定整改事项")
        self.assertIn("正在整改1项", overall)
        self.assertNotIn("已完成", overall)
        RectificationItem.objects.filter(pk=item.pk).update(status=Status.CLOSED, closed_on=DEMO_DAY)
        overall = paragraph(self.lines(self.meeting, "rectification-report"), "2025年度民主生活会共确定整改事项")
        self.assertIn("已完成1项", overall)
        self.assertNotIn("正在整改", overall)

    def test_no_ledger_prints_daixubuchong(self):
        RectificationItem.objects.filter(meeting=self.meeting).delete()
        self.login("preparer")
        lines = self.lines(self.meeting, "rectification-report")
        self.assertIn(f"共确定整改事项{MISSING}项", paragraph(lines, "2025年度民主生活会共确定整改事项"))
        self.assertEqual(lines[-1], MISSING)


@unittest.skipUnless(TOOLS, NEEDS)
class ReportPdfTest(ReportTestCase):
    def test_full_body_pages_hold_22_lines_of_at_most_28_characters(self):
        self.login("preparer")
        for meeting in (self.meeting, self.last_meeting):
            pages = pdf_pages(self.download(meeting, fmt="pdf").content)
            self.assertGreaterEqual(len(pages), 4)
            for n, page in enumerate(pages, start=1):
                self.assertRegex(page[-1], PAGE_NUMBER, f"page {n}")
                for line in page[:-1]:
                    self.assertLessEqual(display_width(line.replace(" ", "")), 28, f"page {n}: {line}")
            full = 0
            for n, page in enumerate(pages[1:-1], start=2):
                lines = page[:-1]
                if len(lines) == 22:
                    full += 1
                else:
                    # A level-1 heading is kept with what follows, so the page before it may end a line
                    # early; so does a page holding the blank line above the signature (pdftotext drops it),
                    # and the unit's name keeps with the date, so a signature that would split moves whole.
                    next_line = pages[n][0]
                    allowed = {20, 21} if next_line == self.bureau.name else {21}
                    self.assertIn(len(lines), allowed, f"page {n} has {len(lines)} lines")
                    signature_blank = self.bureau.name in (lines[-1], next_line)
                    self.assertTrue(LEVEL_1.match(next_line) or signature_blank, next_line)
            self.assertGreaterEqual(full, 2)
            whole = "".join("".join(page[:-1]) for page in pages).replace(" ", "")
            self.assertIn("（一）认真制订方案。", whole)
            self.assertIn("现将有关情况报告如下：", whole)
