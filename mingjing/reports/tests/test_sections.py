"""Sections that fit the meeting, dates as they happened, and no internal state in any document:
driven through the document pages as the preparer uses them."""

from __future__ import annotations

import io

from openpyxl import load_workbook

from mingjing.documents.registry import kinds
from mingjing.minutes.models import MeetingRecord
from mingjing.rectification.models import Notice
from mingjing.reports.models import MeetingOutcome
from mingjing.reports.tests.test_report import ReportTestCase, paragraph, texts

# Words of the pages (a record's state), never of a document.
INTERNAL = ("尚未撰写", "尚未全部结束", "（审核通过）", "（起草中）", "已提交审核", "尚未归纳整理", "待征求结束后汇总",
            "正在整改0项", "需长期坚持0项")  # fmt: skip


class SectionsTest(ReportTestCase):
    def settings(self, meeting, **data):
        url = f"/meetings/{meeting.pk}/documents/report/settings/"
        return self.client.post(url, data)

    def test_a_recorded_section_is_printed_and_can_be_switched_off(self):
        self.login("preparer")
        meeting = self.last_meeting
        self.assertIn("对民主生活会作了点评", "\n".join(self.lines(meeting)))
        self.assertIn("受到谈话函询等情况", "\n".join(self.lines(meeting)))
        page = self.client.get(f"/meetings/{meeting.pk}/documents/report/").content.decode()
        self.assertIn('name="section" value="supervisors" checked', page)
        every = ["case", "achievements", "inquiry", "notice", "next"]  # all but 督导组点评
        response = self.settings(meeting, section=every)
        self.assertEqual(response.status_code, 302)
        lines = "\n".join(self.lines(meeting))
        self.assertNotIn("对民主生活会作了点评", lines)
        self.assertIn("受到谈话函询等情况", lines)
        page = self.client.get(f"/meetings/{meeting.pk}/documents/report/").content.decode()
        self.assertIn('name="section" value="supervisors">', page)
        self.assertIn("不印的部分：督导组点评", page)  # the history says who left it out
        self.settings(meeting, section=[*every, "supervisors"])
        self.assertIn("对民主生活会作了点评", "\n".join(self.lines(meeting)))

    def test_a_section_not_recorded_is_not_printed(self):
        self.login("preparer")
        MeetingRecord.objects.filter(meeting=self.last_meeting).update(supervisor_comments="", inquiry_report="")
        Notice.objects.filter(meeting=self.last_meeting).delete()
        MeetingOutcome.objects.filter(meeting=self.last_meeting).delete()
        lines = "\n".join(self.lines(self.last_meeting))
        self.assertNotIn("对民主生活会作了点评", lines)
        self.assertNotIn("受到谈话函询等情况", lines)
        self.assertNotIn("做好公示通报", lines)  # no notice recorded
        self.assertNotIn("会议取得的成效", lines)

    def test_an_emptied_paragraph_drops_with_its_heading(self):
        self.login("preparer")
        meeting = self.last_meeting
        lines = self.lines(meeting)
        self.assertTrue(any("做好材料归档和上报。会后" in line for line in lines))
        response = self.client.post(f"/meetings/{meeting.pk}/documents/report/edit/", {"key": "archive", "text": ""})
        self.assertEqual(response.status_code, 302)
        lines = self.lines(meeting)
        self.assertFalse(any("做好材料归档和上报" in line for line in lines))
        page = self.client.get(f"/meetings/{meeting.pk}/documents/report/").content.decode()
        self.assertIn("此段已删去", page)
        self.client.post(f"/meetings/{meeting.pk}/documents/report/reset/", {"key": "archive"})
        self.assertTrue(any("做好材料归档和上报。会后" in line for line in self.lines(meeting)))

    def test_the_document_date_is_its_own_and_the_report_counts_as_of_it(self):
        self.login("preparer")
        meeting = self.last_meeting
        response = self.settings(meeting, dated_on="2025-01-28", section=["inquiry", "supervisors"])
        self.assertEqual(response.status_code, 302)
        lines = self.lines(meeting)
        self.assertEqual(lines[-1], "2025年1月28日")
        rectification = paragraph(lines, "（一）制订整改方案和整改清单。")
        self.assertIn("截至2025年1月28日", rectification)
        # The rectification report has a date of its own: unchanged by the report's.
        other = self.lines(meeting, "rectification-report")
        self.assertNotEqual(other[-1], "2025年1月28日")
        # An absurd date is refused with the field named.
        response = self.settings(meeting, dated_on="2031-01-01")
        page = self.client.get(response["Location"]).content.decode()
        self.assertIn("成文日期应在", page)
        self.assertEqual(self.lines(meeting)[-1], "2025年1月28日")

    def test_only_writers_change_settings(self):
        self.login("member")
        self.assertEqual(self.settings(self.meeting, dated_on="2026-11-30").status_code, 403)
        self.assertNotIn("保存设置", self.client.get(f"/meetings/{self.meeting.pk}/documents/report/").content.decode())


class NoInternalStateTest(ReportTestCase):
    def test_no_document_of_the_demo_prints_a_page_state(self):
        self.login("preparer")
        for meeting in (self.meeting, self.last_meeting):
            team = list(meeting.roster.filter(team_role__in=["principal", "member"]))
            for kind in kinds():
                members = team if kind.needs_member is True else [None]
                for member in members:
                    query = {"member": member.pk} if member else {}
                    fmt = "docx" if kind.docx else "xlsx"
                    response = self.client.get(
                        f"/meetings/{meeting.pk}/documents/{kind.kind}/download/", {"format": fmt, **query}
                    )
                    if response.status_code != 200:
                        continue
                    if fmt == "docx":
                        text = "\n".join(texts(response.content))
                    else:
                        book = load_workbook(io.BytesIO(response.content), read_only=True)
                        text = "\n".join(
                            str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c
                        )
                    for word in INTERNAL:
                        with self.subTest(meeting=meeting.pk, kind=kind.kind, member=member and member.name, word=word):
                            self.assertNotIn(word, text)
