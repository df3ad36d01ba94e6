"""The kinds laid out as GB/T 9704 has them, downloaded as a user would: the 请示 with 签发人, its
plan appended (or only listed), and the 版记 of the 请示 and the 方案."""

from __future__ import annotations

import datetime as dt
import io

from docx import Document

from mingjing.documents.models import DocumentSetting
from mingjing.lib.dates import cn_date
from mingjing.plans.models import Plan
from mingjing.test import BaseTestCase

UNIT = "中共明远市农业农村局党组"


class GbKindsTest(BaseTestCase):
    def paragraphs(self, kind: str) -> list[str]:
        self.login("preparer")
        response = self.client.get(f"/meetings/{self.meeting.pk}/documents/{kind}/download/", {"format": "docx"})
        self.assertEqual(response.status_code, 200)
        return [p.text for p in Document(io.BytesIO(response.content)).paragraphs]

    def test_request_has_its_signer_its_plan_after_the_body_and_a_version_record(self):
        lines = self.paragraphs("request")
        self.assertEqual(lines[0], "明农党组〔2026〕21号\t签发人：张明")
        plan = Plan.objects.get(meeting=self.meeting)
        at = lines.index("附件")
        self.assertLess(lines.index("妥否，请批示。"), at)
        self.assertIn(plan.title, "".join(lines[at:]).replace("\n", ""))
        self.assertEqual(lines[-1], f"{UNIT}\t2026年10月30日印发")  # the day it was sent
        # A 成文日期 set later than the day sent: printed that day, never before it was signed.
        DocumentSetting.objects.create(meeting=self.meeting, kind="request", dated_on=dt.date(2026, 10, 31),
                                       sections_off=["attachment"])  # fmt: skip
        lines = self.paragraphs("request")
        self.assertEqual(lines[-1], f"{UNIT}\t2026年10月31日印发")
        self.assertNotIn("附件", lines)  # only listed, sent separately
        self.assertIn(f"附件：{plan.title}", lines)

    def test_plan_closes_with_its_version_record(self):
        lines = self.paragraphs("plan")
        plan = Plan.objects.get(meeting=self.meeting)
        self.assertEqual(lines[-1], f"{UNIT}\t{cn_date(plan.agreed_on)}印发")
