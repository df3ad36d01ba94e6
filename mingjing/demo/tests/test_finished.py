"""Issue 13 point 8: the demo's finished meeting is complete. Every document kind of last year's
meeting, for the team and for each member, rendered as the archive box renders it (with the
paragraphs the preparer edited), prints no 【待补充】 and none of the pages' internal states."""

from __future__ import annotations

import io

from docx import Document
from openpyxl import load_workbook

from mingjing.documents.registry import kinds
from mingjing.documents.render import render_document
from mingjing.documents.selectors import overrides_for
from mingjing.meetings.selectors import meeting_timeline
from mingjing.reports.models import MeetingOutcome
from mingjing.talks.selectors import talk_coverage
from mingjing.test import BaseTestCase

MISSING = "【待补充】"
# Words of the pages' states that must never reach a document.
INTERNAL = ("尚未撰写", "未全部结束", "（审核通过）", "框架稿")


def docx_text(content: bytes) -> str:
    document = Document(io.BytesIO(content))
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def xlsx_text(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content))
    return "\n".join(str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value)


class FinishedMeetingTest(BaseTestCase):
    def documents(self):
        """(kind, member name or "", text) of every document the archive box would hold."""
        meeting = self.last_meeting
        roster = list(meeting.roster.order_by("precedence", "id"))
        for kind in kinds():
            members = roster if kind.per_member else [None, *roster] if kind.member_optional else [None]
            for member in members:
                overrides = overrides_for(meeting=meeting, kind=kind.kind, member=member)
                texts = []
                for fmt in kind.formats:
                    content = render_document(kind=kind, meeting=meeting, member=member, overrides=overrides, fmt=fmt)
                    texts.append(xlsx_text(content) if fmt == "xlsx" else docx_text(content))
                yield kind.kind, member.name if member else "", "\n".join(texts)

    def test_every_document_of_the_finished_meeting_states_facts(self):
        missing, internal, rendered = {}, {}, 0
        for kind, member, text in self.documents():
            rendered += 1
            if MISSING in text:
                missing[(kind, member)] = [line for line in text.splitlines() if MISSING in line]
            found = [word for word in INTERNAL if word in text]
            if found:
                internal[(kind, member)] = found
        self.assertGreater(rendered, 20)
        self.assertEqual(internal, {})
        self.assertEqual(missing, {})

    def test_its_report_reads_as_a_finished_meeting(self):
        self.login("preparer")
        response = self.client.get(f"/meetings/{self.last_meeting.pk}/documents/report/download/", {"format": "docx"})
        text = docx_text(response.content)
        self.assertNotIn(MISSING, text)
        for fact in ("明组通〔2024〕28号", "市委第三督导组", "共谈话17次", "查摆问题", "典型案例"):
            self.assertIn(fact, text)
        self.assertTrue(talk_coverage(meeting=self.last_meeting).complete)
        self.assertTrue(MeetingOutcome.objects.filter(meeting=self.last_meeting).exists())
        self.assertFalse([v for v in meeting_timeline(meeting=self.last_meeting) if v.state == "late"])
