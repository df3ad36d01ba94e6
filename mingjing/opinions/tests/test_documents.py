"""The 征求意见表 (with the QR code), the 意见汇总 and a member's 意见反馈表 as .docx, downloaded from
the 文书 page and written by the CLI; hidden online responses never appear, only their number."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from unittest import mock

from django.core.management import call_command
from django.test import override_settings
from docx import Document

from mingjing.documents.render import DOCX
from mingjing.documents.slots import MISSING
from mingjing.documents.tests.test_engine import mm
from mingjing.opinions.demo import ONLINE_TITLE, PAPER_TITLE
from mingjing.opinions.documents import qr_png
from mingjing.opinions.models import Campaign
from mingjing.opinions.services import PublicEntry, campaign_close, opinion_submit_public
from mingjing.test import DEMO_DAY, BaseTestCase

BASE = "https://mj.example.gov.cn"
SECRET = "网上匿名意见原文"


def paragraphs(content: bytes) -> list[str]:
    return [p.text for p in Document(io.BytesIO(content)).paragraphs]


def tables(content: bytes) -> list[list[list[str]]]:
    return [[[c.text for c in row.cells] for row in t.rows] for t in Document(io.BytesIO(content)).tables]


def every_text(content: bytes) -> str:
    return "\n".join(paragraphs(content) + [c for t in tables(content) for row in t for c in row])


class OpinionDocumentsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.paper = Campaign.objects.get(meeting=cls.meeting, title=PAPER_TITLE)
        cls.online = Campaign.objects.get(meeting=cls.meeting, title=ONLINE_TITLE)

    def entry(self, name):
        return self.meeting.roster.get(name=name)

    def download(self, kind: str, **query) -> bytes:
        url = f"/meetings/{self.meeting.pk}/documents/{kind}/download/"
        response = self.client.get(url, {"format": "docx", **query})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Type"], DOCX)
        section = Document(io.BytesIO(response.content)).sections[0]
        self.assertEqual(mm(section.page_width, section.page_height), (210, 297))
        self.assertEqual(mm(section.top_margin, section.left_margin), (37, 28))
        return response.content

    def respond(self, target, n, text=SECRET):
        with mock.patch("mingjing.opinions.services.today", return_value=self.online.opens_on):
            for i in range(n):
                opinion_submit_public(campaign=self.online, entries=[PublicEntry(target=target, aspect=None,
                                                                                  text=f"{text}{i}")])  # fmt: skip

    def close_online(self):
        campaign_close(actor=self.preparer, campaign=self.online, closed_on=DEMO_DAY)


class SolicitationFormTest(OpinionDocumentsTestCase):
    @override_settings(BASE_URL=BASE)
    def test_form_of_the_latest_campaign_with_its_qr_code(self):
        self.login("preparer")
        content = self.download("solicitation-form")
        lines = paragraphs(content)
        self.assertIn("市农业农村局党组2025年度民主生活会征求意见表", lines[0].replace("\n", ""))
        url = f"{BASE}/o/{self.online.public_token}/"
        intro = next(t for t in lines if t.startswith("为开好"))
        self.assertIn("请于2026年11月9日前填写后交回，也可扫描下方二维码在网上匿名填写。", intro)  # closes_on
        self.assertIn("1. 带头强化政治忠诚、提高政治能力", lines)  # the year's aspects as prompts
        self.assertIn("5. 带头坚决扛起管党治党责任", lines)
        self.assertEqual(lines[lines.index("扫描二维码或访问以下网址匿名填写：") + 1], url)
        # The QR image is the code of the anonymous form's address, 32 mm wide, on its own line.
        document = Document(io.BytesIO(content))
        self.assertEqual(len(document.inline_shapes), 1)
        self.assertEqual(mm(document.inline_shapes[0].width), (32,))
        blobs = [p.blob for p in document.part.package.parts if p.partname.endswith(".png")]
        self.assertEqual(blobs, [qr_png(url)])
        # a box for the team and one per member, tall enough to write in
        table = document.tables[0]
        rows = [[c.text for c in r.cells] for r in table.rows]
        self.assertEqual(rows[0], ["征求对象", "意见建议"])
        self.assertEqual(rows[1], ["对领导班子", ""])
        self.assertEqual(rows[2], ["对张明同志\n（局党组书记、局长）", ""])
        self.assertEqual(len(rows), 6)
        self.assertGreaterEqual(mm(table.rows[1].height)[0], 44)
        self.assertGreaterEqual(mm(table.rows[2].height)[0], 32)
        text = "\n".join(lines)
        self.assertIn("□机关科室", text)
        self.assertIn(
            "本表可不署名。网上填写无需登录，不记录姓名、账号、IP地址和提交时间。请于2026年11月9日前交回。", lines
        )
        self.assertIn("中共明远市农业农村局党组", lines)
        self.assertIn("2026年10月30日", lines)  # the campaign opened

    @override_settings(BASE_URL="")
    def test_without_any_address_the_link_is_to_be_completed_and_no_code_is_drawn_or_announced(self):
        # The CLI has no request to take the address from (the pages do: see test_form_address).
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "form.docx"
            call_command("document", "solicitation-form", "--meeting", str(self.meeting.pk), "-o", str(path),
                         stdout=io.StringIO())  # fmt: skip
            content = path.read_bytes()
        self.assertIn(f"网上填写地址：{MISSING}", paragraphs(content))
        self.assertEqual(len(Document(io.BytesIO(content)).inline_shapes), 0)
        self.assertNotIn("二维码", every_text(content))

    def test_paper_round_prints_no_code_and_no_campaign_says_so(self):
        self.online.delete()
        self.login("member")
        content = self.download("solicitation-form")
        text = every_text(content)
        self.assertIn("请于2026年10月26日前填写后交回。", text)  # the paper round's closing date
        self.assertNotIn("二维码", text)
        self.assertEqual(len(Document(io.BytesIO(content)).inline_shapes), 0)
        self.paper.delete()
        self.assertIn(f"本次会议尚未开展征求意见：{MISSING}。", paragraphs(self.download("solicitation-form")))

    @override_settings(BASE_URL=BASE)
    def test_cli(self):
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "form.docx"
            call_command("document", "solicitation-form", "--meeting", str(self.meeting.pk), "-o", str(path),
                         stdout=io.StringIO())  # fmt: skip
            self.assertEqual(len(Document(str(path)).inline_shapes), 1)


class OpinionSummaryTest(OpinionDocumentsTestCase):
    def test_counts_and_grouped_items_from_the_records(self):
        self.login("preparer")
        content = self.download("opinion-summary")
        lines = paragraphs(content)
        intro = next(t for t in lines if t.startswith("市农业农村局党组于"))
        self.assertIn("于2026年10月13日至2026年11月9日，", intro)  # still open: the page says so, not the document
        self.assertIn("通过征求意见表、网上征求意见、座谈会、意见箱、个别走访等方式", intro)
        self.assertIn("向5个单位（部门）发放征求意见表22份、收回20份", intro)
        self.assertIn("共收集意见建议15条。其中，对领导班子意见建议8条，对张明同志2条，对李华同志2条，对王芳同志2条，"
                      "对赵强同志1条。经梳理，归纳整理为4个方面4项。", intro)  # fmt: skip
        table = tables(content)[0]
        self.assertEqual(table[0], ["对象", "意见建议（条）", "归纳整理（项）", "暂不显示的网上意见（条）"])
        self.assertEqual(table[1], ["领导班子", "8", "3", "0"])
        self.assertEqual(table[-1], ["合计", "15", "4", "0"])
        self.assertIn("一、对领导班子的意见建议", lines)
        self.assertIn("共8条，归纳整理为3个方面3项。", lines)
        self.assertIn("（一）带头强化政治忠诚、提高政治能力", lines)
        self.assertIn("1. 理论学习与农业农村工作实际结合不紧，学用脱节（2条意见）", lines)
        self.assertIn("1. 党组会议研究党建工作的次数偏少，重业务轻党建", lines)  # not grouped yet
        self.assertIn("二、对张明同志的意见建议", lines)
        self.assertIn("1. 发扬民主不够充分，深入基层不够经常（2条意见）", lines)

    def test_hidden_online_responses_are_counted_never_printed(self):
        self.respond(None, 3)
        self.respond(self.entry("李华"), 5, text="对李华的网上意见")
        self.login("preparer")
        content = self.download("opinion-summary")
        text = every_text(content)
        self.assertNotIn(SECRET, text)
        self.assertNotIn("对李华的网上意见", text)  # the campaign is still open
        self.assertIn("另有网上匿名意见8条，因征求尚未结束或未达到显示门槛，暂不显示内容。", text)
        self.assertIn(["领导班子", "8", "3", "3"], tables(content)[0])

        # Closed: 李华's five reach the threshold and are shown; the team's three stay hidden.
        self.close_online()
        content = self.download("opinion-summary")
        text = every_text(content)
        self.assertNotIn(SECRET, text)
        self.assertIn("对李华的网上意见0", text)
        self.assertIn("对李华同志7条", text)
        self.assertIn("另有网上匿名意见3条", text)

    def test_no_campaign_yet(self):
        Campaign.objects.filter(meeting=self.meeting).delete()
        self.login("preparer")
        self.assertIn(f"本次会议尚未开展征求意见：{MISSING}。", paragraphs(self.download("opinion-summary")))


class FeedbackTest(OpinionDocumentsTestCase):
    def test_one_members_sheet(self):
        zhang = self.entry("张明")
        self.login("principal")
        lines = paragraphs(self.download("feedback", member=zhang.pk))
        self.assertIn("反馈对象：张明同志（局党组书记、局长）", lines)
        intro = next(t for t in lines if t.startswith("经征求意见"))
        self.assertIn("对张明同志的意见建议共2条，归纳整理为1个方面1项，现予反馈。", intro)
        self.assertIn("1. 发扬民主不够充分，深入基层不够经常（2条意见）", lines)
        self.assertIn("2. 到执法支队等基层单位现场办公次数偏少", lines)
        self.assertIn("1. 理论学习与农业农村工作实际结合不紧，学用脱节", lines)  # the team's, to take up
        self.assertNotIn("财务审批环节多，科室反映报账周期长", "\n".join(lines))  # about 李华, not him

    def test_withheld_online_responses_are_only_counted(self):
        li = self.entry("李华")
        self.respond(li, 2)
        self.close_online()  # two: below the threshold of five
        self.login("preparer")
        text = "\n".join(paragraphs(self.download("feedback", member=li.pk)))
        self.assertNotIn(SECRET, text)
        self.assertIn("对李华同志的意见建议共2条，现予反馈。", text)  # not grouped yet: nothing claimed
        self.assertIn("另有网上匿名意见2条，因征求尚未结束或未达到显示门槛，暂不显示内容。", text)

    def test_needs_a_member_and_the_cli_takes_his_name(self):
        self.login("preparer")
        url = f"/meetings/{self.meeting.pk}/documents/feedback/download/"
        self.assertEqual(self.client.get(url).status_code, 404)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "feedback.docx"
            call_command("document", "feedback", "--meeting", str(self.meeting.pk), "--member", "王芳",
                         "-o", str(path), stdout=io.StringIO())  # fmt: skip
            self.assertIn("反馈对象：王芳同志（局党组成员、副局长）", paragraphs(path.read_bytes()))

    def test_listed_per_member_on_the_documents_page(self):
        self.login("preparer")
        response = self.client.get(f"/meetings/{self.meeting.pk}/documents/")
        self.assertContains(response, "征求意见反馈表")
        self.assertContains(response, f"feedback/?member={self.entry('赵强').pk}")


class DocumentAccessTest(OpinionDocumentsTestCase):
    """A member reads the opinions about the team and himself only: the documents follow that rule."""

    def get(self, kind: str, **query):
        return self.client.get(f"/meetings/{self.meeting.pk}/documents/{kind}/download/", query)

    def test_a_member_gets_his_own_feedback_sheet_and_not_a_colleagues(self):
        self.login("member")  # 李华
        self.assertEqual(self.get("feedback", member=self.entry("李华").pk).status_code, 200)
        self.assertEqual(self.get("feedback", member=self.entry("张明").pk).status_code, 403)
        self.assertEqual(self.get("opinion-summary").status_code, 403)
        page = self.client.get(f"/meetings/{self.meeting.pk}/documents/")
        self.assertContains(page, f"feedback/?member={self.entry('李华').pk}")
        self.assertNotContains(page, f"feedback/?member={self.entry('张明').pk}")
        self.assertNotContains(page, "/documents/opinion-summary/")
        preview = f"/meetings/{self.meeting.pk}/documents/feedback/?member={self.entry('张明').pk}"
        self.assertEqual(self.client.get(preview).status_code, 403)

    def test_principal_and_supervisor_read_every_sheet_and_the_summary(self):
        for persona in ("principal", "supervisor"):
            self.login(persona)
            self.assertEqual(self.get("feedback", member=self.entry("李华").pk).status_code, 200)
            self.assertEqual(self.get("opinion-summary").status_code, 200)
