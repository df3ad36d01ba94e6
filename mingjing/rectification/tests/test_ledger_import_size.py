"""The ledger's own export imports back whatever its size (the old limit was 2,000 rows), in a
fixed number of queries, all or nothing."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.models import Sum
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from mingjing.audit.models import AuditEvent
from mingjing.rectification.ledger_xlsx import KEY, NOTE, PROGRESS, STATUS
from mingjing.rectification.models import LedgerTally, RectificationItem, Status
from mingjing.rectification.tally import refresh_tallies
from mingjing.test import BaseTestCase

ITEMS = 2_050


class LedgerExportAboveTheOldLimitTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        owners = [None, *cls.meeting.roster.all()]
        first = RectificationItem.objects.filter(meeting=cls.meeting).count() + 100
        RectificationItem.objects.bulk_create(
            RectificationItem(
                meeting=cls.meeting,
                number=first + i,
                owner=owners[i % len(owners)],
                problem_text=f"第{i}个问题：调查研究不够深入",
                measures="每季度到基层蹲点调研不少于1次",
                deadline=dt.date(2027, 6, 30),
            )
            for i in range(ITEMS)
        )
        refresh_tallies([cls.meeting.pk])

    def export(self):
        self.login("preparer")
        response = self.client.get(reverse("rectification:export", args=[self.meeting.pk]))
        self.assertEqual(response.status_code, 200)
        wb = load_workbook(io.BytesIO(response.content))
        ws = wb.worksheets[0]
        headers = {c.value: c.column - 1 for c in ws[1]}
        rows = {row[headers[KEY]].value: row for row in ws.iter_rows(min_row=2)}
        self.assertGreater(len(rows), ITEMS)
        return wb, headers, rows

    def upload(self, wb):
        buffer = io.BytesIO()
        wb.save(buffer)
        upload = SimpleUploadedFile("台账.xlsx", buffer.getvalue())
        return self.client.post(reverse("rectification:import", args=[self.meeting.pk]), {"file": upload})

    def snapshot(self) -> dict:
        items = RectificationItem.objects.filter(meeting=self.meeting)
        return {i.key: (i.progress, i.progress_note, i.status, i.updated_at) for i in items}

    def test_every_open_item_updated_from_the_export(self) -> None:
        wb, headers, rows = self.export()
        edited = set()
        for key, row in rows.items():
            if row[headers[STATUS]].value == Status.NOT_STARTED.label:
                row[headers[NOTE]].value = f"{key}：已制定整改方案"
                row[headers[PROGRESS]].value = 20
                edited.add(key)
        self.assertGreaterEqual(len(edited), ITEMS)
        before = self.snapshot()
        with CaptureQueriesContext(connection) as queries:
            response = self.upload(wb)
        self.assertLess(len(queries), 40, "the preview runs queries per row")
        self.assertContains(response, f"预览：将更新{len(edited)}项")
        self.assertEqual(self.snapshot(), before, "the preview writes nothing")
        with CaptureQueriesContext(connection) as queries:
            response = self.client.post(reverse("rectification:import_confirm", args=[self.meeting.pk]), follow=True)
        self.assertLess(len(queries), 40, "the confirmation runs queries per row")
        self.assertContains(response, f"导入完成：更新了{len(edited)}项整改事项")
        after = self.snapshot()
        self.assertEqual({k for k in after if after[k] != before[k]}, edited)
        for key in edited:
            self.assertEqual(after[key][:3], (20, f"{key}：已制定整改方案", Status.IN_PROGRESS))
            self.assertGreater(after[key][3], before[key][3])
        event = AuditEvent.objects.get(event_type="rectification.imported")
        self.assertEqual(event.extra["count"], len(edited))
        # The roll-up the superior's overview reads counts the items as they are now.
        tally = dict(LedgerTally.objects.filter(meeting=self.meeting).values_list("status").annotate(n=Sum("count")))
        counted = {s: n for s, n in tally.items() if n}
        self.assertEqual(counted.get(Status.IN_PROGRESS), self.count(Status.IN_PROGRESS))
        self.assertEqual(counted.get(Status.NOT_STARTED), None)

    def test_one_bad_row_among_thousands_changes_nothing(self) -> None:
        wb, headers, rows = self.export()
        for row in rows.values():
            row[headers[PROGRESS]].value = 30
        bad = list(rows.values())[2_040]
        bad[headers[PROGRESS]].value = "150"
        before = self.snapshot()
        response = self.upload(wb)
        message = f"第{bad[0].row}行「完成比例（%）」：应为0到100之间的整数，现为“150”"
        self.assertContains(response, message, status_code=400)
        self.assertNotContains(response, "确认导入", status_code=400)
        self.assertEqual(self.snapshot(), before)

    def count(self, status: str) -> int:
        return RectificationItem.objects.filter(meeting=self.meeting, status=status).count()
