"""The archive box at scale and its catalogue (卷内目录) as an archivist reads it."""

import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile
import unittest
import zipfile
import zlib
from collections import Counter
from pathlib import Path

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from docx import Document

from mingjing.archive.box import COLUMNS, build_box, cells, fit, pdf_pages
from mingjing.archive.bundle import export_bundle
from mingjing.archive.services import bundle_import
from mingjing.archive.tests.records import multiply_records
from mingjing.archive.tests.test_bundle import bundle_json, elsewhere, with_json
from mingjing.documents.engine import display_width
from mingjing.documents.pdf import pdf_available, to_pdf
from mingjing.rectification.models import EvidenceFile, RectificationItem
from mingjing.test import BaseTestCase


def queries(run) -> Counter:
    with CaptureQueriesContext(connection) as captured:
        run()
    return Counter(q["sql"] for q in captured.captured_queries)


def grown(before: Counter, after: Counter) -> str:
    """The statements run more often after than before, for the failure message."""
    return "\n".join(f"{before[sql]} → {n}: {sql[:160]}" for sql, n in after.items() if n > before[sql])


def zip_entries(content: bytes) -> dict[str, zipfile.ZipInfo]:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return {info.filename: info for info in zf.infolist()}


def read(content: bytes, name: str) -> bytes:
    with zipfile.ZipFile(io.BytesIO(content)) as zf:
        return zf.read(name)


def catalogue_rows(content: bytes) -> list[list[str]]:
    doc = Document(io.BytesIO(read(content, "00_归档目录.docx")))
    return [[cell.text for cell in row.cells] for row in doc.tables[0].rows]


class BoxAtScaleTest(BaseTestCase):
    def test_the_box_runs_the_same_queries_with_ten_times_the_records(self):
        meeting = self.last_meeting  # the finished meeting: items, milestones, evidence, minutes
        build_box(meeting=meeting, with_pdf=False)  # caches (content types, configuration) warm
        once = queries(lambda: build_box(meeting=meeting, with_pdf=False))
        added = multiply_records(meeting=meeting, factor=10)
        self.assertGreaterEqual(added["rectification.rectificationitem"], 9 * 5)
        self.assertGreaterEqual(added["rectification.evidencefile"], 9 * 3)
        content: dict = {}
        tenfold = queries(lambda: content.update(box=build_box(meeting=meeting, with_pdf=False)[0]))
        self.assertEqual(sum(tenfold.values()), sum(once.values()), grown(once, tenfold))
        # The records are all in the box: in its bundle, and each evidence file under its own number.
        items = RectificationItem.objects.filter(meeting=meeting).count()
        bundle = bundle_json(read(content["box"], "会议数据包.zip"))
        self.assertEqual(len(bundle["records"]["rectification.rectificationitem"]), items)
        evidence = [n for n in zip_entries(content["box"]) if n.startswith("附件/佐证材料/")]
        self.assertEqual(len(evidence), EvidenceFile.objects.filter(item__meeting=meeting).count())

    def test_the_bundle_runs_the_same_queries_with_ten_times_the_records_and_imports_back(self):
        meeting = self.meeting  # opinions, problems and measures with their many-to-many links
        export_bundle(meeting=meeting)
        once = queries(lambda: export_bundle(meeting=meeting))
        multiply_records(meeting=meeting, factor=10)
        content: dict = {}
        tenfold = queries(lambda: content.update(bundle=export_bundle(meeting=meeting)))
        self.assertEqual(sum(tenfold.values()), sum(once.values()), grown(once, tenfold))
        data = bundle_json(content["bundle"])
        linked = [row for row in data["records"]["problems.problem"] if row["m2m"]["opinions"]]
        self.assertGreaterEqual(len(linked), 10)
        imported = with_json(content["bundle"], elsewhere)
        copy = bundle_import(actor=self.superior, content=imported).meeting
        self.assertEqual(bundle_json(export_bundle(meeting=copy))["records"], bundle_json(imported)["records"])


class CatalogueTest(BaseTestCase):
    def test_one_line_per_item_with_original_names_items_and_pages(self):
        meeting = self.last_meeting
        evidence = list(EvidenceFile.objects.filter(item__meeting=meeting).select_related("item"))
        self.assertTrue(evidence)
        before = timezone.localtime().replace(microsecond=0)
        content, _ = build_box(meeting=meeting, with_pdf=False)
        after = timezone.localtime()
        header, *rows = catalogue_rows(content)
        self.assertEqual(header, [name for name, _ in COLUMNS])
        self.assertEqual([r[0] for r in rows], [str(n) for n in range(1, len(rows) + 1)])
        text = "\n".join("|".join(r) for r in rows)
        self.assertNotRegex(text, r"[0-9a-f]{40}")  # no hashes
        self.assertNotIn("字节", "".join(header))
        for ev in evidence:  # by its original name, with the item it proves and its pages
            line = next(r for r in rows if r[1] == ev.original_name and r[2].startswith(ev.item.key))
            self.assertEqual(line[4], "1")
            self.assertEqual(line[3], timezone.localtime(ev.uploaded_at).strftime("%Y%m%d"))
        report = next(r for r in rows if r[1] == "民主生活会情况报告")
        self.assertEqual((report[2], report[4], report[5]), ("领导班子", "", "docx"))  # no PDF, no page count
        ledger = next(r for r in rows if r[1].startswith("整改清单") and "xlsx" in r[5])
        self.assertEqual(ledger[5], "docx、xlsx")  # a document in its formats is one item
        for row in rows:  # each cell fits one line of its column
            for value, (name, width) in zip(row, COLUMNS, strict=True):
                self.assertLessEqual(display_width(value), cells(width), f"{name}: {value}")
        # Files carry their 件号 and original name, and the day they were made.
        entries = zip_entries(content)
        for ev in evidence:
            name = next(n for n in entries if n.startswith("附件/佐证材料/") and n.endswith(f"_{ev.original_name}"))
            number = int(re.match(r"附件/佐证材料/(\d+)_", name).group(1))
            self.assertEqual(rows[number - 1][1], ev.original_name)
            made = timezone.localtime(ev.uploaded_at)
            self.assertEqual(entries[name].date_time[:5], made.timetuple()[:5])
        for name, info in entries.items():
            self.assertGreater(info.date_time[0], 2000, name)
            if name.startswith("文书/") or name in {"00_归档目录.docx", "MANIFEST.sha256"}:
                when = timezone.make_aware(dt.datetime(*info.date_time))
                self.assertTrue(before.replace(second=before.second // 2 * 2) <= when <= after, name)

    def test_a_long_name_is_shortened_in_the_middle_keeping_its_extension(self):
        long = "关于进一步加强和改进机关作风建设的若干规定及配套实施细则（2025年修订稿）最终版.docx"
        short = fit(long, 12)
        self.assertTrue(short.startswith("关于进一步") and short.endswith("….docx"), short)
        self.assertLessEqual(display_width(short), 12)
        self.assertEqual(fit("整改清单（张明）", 12), "整改清单（张明）")
        self.assertEqual(fit("某某某某某某某某某某某某某某（张明）", 10)[-5:], "…（张明）")


def _pdf(pages: int, *, packed: bool = False) -> bytes:
    kids = " ".join(f"{3 + i} 0 R" for i in range(pages))
    tree = f"<</Type/Pages/Kids[{kids}]/Count {pages}>>".encode()
    page_objs = b"".join(f"{3 + i} 0 obj<</Type/Page/Parent 2 0 R>>endobj\n".encode() for i in range(pages))
    if not packed:
        return b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj" + tree + b"endobj\n" + page_objs
    body = zlib.compress(b"2 0 " + tree)  # objects packed in a compressed object stream (PDF 1.5)
    return (
        b"%PDF-1.5\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        + f"9 0 obj<</Type/ObjStm/N 1/First 4/Filter/FlateDecode/Length {len(body)}>>stream\n".encode()
        + body
        + b"\nendstream\nendobj\n"
    )


class PdfPagesTest(unittest.TestCase):
    def test_page_counts(self):
        self.assertEqual(pdf_pages(_pdf(1)), 1)
        self.assertEqual(pdf_pages(_pdf(12)), 12)
        self.assertEqual(pdf_pages(_pdf(7, packed=True)), 7)
        self.assertIsNone(pdf_pages(b"PK\x03\x04 not a pdf"))
        self.assertIsNone(pdf_pages(b"%PDF-1.7\n damaged"))


def pdf_tool(tool: str, pdf: bytes, *args: str) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.pdf"
        path.write_bytes(pdf)
        out = ["-"] if tool == "pdftotext" else []
        return subprocess.run([tool, *args, str(path), *out], capture_output=True, check=True).stdout.decode()


@unittest.skipUnless(
    pdf_available() and shutil.which("pdftotext") and shutil.which("pdfinfo"), "需要 LibreOffice 和 poppler"
)
class CataloguePdfTest(BaseTestCase):
    def test_the_printed_catalogue_has_one_line_per_item_and_documents_the_pages_of_their_pdf(self):
        meeting = self.last_meeting
        multiply_records(meeting=meeting, factor=3)
        EvidenceFile.objects.filter(item__meeting=meeting).update(
            original_name="关于进一步加强和改进机关作风建设的若干规定及配套实施细则（2025年修订稿）最终版.pdf"
        )
        content, _ = build_box(meeting=meeting, with_pdf=True)
        _, *rows = catalogue_rows(content)
        text = pdf_tool("pdftotext", to_pdf(read(content, "00_归档目录.docx")), "-layout")
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        table = lines[next(i for i, line in enumerate(lines) if re.match(r"件号\s+题名", line)) :]
        self.assertEqual(len([line for line in table if re.match(r"\d+\s.*\d{8}", line)]), len(rows))
        # No line is the wrapped rest of a cell: each is a row, the repeated header or a page number.
        for line in table:
            if not re.match(r"件号\s+题名", line) and not re.fullmatch(r"[—\-\s\d]+", line):
                self.assertRegex(line, r"^\d+\s", line)
        # A document rendered as PDF has its PDF's pages.
        report = next(r for r in rows if r[1] == "民主生活会情况报告")
        self.assertEqual(report[5], "docx、pdf")
        name = next(n for n in zip_entries(content) if n.endswith("_民主生活会情况报告.pdf"))
        pages = re.search(r"Pages:\s+(\d+)", pdf_tool("pdfinfo", read(content, name))).group(1)
        self.assertEqual(report[4], pages)


class PerBuildMemoryTest(BaseTestCase):
    def test_the_ledger_is_read_once_per_box_and_afresh_outside_it(self):
        from mingjing.lib.memo import memoized
        from mingjing.rectification.selectors import ledger_for_meeting

        meeting = self.last_meeting
        first = queries(lambda: ledger_for_meeting(meeting))
        self.assertTrue(first)
        self.assertEqual(queries(lambda: ledger_for_meeting(meeting)), first)  # outside: read again
        with memoized():
            ledger = ledger_for_meeting(meeting)
            self.assertEqual(sum(queries(lambda: ledger_for_meeting(meeting)).values()), 0)
            self.assertIs(ledger_for_meeting(meeting), ledger)
        RectificationItem.objects.filter(meeting=meeting).update(problem_text="会后改过的问题")
        again = ledger_for_meeting(meeting)  # the box is built: nothing remembered
        self.assertEqual({row.item.problem_text for g in again.groups for row in g.rows}, {"会后改过的问题"})
