"""The 实施方案 and the 请示 as .docx, downloaded from the 文书 page and written by the CLI."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from django.core.management import call_command
from docx import Document
from docx.oxml.ns import qn

from mingjing.documents.render import DOCX
from mingjing.documents.slots import MISSING
from mingjing.documents.tests.test_engine import mm
from mingjing.lib.dates import cn_date
from mingjing.plans.models import Plan, PlanRequest
from mingjing.plans.services import plan_task_add
from mingjing.test import DEMO_DAY, BaseTestCase


def paragraphs(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def tables(content: bytes) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(io.BytesIO(content)).tables]


class PlanDocumentsTestCase(BaseTestCase):
    def download(self, kind: str, **query):
        response = self.client.get(
            f"/meetings/{self.meeting.pk}/documents/{kind}/download/", {"format": "docx", **query}
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], DOCX)
        return response.content

    def assert_gb_page(self, content: bytes) -> None:
        section = Document(io.BytesIO(content)).sections[0]
        self.assertEqual(mm(section.page_width, section.page_height), (210, 297))
        margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
        self.assertEqual(mm(*margins), (37, 35, 28, 26))
        self.assertEqual(section._sectPr.find(qn("w:docGrid")).get(qn("w:linePitch")), "579")


class PlanDocumentTest(PlanDocumentsTestCase):
    def test_plan_from_its_records(self):
        self.login("member")
        content = self.download("plan")
        self.assert_gb_page(content)
        lines = paragraphs(content)
        text = "\n".join(lines)
        self.assertIn("市农业农村局党组领导班子", lines[0])  # the plan's title, balanced over two lines
        self.assertIn("2025年度民主生活会实施方案", lines[0])
        plan = Plan.objects.get(meeting=self.meeting)
        self.assertIn(f"根据{plan.basis_issuer}《{plan.basis_title}》（{plan.basis_number}）要求", text)
        Plan.objects.filter(pk=plan.pk).update(basis_title="", basis_number="", basis_issuer="")
        self.assertIn("根据《【待补充】》（【待补充】）要求", "\n".join(paragraphs(self.download("plan"))))
        self.assertIn("重点从以下5个方面进行对照检查：一是带头强化政治忠诚、提高政治能力。", text)
        held = cn_date(self.meeting.planned_date)
        self.assertIn(f"会议拟于{held}下午在局机关三楼会议室召开。", lines)
        self.assertIn("列席人员：局机关各科室主要负责同志。", lines)
        self.assertIn("会议共有7项议程：", lines)
        self.assertIn("2. 通报深入贯彻中央八项规定精神学习教育整改整治情况；", lines)  # the year's extra item
        self.assertIn(f"（一）学习研讨。{held}前完成。【待补充】", lines)  # no content recorded
        self.assertIn("2026年10月28日", lines)  # agreed on DEMO_DAY − 5 days
        self.assertIn("中共明远市农业农村局党组", lines)
        # the task table: header plus the demo's five tasks, with who and when
        table = tables(content)[0]
        self.assertEqual(table[0], ["序号", "工作任务", "责任人", "完成时限", "完成情况"])
        self.assertEqual(len(table), 6)
        self.assertEqual(table[1], ["1", "起草民主生活会方案，报督导组审核后向上级请示", "办公室 黄蕾",
                                    "2026年10月29日", "2026年10月29日"])  # fmt: skip
        self.assertIn(["5", "主持起草班子对照检查材料", "张明", "2026年11月20日", "未完成"], table)
        self.assertIn("会前准备和会后工作共5项任务，明确责任人和完成时限，列表推进：", lines)

    def test_recorded_number_and_stage_dates_and_a_new_task(self):
        plan = Plan.objects.get(meeting=self.meeting)
        Plan.objects.filter(pk=plan.pk).update(document_number="明农党组〔2026〕20号", agreed_on=None)
        stage = plan.stages.get(title="征求意见")
        stage.starts_on, stage.content = DEMO_DAY, "向局机关各科室、下属单位发放征求意见表"
        stage.save()
        plan_task_add(
            actor=self.preparer,
            plan=plan,
            task="报送情况报告",
            responsible_entry=None,
            responsible_name="办公室 黄蕾",
            due_on=DEMO_DAY.replace(month=12, day=27),
            done_on=None,
        )
        self.login("preparer")
        content = self.download("plan")
        lines = paragraphs(content)
        self.assertEqual(lines[0], "明农党组〔2026〕20号")
        held = cn_date(self.meeting.planned_date)
        self.assertIn(f"（二）征求意见。2026年11月2日至{held}。向局机关各科室、下属单位发放征求意见表。", lines)
        self.assertEqual(len(tables(content)[0]), 7)
        # the date the team agreed the plan was removed: the signature says so
        self.assertIn(MISSING, lines[lines.index("中共明远市农业农村局党组") + 1])

    def test_without_a_plan_the_document_says_so(self):
        Plan.objects.filter(meeting=self.meeting).delete()
        self.login("preparer")
        text = "\n".join(paragraphs(self.download("plan")))
        self.assertIn(f"本次会议尚未制定实施方案：{MISSING}。", text)


class RequestDocumentTest(PlanDocumentsTestCase):
    def test_request_from_the_latest_round(self):
        self.login("supervisor")
        content = self.download("request")
        self.assert_gb_page(content)
        lines = paragraphs(content)
        self.assertEqual(lines[0], "明农党组〔2026〕21号\t签发人：张明")  # 上行文: 签发人 beside the 文号
        self.assertIn("关于召开市农业农村局党组领导班子", lines[2])
        self.assertIn("市纪委监委、市委组织部：", lines)
        text = "\n".join(lines)
        plan = Plan.objects.get(meeting=self.meeting)
        self.assertIn(f"按照{plan.basis}要求，经市农业农村局党组研究，拟于{cn_date(self.meeting.planned_date)}下午在局机关三楼会议室召开"
                      "市农业农村局党组领导班子2025年度民主生活会。现将有关事项请示如下：", lines)  # fmt: skip
        self.assertIn("会议拟安排7项议程：", lines)
        self.assertIn("妥否，请批示。", lines)
        self.assertIn("附件：市农业农村局党组领导班子2025年度民主生活会实施方案", lines)
        # signed by the unit on the day the round was sent (DEMO_DAY − 3)
        at = lines.index("中共明远市农业农村局党组")
        self.assertEqual(lines[at + 1], "2026年10月30日")
        self.assertIn("（联系人：【待补充】；联系电话：【待补充】）", lines)
        self.assertLess(text.index("妥否，请批示。"), text.index("附件："))

    def test_a_newer_round_is_used_and_without_rounds_the_unit_gives_addressees(self):
        first = PlanRequest.objects.get(meeting=self.meeting)
        PlanRequest.objects.create(meeting=self.meeting, round=2, title=first.title, addressees="市委组织部",
                                   document_number="", sent_on=DEMO_DAY)  # fmt: skip
        self.login("preparer")
        lines = paragraphs(self.download("request"))
        self.assertIn("市委组织部：", lines)
        self.assertEqual(lines[0], "明农党组〔2026〕【待补充】号\t签发人：张明")  # the round has no number yet
        self.assertIn("2026年11月2日", lines)

        PlanRequest.objects.filter(meeting=self.meeting).delete()
        lines = paragraphs(self.download("request"))
        self.assertIn("市纪委监委、市委组织部：", lines)  # the unit's addressees
        self.assertEqual(lines[0], "明农党组〔【待补充】〕【待补充】号\t签发人：张明")  # nothing sent: no serial
        at = lines.index("中共明远市农业农村局党组")
        self.assertEqual(lines[at + 1], MISSING)

        self.bureau.addressees = ""
        self.bureau.save()
        self.assertIn(f"{MISSING}：", paragraphs(self.download("request")))

    def test_cli_writes_both(self):
        with tempfile.TemporaryDirectory() as folder:
            for kind in ("plan", "request"):
                path = Path(folder) / f"{kind}.docx"
                call_command("document", kind, "--meeting", str(self.meeting.pk), "-o", str(path), stdout=io.StringIO())
                expected = "妥否，请批示。" if kind == "request" else "会议共有7项议程："
                self.assertIn(expected, paragraphs(path.read_bytes()))

    def test_listed_on_the_documents_page(self):
        self.login("member")
        response = self.client.get(f"/meetings/{self.meeting.pk}/documents/")
        self.assertContains(response, "民主生活会实施方案")
        self.assertContains(response, f"/meetings/{self.meeting.pk}/documents/request/")
