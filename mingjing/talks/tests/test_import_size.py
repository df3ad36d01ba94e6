"""A sheet of talks above the old limit of 5,000 rows imports, all or nothing."""

from __future__ import annotations

from django.urls import reverse

from mingjing.talks.models import Talk
from mingjing.talks.tests.test_trust import sheet
from mingjing.test import BaseTestCase

ROWS = 5_001


class TalkImportAboveTheOldLimitTest(BaseTestCase):
    def test_one_bad_row_changes_nothing_then_the_corrected_sheet_imports(self):
        url = reverse("talks:import", args=[self.meeting.pk])
        pairs = [("张明", "李华"), ("李华", "王芳"), ("王芳", "张明")]
        rows = [
            ["2026-11-05", *pairs[i % 3][:1], "", pairs[i % 3][1], "", f"第{i}次谈话：交流思想", "", ""]
            for i in range(ROWS)
        ]
        rows[4_999][1] = "孙悟空"
        before = Talk.objects.filter(meeting=self.meeting).count()
        self.login("preparer")
        response = self.client.post(url, {"file": sheet(rows)})
        self.assertContains(response, "第5001行「班子成员」：“孙悟空”不是本次会议班子名单中的成员")
        self.assertEqual(Talk.objects.filter(meeting=self.meeting).count(), before)

        rows[4_999][1] = "张明"
        response = self.client.post(url, {"file": sheet(rows)})
        self.assertRedirects(response, reverse("talks:list", args=[self.meeting.pk]))
        self.assertEqual(Talk.objects.filter(meeting=self.meeting).count(), before + ROWS)
