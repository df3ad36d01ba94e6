"""PDF through LibreOffice: the 22 × 28 grid measured on a rendered document (domain.md §4)."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path
from unittest import mock

from mingjing.documents import fonts
from mingjing.documents.engine import display_width
from mingjing.documents.pdf import pdf_available
from mingjing.documents.tests.test_fonts import MISSING as MISSING_FONTS
from mingjing.organizations.models import Division, PartyBranch
from mingjing.talks.selectors import talk_coverage
from mingjing.talks.services import talk_record
from mingjing.test import DEMO_DAY, BaseTestCase

NEEDS = "LibreOffice (soffice) 和 poppler-utils (pdftotext) 未安装：跳过 PDF 排版测试（CI 会安装）"
TOOLS = pdf_available() and shutil.which("pdftotext") is not None
PAGE_NUMBER = re.compile(r"^—\s*\d+\s*—$")
LEVEL_2 = re.compile(r"^（[一二三四五六七八九十]+）")

# Long enough that each talk's record runs over several lines; digits and quotes included.
TOPICS = (
    "围绕“带头强化政治忠诚、提高政治能力”等5个方面，双方交流了2025年度落实全面从严治党主体责任的情况，"
    "相互指出了在调查研究、推动分管领域工作落实和廉洁自律方面存在的差距和不足，"
    "沟通了拟在会上提出的批评意见，明确了会后整改的方向和时限。"
)


def pdf_pages(pdf: bytes) -> list[list[str]]:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.pdf"
        path.write_bytes(pdf)
        text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
    pages = text.stdout.split("\f")
    return [[line.strip() for line in page.split("\n") if line.strip()] for page in pages if page.strip()]


@unittest.skipUnless(TOOLS, NEEDS)
class PdfLayoutTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        # One talk for every required pair: the record runs over several pages.
        for i, required in enumerate(talk_coverage(meeting=cls.meeting).missing):
            kind, member_id = required.key[0], required.member_id
            data = {"member": cls.meeting.roster.get(pk=member_id)}
            if kind == "member":
                a, b = required.key[1], required.key[2]
                data = {"member": cls.meeting.roster.get(pk=a), "counterpart_kind": "member",
                        "other_member": cls.meeting.roster.get(pk=b)}  # fmt: skip
            elif kind == "division":
                data |= {"counterpart_kind": "division_heads", "division": Division.objects.get(pk=required.key[2])}
            else:
                data |= {"counterpart_kind": "branch_reps", "branch": PartyBranch.objects.get(pk=required.key[2])}
            talk_record(
                actor=cls.preparer,
                meeting=cls.meeting,
                talk_date=DEMO_DAY + dt.timedelta(days=i % 10),
                topics=TOPICS,
                participants="孙丽、周伟",
                criticism_discussed=True,
                **data,
            )

    def test_full_body_pages_hold_22_lines_of_at_most_28_characters(self):
        self.login("preparer")
        response = self.client.get(f"/meetings/{self.meeting.pk}/documents/talks/download/", {"format": "pdf"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertTrue(response["Content-Disposition"].startswith("attachment;"))
        pdf = response.content
        self.assertEqual(pdf[:5], b"%PDF-")
        if os.environ.get("MINGJING_KEEP_PDF"):  # to look at the rendering: a path to write it to
            Path(os.environ["MINGJING_KEEP_PDF"]).write_bytes(pdf)
        pages = pdf_pages(pdf)
        self.assertGreaterEqual(len(pages), 4, "the record should run over several pages")
        # Page numbers: “— n —” on every page.
        for n, page in enumerate(pages, start=1):
            self.assertRegex(page[-1], PAGE_NUMBER, f"page {n}")
            self.assertEqual(re.sub(r"\D", "", page[-1]), str(n))
        # Body pages: after the coverage table, before the last page.
        start = next(i for i, page in enumerate(pages) if "二、谈话记录" in page) + 1
        body_pages = pages[start:-1]
        self.assertGreaterEqual(len(body_pages), 2)
        full = 0
        for n, page in enumerate(body_pages, start=start + 1):
            lines = page[:-1]
            for line in lines:
                self.assertLessEqual(display_width(line.replace(" ", "")), 28, f"page {n}: {line}")
            if len(lines) == 22:
                full += 1
            else:
                # A level-2 heading is kept with its text: the page before it may end one line early.
                next_page = pages[n]
                self.assertEqual(len(lines), 21, f"page {n} has {len(lines)} lines")
                self.assertRegex(next_page[0], LEVEL_2)
        self.assertGreaterEqual(full, 1)
        # Nothing is lost at line ends (LibreOffice drops a hanging full stop or comma).
        pages_text = ["".join(page[:-1]).replace(" ", "") for page in pages]
        self.assertIn("面对面的谈心谈话，必谈范围为：主要负责同志与每位班子成员；", pages_text[0])
        whole = "".join(pages_text)
        self.assertGreaterEqual(whole.count("主要内容：" + TOPICS), 12)

    def test_cli_writes_a_pdf(self):
        from io import StringIO

        from django.core.management import call_command

        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "catalogue.pdf"
            err = StringIO()
            with mock.patch.object(fonts, "font_checks", side_effect=lambda mode: MISSING_FONTS):
                call_command("document", "catalogue", "--meeting", str(self.meeting.pk), "--pdf", "-o", str(target),
                             stdout=StringIO(), stderr=err)  # fmt: skip
            self.assertEqual(target.read_bytes()[:5], b"%PDF-")
            self.assertIn("注意：本服务器缺少公文字体：仿宋_GB2312（以“Noto Serif CJK SC”代替）", err.getvalue())
            text = "\n".join(line for page in pdf_pages(target.read_bytes()) for line in page)
        self.assertIn("材料归档目录", text)
        self.assertIn("谈心谈话记录", text)


def pdf_words(pdf: bytes) -> list[list[tuple[str, float, float, float, float]]]:
    """Each page's words with their boxes (text, xMin, yMin, xMax, yMax in pt), from pdftotext -bbox."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "d.pdf"
        path.write_bytes(pdf)
        html = subprocess.run(["pdftotext", "-bbox", str(path), "-"], capture_output=True, text=True, check=True)
    pages = []
    for page in html.stdout.split("<page ")[1:]:
        pages.append([(m[5], *map(float, m.groups()[:4])) for m in WORD.finditer(page)])
    return pages


WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
PT_PER_MM = 72 / 25.4


@unittest.skipUnless(TOOLS, NEEDS)
class GbLayoutPdfTest(BaseTestCase):
    """The 请示's 版头 and 版记 where GB/T 9704 puts them; tables that never break a name or a date."""

    def download(self, kind: str) -> bytes:
        self.login("preparer")
        response = self.client.get(f"/meetings/{self.meeting.pk}/documents/{kind}/download/", {"format": "pdf"})
        self.assertEqual(response.status_code, 200)
        return response.content

    def assert_unbroken(self, pdf: bytes, tokens: set[str]) -> None:
        lines = {line.replace(" ", "") for page in pdf_pages(pdf) for line in page}
        text = "\n".join(lines)
        for token in sorted(tokens):
            with self.subTest(token=token):
                self.assertIn(token, text, "the token is broken over two lines of its cell")

    def test_request_masthead_attachment_imprint_and_unbroken_table_cells(self):
        from mingjing.lib.dates import cn_date
        from mingjing.plans.models import PlanTask

        pdf = self.download("request")
        words = pdf_words(pdf)
        left, right = 28 * PT_PER_MM, (210 - 26) * PT_PER_MM
        first = words[0]
        number = next(w for w in first if w[0].startswith("明农党组"))
        signer = next(w for w in first if w[0].startswith("签发人"))
        self.assertAlmostEqual(number[2], signer[2], delta=1)  # 签发人 on the 文号 line
        self.assertAlmostEqual(number[1] - left, 15.75, delta=2)  # 居左空一字
        self.assertAlmostEqual(right - signer[3], 15.75, delta=2)  # 居右空一字
        title = next(w for w in first if w[0].startswith("关于召开"))
        self.assertGreater(title[2], signer[4])
        pages = pdf_pages(pdf)
        # The plan follows on a page of its own, headed 附件 at the top left.
        attached = next(i for i, page in enumerate(pages) if page[0] == "附件")
        self.assertIn("实施方案", "".join(pages[attached][1:3]).replace(" ", ""))
        self.assertIn("妥否，请批示。", "".join("".join(p) for p in pages[:attached]).replace(" ", ""))
        # The 版记: once, on the last page, its line on the text block's last line.
        imprint = [w for page in words for w in page if w[0].endswith("印发")]
        self.assertEqual(len(imprint), 1)
        self.assertIn(imprint[0], words[-1])
        bottom = (297 - 35) * PT_PER_MM
        self.assertAlmostEqual(imprint[0][4], bottom, delta=10)
        self.assertEqual(pages[-1][-2].replace(" ", ""), "中共明远市农业农村局党组2026年10月30日印发")
        # Full body pages: 22 lines of at most 28 characters.
        for n, page in enumerate(pages[:attached], start=1):
            for line in page[:-1]:
                if "签发人" not in line:
                    self.assertLessEqual(display_width(line.replace(" ", "")), 28, f"page {n}: {line}")
        self.assertIn(22, [len(page) - 1 for page in pages[1:attached]])
        # The task table: names and dates whole in their cells.
        tokens = set()
        for task in PlanTask.objects.filter(plan__meeting=self.meeting):
            tokens |= {cn_date(task.due_on), *(task.responsible.split())}
            if task.done_on:
                tokens.add(cn_date(task.done_on))
        self.assertGreaterEqual(len(tokens), 4)
        self.assert_unbroken(pdf, tokens)

    def test_rectification_list_keeps_names_and_dates_whole(self):
        from mingjing.lib.dates import cn_date
        from mingjing.rectification.models import RectificationItem

        RectificationItem.objects.filter(meeting=self.meeting).update(
            progress_note="已于2026年11月28日修订公务接待和公务用车管理办法，12月15日前完成专项检查并通报检查结果"
        )
        pdf = self.download("rectification-list")
        tokens = {"2026年11月28日", "12月15日"}
        for item in RectificationItem.objects.filter(meeting=self.meeting, owner=None):
            tokens |= {e.name for e in (item.responsible_leader, item.responsible_person) if e}
            if item.deadline:
                tokens.add(cn_date(item.deadline))
        self.assert_unbroken(pdf, tokens)
