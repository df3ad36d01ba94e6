"""整改方案, 整改清单 (.docx and .xlsx) and 公示, downloaded from the 文书 page and the CLI as a user would,
opened with python-docx / openpyxl: the rows and numbers come from the ledger (expectations read
from the same records), a fact removed prints 【待补充】, and the engine's page setup is intact."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile
import unittest
from pathlib import Path

from django.core.management import call_command
from docx import Document
from docx.shared import Mm
from openpyxl import load_workbook

from mingjing.documents.engine import display_width
from mingjing.documents.models import ParagraphOverride
from mingjing.documents.pdf import pdf_available
from mingjing.documents.slots import MISSING
from mingjing.lib.dates import cn_date, today
from mingjing.meetings.models import Meeting, StepCompletion
from mingjing.minutes.selectors import minutes_for_meeting
from mingjing.problems.selectors import problem_counts
from mingjing.rectification.deadlines import OVERDUE
from mingjing.rectification.ledger_xlsx import COLUMNS, parse_sheet
from mingjing.rectification.models import Notice, NoticeKind, RectificationItem, RectificationSettings, Status
from mingjing.rectification.selectors import item_mark, settings_for
from mingjing.rectification.services import notice_create, notice_update
from mingjing.test import BaseTestCase
from mingjing.yearconfigs.models import Aspect

TOOLS = pdf_available() and shutil.which("pdftotext") is not None
NEEDS = "LibreOffice (soffice) 和 poppler-utils (pdftotext) 未安装：跳过 PDF 排版测试（CI 会安装）"
PAGE_NUMBER = re.compile(r"^—\s*\d+\s*—$")
LEDGER_HEADERS = ["序号", "问题", "整改措施", "责任领导", "责任科室", "责任人", "整改时限", "进展情况", "状态"]


def flat(text: str) -> str:
    return "".join(text.split())


class RectificationDocumentsTestCase(BaseTestCase):
    def download(self, meeting: Meeting, kind: str, fmt: str = "docx", member=None):
        query = {"format": fmt} | ({"member": member.pk} if member is not None else {})
        response = self.client.get(f"/meetings/{meeting.pk}/documents/{kind}/download/", query)
        self.assertEqual(response.status_code, 200, response.content[:300])
        return response.content

    def document(self, meeting: Meeting, kind: str, member=None):
        return Document(io.BytesIO(self.download(meeting, kind, member=member)))

    def lines(self, meeting: Meeting, kind: str, member=None) -> list[str]:
        document = self.document(meeting, kind, member)
        return [p.text for p in document.paragraphs if p.text.strip()]

    def one(self, lines: list[str], start: str) -> str:
        found = [line for line in lines if line.startswith(start)]
        self.assertEqual(len(found), 1, f"{len(found)} paragraphs start with {start!r}")
        return found[0]

    def team_items(self, meeting: Meeting) -> list[RectificationItem]:
        return list(RectificationItem.objects.filter(meeting=meeting, owner=None).order_by("number"))

    def assert_page(self, section, width: int, height: int, margins: tuple[int, int, int, int]) -> None:
        self.assertAlmostEqual(section.page_width, Mm(width), delta=Mm(0.1))
        self.assertAlmostEqual(section.page_height, Mm(height), delta=Mm(0.1))
        got = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
        for value, mm in zip(got, margins, strict=True):
            self.assertAlmostEqual(value, Mm(mm), delta=Mm(0.1))


class PlanTest(RectificationDocumentsTestCase):
    def test_the_plan_lists_the_team_items_by_aspect_with_numbers_from_the_records(self):
        meeting = self.last_meeting  # the demo's 2024 ledger: two team items, three members' items
        items = self.team_items(meeting)
        self.assertEqual(len(items), 2)
        self.login("member")
        document = self.document(meeting, "rectification-plan")
        self.assert_page(document.sections[0], 210, 297, (37, 35, 28, 26))
        lines = [p.text for p in document.paragraphs if p.text.strip()]
        unit = meeting.organization
        self.assertEqual(
            flat(lines[0]), f"{unit.name}关于{meeting.config.name}查摆问题的整改方案", "title from the unit and year"
        )
        held = minutes_for_meeting(meeting).record
        team_problems = problem_counts(meeting).by_owner[None].total
        opening = self.one(lines, cn_date(held.held_on))
        self.assertIn(f"{cn_date(held.held_on)}{held.get_half_day_display()}，{unit.short_name}召开了", opening)
        self.assertIn(f"对照检查查摆问题{team_problems}个", opening)
        headings = [line for line in lines if line[:2] in ("一、", "二、", "三、", "四、")]
        self.assertEqual(headings, ["一、指导思想", "二、整改目标", "三、整改任务和措施", "四、保障措施"])
        self.assertIn(meeting.config.theme.strip().rstrip("。"), self.one(lines, "坚持以习近平"))
        goals = self.one(lines, "针对会上查摆的问题")
        dated = [i for i in items if not i.long_term]
        self.assertIn(f"领导班子确定整改事项{len(items)}项，", goals)
        self.assertIn(f"限期整改的{len(dated)}项在{cn_date(max(i.deadline for i in dated))}前", goals)
        self.assertIn(f"需长期坚持的{len(items) - len(dated)}项", goals)
        # Each item under the aspect of its problem, numbered within it, with every column of the ledger.
        for item in items:
            aspect = item.problem.aspect
            number = list(Aspect.objects.filter(config=meeting.config).order_by("order")).index(aspect)
            self.assertIn(f"（{'一二三四五六'[number]}）{aspect.title}", lines)
            text = self.one(lines, "1." + item.problem_text.split("。")[0])
            self.assertIn(f"整改措施：{item.measures}", text)
            self.assertIn(f"责任领导：{item.responsible_leader.name}；", text)
            self.assertIn(f"责任科室：{item.responsible_division.name}；", text)
            self.assertIn(f"整改时限：{item.deadline_label}。", text)
        # 保障措施 from the roster, the ledger's settings and its member lists.
        principal = meeting.roster.get(team_role="principal")
        member_items = RectificationItem.objects.filter(meeting=meeting, owner__isnull=False)
        owners = member_items.values("owner").distinct().count()
        leadership = self.one(lines, "（一）加强组织领导。")
        self.assertIn(f"{principal.post}{principal.name}同志履行整改第一责任人职责", leadership)
        self.assertIn(f"{owners}名班子成员制定了个人整改清单，明确整改事项{member_items.count()}项", leadership)
        settings = settings_for(meeting)
        ledger = self.one(lines, "（二）实行台账管理和销号管理。")
        self.assertIn(f"到期前{settings.first_warning_days}天、{settings.second_warning_days}天分别提醒", ledger)
        self.assertIn("销号前须经主要负责同志审核。", ledger)
        step = StepCompletion.objects.get(meeting=meeting, step="rectification")
        self.assertEqual(lines[-2:], [unit.name, cn_date(step.completed_on)])

    def test_settings_and_a_notice_change_the_plan(self):
        meeting = self.last_meeting
        Notice.objects.filter(meeting=meeting).delete()  # the demo's finished meeting has its notice
        RectificationSettings.objects.create(meeting=meeting, first_warning_days=15, second_warning_days=5,
                                             team_needs_review=True)  # fmt: skip
        self.login("preparer")
        lines = self.lines(meeting, "rectification-plan")
        ledger = self.one(lines, "（二）实行台账管理和销号管理。")
        self.assertIn("到期前15天、5天分别提醒", ledger)
        self.assertIn("销号前须经主要负责同志和督导组审核", ledger)
        self.assertIn(f"通过{MISSING}在{MISSING}范围内公示", self.one(lines, "（三）强化监督问效。"))
        notice_create(actor=self.preparer, meeting=meeting, kind=NoticeKind.PUBLICITY, scope="全局党员干部",
                      channel="局一楼公示栏", published_on=dt.date(2025, 1, 20))  # fmt: skip
        lines = self.lines(meeting, "rectification-plan")
        self.assertIn("整改方案通过局一楼公示栏在全局党员干部范围内公示", self.one(lines, "（三）强化监督问效。"))

    def test_a_removed_fact_prints_daibuchong(self):
        meeting = self.last_meeting
        first, second = self.team_items(meeting)
        RectificationItem.objects.filter(pk=first.pk).update(responsible_division=None, deadline=None)
        RectificationItem.objects.filter(pk=second.pk).update(responsible_leader=None)
        StepCompletion.objects.filter(meeting=meeting, step="rectification").delete()
        self.login("preparer")
        lines = self.lines(meeting, "rectification-plan")
        text = self.one(lines, "1." + first.problem_text.split("。")[0])
        self.assertIn(f"责任科室：{MISSING}；", text)
        self.assertIn(f"整改时限：{MISSING}。", text)
        self.assertIn(f"责任领导：{MISSING}；", self.one(lines, "1." + second.problem_text.split("。")[0]))
        self.assertIn(f"在{MISSING}前全部整改到位", self.one(lines, "针对会上查摆的问题"))
        self.assertEqual(lines[-1], MISSING, "the plan is dated when the step is done")

    def test_without_team_items_the_items_are_to_be_filled_and_carried_items_follow_the_aspects(self):
        self.login("preparer")
        # The 2025 meeting holds only last year's carried-over items: they come under their own heading.
        carried = self.team_items(self.meeting)
        self.assertTrue(carried and all(i.carried_from_id for i in carried))
        lines = self.lines(self.meeting, "rectification-plan")
        self.assertIn(f"（含上年度结转未完成事项{len(carried)}项）", self.one(lines, "针对会上查摆的问题"))
        self.assertIn("（上年度结转事项）", self.one(lines, "（一）" + carried[0].problem_text.split("。")[0]))
        RectificationItem.objects.filter(meeting=self.meeting, owner=None).delete()
        lines = self.lines(self.meeting, "rectification-plan")
        self.assertIn(f"领导班子整改事项：{MISSING}", lines)
        self.assertIn(f"领导班子确定整改事项{MISSING}项", self.one(lines, "针对会上查摆的问题"))

    def test_an_edited_item_survives_regeneration(self):
        meeting = self.last_meeting
        item = self.team_items(meeting)[0]
        self.login("preparer")
        url = f"/meetings/{meeting.pk}/documents/rectification-plan/"
        self.assertContains(self.client.get(url), f'id="p-item-{item.pk}"')
        response = self.client.post(url + "edit/", {"key": f"item-{item.pk}", "text": "改写后的整改措施。"})
        self.assertEqual(response.status_code, 302)
        lines = self.lines(meeting, "rectification-plan")
        self.assertIn("1." + item.problem_text.split("。")[0] + "。改写后的整改措施。", lines)


class ListTest(RectificationDocumentsTestCase):
    def table_rows(self, document) -> list[list[str]]:
        (table,) = document.tables
        return [[c.text for c in row.cells] for row in table.rows]

    def expected_row(self, n: int, item: RectificationItem) -> list[str]:
        return [
            str(n),
            item.problem_text,
            item.measures,
            item.responsible_leader.name if item.responsible_leader else MISSING,
            item.responsible_division.name if item.responsible_division else MISSING,
            item.responsible_person.name if item.responsible_person else MISSING,
            item.deadline_label,
        ]

    def test_the_teams_list_is_a_landscape_table_of_its_items(self):
        meeting = self.last_meeting
        items = self.team_items(meeting)
        self.login("member")
        document = self.document(meeting, "rectification-list")
        self.assert_page(document.sections[0], 297, 210, (28, 26, 37, 35))
        self.assertEqual(flat(document.paragraphs[0].text), f"{meeting.title}整改清单")
        rows = self.table_rows(document)
        self.assertEqual(rows[0], LEDGER_HEADERS)
        self.assertEqual(len(rows), 1 + len(items))
        settings = settings_for(meeting)
        for n, (row, item) in enumerate(zip(rows[1:], items, strict=True), start=1):
            self.assertEqual(row[:7], self.expected_row(n, item))
            status = item.get_status_display()
            if item_mark(item, settings, today()).state == OVERDUE:
                status += "（已超期）"
            self.assertEqual(row[8], status)
            if item.status == Status.CLOSED:
                self.assertIn(f"已于{cn_date(item.closed_on)}销号", row[7])
            else:
                self.assertIn(f"完成比例{item.progress}%", row[7])
        closed = sum(1 for i in items if i.status == Status.CLOSED)
        carried = sum(1 for i in items if i.status == Status.CARRIED)
        self.assertEqual(carried, 1)  # the long-term item went on to 2025's ledger: counted there, not here
        intro = next(p.text for p in document.paragraphs if p.text.startswith("领导班子整改事项共"))
        self.assertIn(f"领导班子整改事项共{len(items)}项", intro)
        self.assertIn(
            f"截至{cn_date(today())}，已销号{closed}项，"  # nothing open: no “正在整改0项”
            f"已结转到下一年度{carried}项",
            intro,
        )

    def test_one_members_list_docx_and_xlsx(self):
        meeting = self.last_meeting
        entry = meeting.roster.get(name="李华")
        items = list(RectificationItem.objects.filter(meeting=meeting, owner=entry).order_by("number"))
        self.assertEqual(len(items), 2)
        self.login("preparer")
        document = self.document(meeting, "rectification-list", member=entry)
        self.assertEqual(flat(document.paragraphs[0].text), f"李华同志{meeting.config.name}整改清单")
        rows = self.table_rows(document)
        self.assertEqual([r[:7] for r in rows[1:]], [self.expected_row(n, i) for n, i in enumerate(items, 1)])
        # The .xlsx is the ledger's own export (the 台账 layout), restricted to his list, and imports back.
        content = self.download(meeting, "rectification-list", fmt="xlsx", member=entry)
        sheet = load_workbook(io.BytesIO(content)).worksheets[0]
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        header = next(i for i, row in enumerate(values) if row[0] == "序号")
        self.assertEqual(list(values[header][: len(COLUMNS)]), list(COLUMNS))
        self.assertEqual(list(values[header][:9]), LEDGER_HEADERS)
        data = [row for row in values[header + 1 :] if any(row)]
        self.assertEqual([row[1] for row in data], [i.problem_text for i in items])
        self.assertEqual([row[-1] for row in data], [i.key for i in items])
        self.assertEqual({row[10] for row in data}, {"李华同志整改清单"})
        self.assertEqual([r["key"] for r in parse_sheet(content)], [i.key for i in items])

    def test_a_removed_fact_and_an_empty_list(self):
        meeting = self.last_meeting
        entry = meeting.roster.get(name="李华")
        item = RectificationItem.objects.filter(meeting=meeting, owner=entry).order_by("number").first()
        RectificationItem.objects.filter(pk=item.pk).update(responsible_leader=None, deadline=None)
        self.login("preparer")
        row = self.table_rows(self.document(meeting, "rectification-list", member=entry))[1]
        self.assertEqual((row[3], row[6]), (MISSING, MISSING))
        zhao = meeting.roster.get(name="赵强")  # no items in his list
        # The demo's preparer wrote what his empty list says; without that the list asks for the facts.
        ParagraphOverride.objects.filter(meeting=meeting, kind="rectification-list", member=zhao).delete()
        self.assertFalse(RectificationItem.objects.filter(meeting=meeting, owner=zhao).exists())
        document = self.document(meeting, "rectification-list", member=zhao)
        self.assertEqual(document.tables, [])
        self.assertIn(f"赵强同志整改事项：{MISSING}", [p.text for p in document.paragraphs])

    def test_the_documents_page_links_the_team_and_each_members_list_and_previews_render(self):
        meeting = self.last_meeting
        entry = meeting.roster.get(name="李华")
        self.login("member")
        page = self.client.get(f"/meetings/{meeting.pk}/documents/").content.decode()
        base = f"/meetings/{meeting.pk}/documents/rectification-list/download/"
        self.assertIn(f'href="{base}?format=xlsx"', page)
        self.assertIn(f'href="{base}?format=xlsx&amp;member={entry.pk}"', page)
        for kind in ("rectification-plan", "notice"):
            self.assertIn(f'id="kind-{kind}"', page)
            self.assertEqual(self.client.get(f"/meetings/{meeting.pk}/documents/{kind}/").status_code, 200)
        preview = self.client.get(f"/meetings/{meeting.pk}/documents/rectification-list/", {"member": entry.pk})
        self.assertContains(preview, f"李华同志{meeting.config.name}整改清单")
        self.assertContains(preview, 'id="p-intro"')

    def test_cli(self):
        meeting = self.last_meeting
        with tempfile.TemporaryDirectory() as tmp:
            target = Path(tmp) / "list.xlsx"
            call_command("document", "rectification-list", "--meeting", str(meeting.pk), "--member", "李华",
                         "--xlsx", "-o", str(target), stdout=io.StringIO())  # fmt: skip
            keys = [r["key"] for r in parse_sheet(target.read_bytes())]
            owner = meeting.roster.get(name="李华")
            self.assertEqual(keys, [i.key for i in RectificationItem.objects.filter(meeting=meeting, owner=owner)])
            marks = {
                "rectification-plan": "三、整改任务和措施",
                "rectification-list": "整改措施",
                "notice": "三、公示范围和方式",
            }
            for kind, mark in marks.items():
                path = Path(tmp) / f"{kind}.docx"
                call_command("document", kind, "--meeting", str(meeting.pk), "-o", str(path), stdout=io.StringIO())
                document = Document(str(path))
                cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
                self.assertIn(mark, [p.text for p in document.paragraphs] + cells)


class NoticeDocumentTest(RectificationDocumentsTestCase):
    def test_without_a_notice_the_publicity_facts_are_to_be_filled(self):
        meeting = self.last_meeting
        Notice.objects.filter(meeting=meeting).delete()  # the demo's finished meeting has its notice
        self.login("member")
        lines = self.lines(meeting, "notice")
        self.assertEqual(flat(lines[0]), f"关于{meeting.title}召开情况及整改措施的公示")
        self.assertIn(f"本次公示范围为{MISSING}，公示方式为{MISSING}，公示时间为{MISSING}。", lines)
        self.assertIn(f"请通过{MISSING}反映", self.one(lines, "欢迎"))
        self.assertEqual(lines[-2:], [meeting.organization.name, MISSING])
        # The counts come from the records; no doubled stop where a problem already ends in 。.
        team = self.team_items(meeting)
        self.assertIn(f"领导班子制定了整改方案，明确整改事项{len(team)}项", self.one(lines, "领导班子查摆问题"))
        self.assertFalse(any("。。" in line for line in lines))
        self.assertIn("三、公示范围和方式", lines)

    def test_the_notice_record_is_printed_and_a_removed_contact_prints_daibuchong(self):
        meeting = self.last_meeting
        Notice.objects.filter(meeting=meeting).delete()  # the demo's finished meeting has its notice
        notice = notice_create(actor=self.preparer, meeting=meeting, kind=NoticeKind.PUBLICITY, scope="全局党员干部",
                               channel="局一楼公示栏", place="局机关一楼大厅", published_on=dt.date(2025, 1, 20),
                               until=dt.date(2025, 1, 24), contact="局机关党委办公室，电话0000-1234567")  # fmt: skip
        self.login("member")
        lines = self.lines(meeting, "notice")
        self.assertIn(
            "本次公示范围为全局党员干部，公示方式为局一楼公示栏（局机关一楼大厅），公示时间为2025年1月20日至2025年1月24日。",
            lines,
        )
        self.assertIn("请通过局机关党委办公室，电话0000-1234567反映", self.one(lines, "欢迎"))
        self.assertEqual(lines[-2:], [meeting.organization.name, "2025年1月20日"])
        self.assertEqual(sum(1 for line in lines if line == meeting.organization.name), 1)
        notice_update(actor=self.preparer, notice=notice, data={"contact": ""}, regenerate=True)
        self.assertIn(f"请通过{MISSING}反映", self.one(self.lines(meeting, "notice"), "欢迎"))

    def test_a_hand_written_notice_is_printed_as_written(self):
        meeting = self.last_meeting
        Notice.objects.filter(meeting=meeting).delete()  # the demo's finished meeting has its notice
        text = "第一段。\n二、第二部分\n第三段。"
        notice_create(actor=self.preparer, meeting=meeting, kind=NoticeKind.PUBLICITY, scope="全局党员干部",
                      channel="党支部工作群", published_on=dt.date(2025, 1, 21), text=text)  # fmt: skip
        self.login("preparer")
        document = self.document(meeting, "notice")
        lines = [p.text for p in document.paragraphs if p.text.strip()]
        self.assertEqual(flat(lines[0]), f"关于{meeting.title}召开情况及整改措施的公示")
        unit = meeting.organization.name
        self.assertEqual(lines[1:], ["第一段。", "二、第二部分", "第三段。", unit, "2025年1月21日"])
        heading = next(p for p in document.paragraphs if p.text == "二、第二部分")
        self.assertEqual(heading.style.name, "GB Heading 1")


@unittest.skipUnless(TOOLS, NEEDS)
class PdfTest(RectificationDocumentsTestCase):
    def pages(self, content: bytes) -> list[list[str]]:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "d.pdf"
            path.write_bytes(content)
            out = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True)
        return [[line.strip() for line in p.split("\n") if line.strip()] for p in out.stdout.split("\f") if p.strip()]

    def test_the_plan_keeps_the_22_by_28_grid_and_the_list_is_one_landscape_page(self):
        meeting = self.last_meeting
        self.login("preparer")
        pages = self.pages(self.download(meeting, "rectification-plan", fmt="pdf"))
        self.assertGreaterEqual(len(pages), 2)
        for n, page in enumerate(pages, start=1):
            self.assertRegex(page[-1], PAGE_NUMBER, f"page {n}")
            for line in page[:-1]:
                self.assertLessEqual(display_width(line.replace(" ", "")), 28, f"page {n}: {line}")
        self.assertEqual(len(pages[1]) - 1, 22, "a full page holds 22 lines")
        pages = self.pages(self.download(meeting, "rectification-list", fmt="pdf"))
        self.assertEqual(len(pages), 1)
        whole = "".join(pages[0]).replace(" ", "")
        for item in self.team_items(meeting):
            self.assertIn(item.responsible_division.name, whole)
