"""A sheet of problems above the old limit of 5,000 rows imports, all or nothing."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from mingjing.lib.xlsx import write_sheet
from mingjing.problems.importing import COLUMNS, SHEET_TITLE
from mingjing.problems.models import Problem
from mingjing.test import BaseTestCase

ROWS = 5_001


def upload(rows) -> SimpleUploadedFile:
    return SimpleUploadedFile("查摆问题.xlsx", write_sheet(COLUMNS, rows, title=SHEET_TITLE))


class ProblemImportAboveTheOldLimitTest(BaseTestCase):
    def test_one_bad_row_changes_nothing_then_the_corrected_sheet_imports(self):
        url = reverse("problems:import", args=[self.meeting.pk])
        rows = [["领导班子" if i % 2 else "李华", "1", f"第{i}个问题：调查研究不够深入", "", ""] for i in range(ROWS)]
        rows[4_499][1] = "9"
        before = Problem.objects.filter(meeting=self.meeting).count()
        self.login("preparer")
        response = self.client.post(url, {"file": upload(rows)})
        self.assertContains(response, "第4501行「重点方面」：“9”不是本年度的重点方面")
        self.assertEqual(Problem.objects.filter(meeting=self.meeting).count(), before)

        rows[4_499][1] = "2"
        response = self.client.post(url, {"file": upload(rows)})
        self.assertRedirects(response, reverse("problems:overview", args=[self.meeting.pk]))
        self.assertEqual(Problem.objects.filter(meeting=self.meeting).count(), before + ROWS)
        self.assertEqual(Problem.objects.get(description="第4499个问题：调查研究不够深入").aspect.order, 2)
