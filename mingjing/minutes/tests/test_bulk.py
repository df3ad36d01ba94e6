"""Criticisms entered in bulk (from .xlsx and several rows on one page), finalising only on or after
the meeting day, the text limits, and the record page's fixed query count."""

from __future__ import annotations

import datetime as dt
import io
from unittest import mock

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from mingjing.audit.models import AuditEvent
from mingjing.lib.xlsx import write_sheet
from mingjing.meetings.models import StepCompletion
from mingjing.minutes.importing import COLUMNS
from mingjing.minutes.models import Criticism, MeetingRecord
from mingjing.minutes.services import CriticismRow, criticism_add, criticisms_add_many, minutes_update
from mingjing.minutes.tests.test_minutes import REAL, MinutesTestCase

LONG = "长" * 1001


def sheet(*rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("批评意见.xlsx", write_sheet(COLUMNS, rows, title="批评意见"))


class CriticismImportTest(MinutesTestCase):
    def setUp(self) -> None:
        super().setUp()
        self.record = self.start()

    def count(self) -> int:
        return Criticism.objects.filter(record=self.record).count()

    def test_template_lists_the_roster(self):
        response = self.client.get(self.base + "criticisms/import/template/")
        wb = load_workbook(io.BytesIO(response.content))
        self.assertEqual([c.value for c in wb.worksheets[0][1]], list(COLUMNS))
        notes = " ".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
        self.assertIn("李华", notes)
        self.assertIn("最多1000字", notes)

    def test_a_sheet_imports_every_criticism(self):
        events = AuditEvent.objects.count()
        response = self.client.post(
            self.base + "criticisms/import/",
            {"file": sheet(["李华", "张明", "2", REAL], ["王芳同志", "李华", "", "抓廉政风险防控不够细，比如……"])},
        )
        self.assertRedirects(response, self.base + "live/")
        self.assertEqual(self.count(), 2)
        row = Criticism.objects.get(record=self.record, to_entry=self.entry("李华"))
        self.assertEqual((row.from_entry, row.points), (self.entry("王芳"), 1))
        self.assertEqual(AuditEvent.objects.count(), events + 1)
        self.assertIn(REAL, self.client.get(self.base).content.decode())

    def test_one_bad_row_imports_nothing_and_errors_name_row_and_column(self):
        response = self.client.post(
            self.base + "criticisms/import/",
            {
                "file": sheet(
                    ["李华", "张明", "1", REAL],
                    ["张三", "张明", "1", REAL],
                    ["李华", "李华", "1", REAL],
                    ["王芳", "张明", "两条", REAL],
                    ["王芳", "张明", "1", LONG],
                    ["王芳", "张明", "1", ""],
                )
            },
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.count(), 0)
        self.assertContains(response, "第3行「提出人」：“张三”不是本次会议班子名单中的成员")
        self.assertContains(response, "第4行「提出人」：不能对自己提出批评意见")
        self.assertContains(response, "第5行「条数」：应为1到50的整数，现为“两条”")
        self.assertContains(response, "第6行「批评意见」：批评意见最多1000字（现有1001字）")
        self.assertContains(response, "第7行「批评意见」：请填写批评意见的内容")

    def test_the_service_asks_the_policy(self):
        row = CriticismRow(1, self.entry("李华"), self.entry("张明"), 1, REAL)
        with self.assertRaises(PermissionDenied):
            criticisms_add_many(actor=self.member, record=self.record, rows=[row])
        self.assertEqual(self.count(), 0)
        self.login("member")
        self.assertEqual(self.client.post(self.base + "criticisms/import/", {"file": sheet()}).status_code, 403)

    def test_several_rows_on_one_page(self):
        page = self.client.get(self.base + "criticisms/batch/")
        self.assertContains(page, "第10行")
        self.assertContains(page, "最多1000字")
        ids = {name: str(self.entry(name).pk) for name in ("张明", "李华", "王芳")}
        data = {"rows-TOTAL_FORMS": "3", "rows-INITIAL_FORMS": "0"}
        data.update({"rows-0-from_entry": ids["李华"], "rows-0-to_entry": ids["张明"], "rows-0-points": "2"})
        data.update({"rows-0-text": REAL, "rows-1-points": "1"})
        data.update({"rows-2-from_entry": ids["张明"], "rows-2-to_entry": ids["王芳"], "rows-2-points": "1"})
        data["rows-2-text"] = "推动种植业结构调整办法不多"
        self.assertRedirects(self.client.post(self.base + "criticisms/batch/", data), self.base + "live/")
        self.assertEqual(self.count(), 2)
        # A row naming the same person twice: nothing saved, the row named.
        data["rows-2-to_entry"] = ids["张明"]
        response = self.client.post(self.base + "criticisms/batch/", data)
        self.assertContains(response, "第3行「提出人」：不能对自己提出批评意见")
        self.assertEqual(self.count(), 2)

    def test_a_final_record_takes_no_more(self):
        MeetingRecord.objects.filter(pk=self.record.pk).update(status="final")
        response = self.client.post(self.base + "criticisms/import/", {"file": sheet(["李华", "张明", "1", REAL])})
        self.assertRedirects(response, self.base)
        self.assertEqual(self.count(), 0)


class FinaliseDateTest(MinutesTestCase):
    def ready(self) -> MeetingRecord:
        record = self.start()
        self.save("record", recorder="黄蕾")
        return record

    def test_not_finalised_before_the_meeting_day(self):
        record = self.ready()
        day = self.meeting.planned_date
        with mock.patch("mingjing.minutes.services.today", return_value=day - dt.timedelta(days=1)):
            response = self.client.post(self.base + "finalise/", follow=True)
        self.assertContains(response, "会议当天或之后才能定稿")
        record.refresh_from_db()
        self.assertFalse(record.is_final)
        self.assertFalse(StepCompletion.objects.filter(meeting=self.meeting, step="meeting").exists())
        with mock.patch("mingjing.minutes.services.today", return_value=day):
            response = self.client.post(self.base + "finalise/", follow=True)
        self.assertContains(response, "会议记录已定稿")
        self.assertEqual(StepCompletion.objects.get(meeting=self.meeting, step="meeting").completed_on, day)

    def test_the_record_is_dated_the_meeting_day(self):
        self.ready()
        status, body = self.save("record", held_on="2030-01-01")
        self.assertEqual(status, 400)
        self.assertIn("召开日期应为本次民主生活会召开日期", body["message"])


class MinutesLengthTest(MinutesTestCase):
    def test_live_page_shows_limits_and_services_refuse_more(self):
        record = self.start()
        page = self.client.get(self.base + "live/").content.decode()
        self.assertIn('maxlength="3000"', page)
        self.assertIn("最多2000字", page)
        status, body = self.save("record", supervisor_comments="评" * 2001)
        self.assertEqual(status, 400)
        self.assertIn("督导组点评最多2000字（现有2001字）", body["message"])
        speech = record.speeches.first()
        status, body = self.save("speech", speech, response=LONG)
        self.assertIn("表态发言最多1000字（现有1001字）", body["message"])
        status, body = self.save("record", principal_requirements="要" * 201)
        self.assertIn("主要负责同志提出的要求第1条最多200字", body["message"])
        with self.assertRaisesMessage(ValidationError, "批评意见最多1000字"):
            criticism_add(actor=self.preparer, record=record, to_entry=self.entry("张明"), text=LONG)
        with self.assertRaisesMessage(ValidationError, "谈话函询情况通报最多1000字"):
            minutes_update(actor=self.preparer, record=record, data={"inquiry_report": LONG})


class RecordPageQueryCountTest(MinutesTestCase):
    def test_fixed_count_whatever_the_criticisms(self):
        record = self.start()
        entries = list(self.meeting.roster.all())

        def add(n: int) -> None:
            rows = [CriticismRow(i, entries[i % 2], entries[2 + i % 2], 1, REAL) for i in range(n)]
            criticisms_add_many(actor=self.preparer, record=record, rows=rows)

        add(4)
        for url in (self.base, self.base + "live/"):
            self.client.get(url)
        with CaptureQueriesContext(connection) as detail:
            self.client.get(self.base)
        with CaptureQueriesContext(connection) as live:
            self.client.get(self.base + "live/")
        add(60)
        with self.subTest("record page"), self.assertNumQueries(len(detail)):
            self.client.get(self.base)
        with self.subTest("live page"), self.assertNumQueries(len(live)):
            self.client.get(self.base + "live/")
