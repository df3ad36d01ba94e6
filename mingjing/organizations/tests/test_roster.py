"""Roster template, export and import (mingjing/organizations/roster.py, mingjing/lib/xlsx.py)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

from django.contrib.auth import get_user_model
from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext
from openpyxl import Workbook, load_workbook

from mingjing.audit.models import AuditEvent
from mingjing.lib import xlsx as xlsx_module
from mingjing.lib.xlsx import XlsxError, read_sheet, write_sheet
from mingjing.organizations.models import Person, TeamRole
from mingjing.organizations.roster import (
    COLUMNS,
    RosterImportError,
    RosterImportResult,
    roster_export_xlsx,
    roster_import,
    roster_template_xlsx,
)
from mingjing.organizations.services import branch_create, division_create, organization_create, person_create


def xlsx(rows, headers=COLUMNS) -> io.BytesIO:
    """An in-memory .xlsx with `headers` and `rows`, as a user would upload it."""
    wb = Workbook()
    ws = wb.active
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def snapshot(unit) -> dict[str, tuple]:
    """Everything the roster covers, per person, to prove what an import did and did not touch."""
    return {
        p.name: (
            p.post,
            p.team_role,
            p.precedence,
            tuple(sorted(d.name for d in p.supervised_divisions.all())),
            p.heads_division_id,
            p.branch_id,
            p.is_active,
        )
        for p in Person.objects.filter(organization=unit).prefetch_related("supervised_divisions")
    }


class RosterTestBase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.user = get_user_model().objects.create_user(username="clerk", password="x")
        cls.unit = organization_create(actor=None, parent=None, name="明州市农业农村局党组", short_name="局党组")
        cls.office = division_create(actor=None, organization=cls.unit, name="办公室", order=1)
        cls.finance = division_create(actor=None, organization=cls.unit, name="财务科", order=2)
        cls.branch = branch_create(actor=None, organization=cls.unit, name="机关第一党支部")
        cls.chief = person_create(
            actor=None,
            organization=cls.unit,
            name="李明",
            post="局党组书记、局长",
            team_role=TeamRole.PRINCIPAL,
            precedence=1,
            branch=cls.branch,
        )
        cls.deputy = person_create(
            actor=None,
            organization=cls.unit,
            name="王芳",
            post="局党组成员、副局长",
            team_role=TeamRole.MEMBER,
            precedence=2,
            supervised_divisions=[cls.office, cls.finance],
            branch=cls.branch,
        )
        cls.staff = person_create(
            actor=None,
            organization=cls.unit,
            name="赵强",
            post="办公室主任",
            heads_division=cls.office,
        )

    def import_rows(self, rows, **kwargs) -> RosterImportResult:
        return roster_import(actor=self.user, organization=self.unit, fileobj=xlsx(rows, **kwargs))

    def assert_rejected(self, rows, *expected: str) -> list[str]:
        before, events = snapshot(self.unit), AuditEvent.objects.count()
        with self.assertRaises(RosterImportError) as caught:
            self.import_rows(rows)
        for message in expected:
            self.assertIn(message, caught.exception.errors)
        self.assertEqual(snapshot(self.unit), before)
        self.assertEqual(AuditEvent.objects.count(), events)
        return caught.exception.errors


class TemplateTests(RosterTestBase):
    def test_template_has_headers_example_and_notes(self):
        wb = load_workbook(io.BytesIO(roster_template_xlsx()))
        self.assertEqual(wb.sheetnames, ["人员名单", "填写说明"])
        ws = wb["人员名单"]
        self.assertEqual([c.value for c in ws[1]], list(COLUMNS))
        self.assertTrue(ws["A1"].font.bold)
        self.assertEqual(ws.freeze_panes, "A2")
        notes = " ".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
        for column in COLUMNS:
            self.assertIn(column, notes)
        self.assertIn("不会被删除", notes)

    def test_template_reimports_cleanly(self):
        fresh = organization_create(actor=None, parent=None, name="明州市林业局党组", short_name="林业局党组")
        template = io.BytesIO(roster_template_xlsx())
        result = roster_import(actor=self.user, organization=fresh, fileobj=template)
        self.assertEqual(result, RosterImportResult(created=1, updated=0, unchanged=0))
        person = Person.objects.get(organization=fresh)
        self.assertEqual((person.name, person.team_role, person.precedence), ("张三", TeamRole.MEMBER, 2))


class ExportImportTests(RosterTestBase):
    def test_export_lists_team_first_by_precedence(self):
        ws = load_workbook(io.BytesIO(roster_export_xlsx(organization=self.unit))).active
        rows = [[c.value for c in row] for row in ws.iter_rows(min_row=2)]
        self.assertEqual(
            rows,
            [
                ["李明", "局党组书记、局长", "主要负责同志", 1, None, None, "机关第一党支部", "是"],
                ["王芳", "局党组成员、副局长", "班子成员", 2, "办公室、财务科", None, "机关第一党支部", "是"],
                ["赵强", "办公室主任", "非班子成员", 0, None, "办公室", None, "是"],
            ],
        )

    def test_export_reimports_unchanged(self):
        before = snapshot(self.unit)
        exported = io.BytesIO(roster_export_xlsx(organization=self.unit))
        result = roster_import(actor=self.user, organization=self.unit, fileobj=exported)
        self.assertEqual(result, RosterImportResult(created=0, updated=0, unchanged=3))
        self.assertEqual(snapshot(self.unit), before)

    def test_edit_one_cell_updates_exactly_that_person(self):
        wb = load_workbook(io.BytesIO(roster_export_xlsx(organization=self.unit)))
        ws = wb.active
        self.assertEqual(ws["A3"].value, "王芳")
        ws["E3"] = "办公室"  # 分管科室: drop 财务科
        buffer = io.BytesIO()
        wb.save(buffer)
        buffer.seek(0)
        before = snapshot(self.unit)

        result = roster_import(actor=self.user, organization=self.unit, fileobj=buffer)

        self.assertEqual(result, RosterImportResult(created=0, updated=1, unchanged=2))
        after = snapshot(self.unit)
        self.assertEqual(after["王芳"][3], ("办公室",))
        self.assertEqual(
            {k: v for k, v in after.items() if k != "王芳"}, {k: v for k, v in before.items() if k != "王芳"}
        )
        event = AuditEvent.objects.get(event_type="roster.imported")
        self.assertEqual(event.extra, {"created": 0, "updated": 1})
        self.assertEqual((event.organization, event.actor), (self.unit, self.user))
        # One event for the whole import, none per person.
        per_person = AuditEvent.objects.filter(event_type__in=["created", "updated"], actor=self.user)
        self.assertFalse(per_person.exists())

    def test_new_rows_are_created_and_people_not_listed_left_alone(self):
        result = self.import_rows(
            [
                ["王芳", "局党组成员、副局长", "班子成员", 2, "财务科，办公室", "", "机关第一党支部", ""],
                ["陈静", "局党组成员、副局长", "班子成员", "3", "财务科", "", "", "是"],
                ["孙伟", "", "", "", "", "", "", "否"],
            ]
        )
        self.assertEqual(result, RosterImportResult(created=2, updated=0, unchanged=1))
        chen = Person.objects.get(organization=self.unit, name="陈静")
        self.assertEqual((chen.team_role, chen.precedence, chen.is_active), (TeamRole.MEMBER, 3, True))
        self.assertEqual([d.name for d in chen.supervised_divisions.all()], ["财务科"])
        self.assertFalse(Person.objects.get(organization=self.unit, name="孙伟").is_active)
        self.assertTrue(Person.objects.filter(pk=self.chief.pk, is_active=True).exists())
        event = AuditEvent.objects.get(event_type="roster.imported")
        self.assertEqual(event.extra, {"created": 2, "updated": 0})

    def test_formula_is_neutralised_on_export_and_round_trips(self):
        person_create(actor=None, organization=self.unit, name="钱多", post='=HYPERLINK("http://x")')
        person_create(actor=None, organization=self.unit, name="钱少", post="@SUM(1)")
        data = roster_export_xlsx(organization=self.unit)

        ws = load_workbook(io.BytesIO(data)).active
        posts = {row[0].value: row[1] for row in ws.iter_rows(min_row=2)}
        self.assertEqual(posts["钱多"].value, '\'=HYPERLINK("http://x")')
        self.assertEqual(posts["钱多"].data_type, "s")
        self.assertEqual(posts["钱少"].value, "'@SUM(1)")

        before = snapshot(self.unit)
        result = roster_import(actor=self.user, organization=self.unit, fileobj=io.BytesIO(data))
        self.assertEqual(result.updated + result.created, 0)
        self.assertEqual(snapshot(self.unit), before)


class ImportErrorTests(RosterTestBase):
    def test_unknown_division_changes_nothing_and_names_row_and_column(self):
        errors = self.assert_rejected(
            [
                ["李明", "局党组书记、局长（已调整）", "主要负责同志", 1, "", "", "", "是"],
                ["新人", "", "", "", "", "", "", ""],
                ["王芳", "局党组成员、副局长", "班子成员", 2, "办公室、某某科", "", "", "是"],
            ],
            "第4行「分管科室」：本单位没有名为“某某科”的科室，请先在单位页面添加",
        )
        self.assertEqual(len(errors), 1)

    def test_every_error_is_reported_in_row_order(self):
        errors = self.assert_rejected(
            [
                ["", "科员", "", "", "", "", "", ""],
                ["周一", "", "领导", "", "", "", "", ""],
                ["周二", "", "", "第一", "", "", "", ""],
                ["周三", "", "", "-1", "", "不存在科", "不存在支部", "在"],
            ],
            "第2行「姓名」：不能为空",
            "第3行「班子角色」：应为“主要负责同志”“班子成员”或留空",
            "第4行「班子排序」：应为非负整数",
            "第5行「班子排序」：应为非负整数",
            "第5行「负责科室」：本单位没有名为“不存在科”的科室，请先在单位页面添加",
            "第5行「所在党支部」：本单位没有名为“不存在支部”的党支部，请先在单位页面添加",
            "第5行「在职」：应为“是”或“否”（留空视为“是”）",
        )
        self.assertEqual(len(errors), 7)
        self.assertEqual(errors[0], "第2行「姓名」：不能为空")

    def test_duplicate_names(self):
        self.assert_rejected(
            [
                ["陈静", "", "", "", "", "", "", ""],
                ["刘洋", "", "", "", "", "", "", ""],
                ["陈静", "科员", "", "", "", "", "", ""],
            ],
            "第4行「姓名」：与第2行重复",
        )

    def test_two_principals_in_sheet(self):
        errors = self.assert_rejected(
            [
                ["李明", "", "主要负责同志", 1, "", "", "", "是"],
                ["王芳", "", "班子成员", 2, "", "", "", "是"],
                ["陈静", "", "主要负责同志", 3, "", "", "", "是"],
            ]
        )
        self.assertEqual(len(errors), 1)
        self.assertTrue(errors[0].startswith("第2行、第4行「班子角色」："), errors[0])

    def test_principal_outside_sheet_counts(self):
        errors = self.assert_rejected([["陈静", "", "主要负责同志", 1, "", "", "", "是"]])
        expected = "第2行「班子角色」：本单位已有在职的主要负责同志“李明”"
        self.assertTrue(errors[0].startswith(expected), errors[0])

    def test_principal_handover_in_one_sheet(self):
        result = self.import_rows(
            [
                ["李明", "", "主要负责同志", 1, "", "", "", "否"],
                ["陈静", "局党组书记、局长", "主要负责同志", 1, "", "", "", "是"],
            ]
        )
        self.assertEqual((result.created, result.updated), (1, 1))

    def test_not_an_xlsx_file(self):
        for content in (b"name,post\n\xe6\x9d\x8e,x\n", b"", b"PK\x03\x04 broken zip"):
            with self.subTest(content=content), self.assertRaises(RosterImportError) as caught:
                roster_import(actor=self.user, organization=self.unit, fileobj=io.BytesIO(content))
            self.assertEqual(caught.exception.errors, ["文件不是有效的 .xlsx 表格"])

    def test_missing_header_columns_are_named(self):
        headers = [h for h in COLUMNS if h not in ("在职", "分管科室")]
        with self.assertRaises(RosterImportError) as caught:
            roster_import(actor=self.user, organization=self.unit, fileobj=xlsx([["陈静"] + [""] * 5], headers=headers))
        self.assertIn("「分管科室」、「在职」", caught.exception.errors[0])

    def test_empty_sheet(self):
        with self.assertRaises(RosterImportError) as caught:
            self.import_rows([])
        self.assertIn("没有人员", caught.exception.errors[0])

    @override_settings(MAX_IMPORT_BYTES=1000)
    def test_file_too_large(self):
        with self.assertRaises(RosterImportError) as caught:
            self.import_rows([["陈静", "", "", "", "", "", "", ""]])
        self.assertIn("文件过大", caught.exception.errors[0])


class LargeImportTests(RosterTestBase):
    def test_two_thousand_rows(self):
        rows = [
            [f"人员{i:04d}", "科员", "", "", "财务科" if i % 2 else "", "", "机关第一党支部", "是"] for i in range(2000)
        ]
        result = self.import_rows(rows)
        self.assertEqual(result, RosterImportResult(created=2000, updated=0, unchanged=0))
        self.assertEqual(Person.objects.filter(organization=self.unit).count(), 2003)
        self.assertEqual(AuditEvent.objects.filter(event_type="roster.imported").count(), 1)


class ThousandsOfRowsTests(RosterTestBase):
    """Rosters above the old limit of 5,000 rows: imported in bulk, all or nothing."""

    ROWS = 6_000  # above the old limit of 5,000

    def rows(self) -> list[list]:
        return [
            [f"人员{i:05d}", "科员", "", "", "办公室、财务科" if i % 3 == 0 else "", "", "机关第一党支部", "是"]
            for i in range(self.ROWS)
        ]

    def test_rows_above_the_old_limit_are_imported_and_their_export_imports_back(self):
        already = Person.objects.filter(organization=self.unit).count()
        with CaptureQueriesContext(connection) as queries:
            result = self.import_rows(self.rows())
        self.assertLess(len(queries), 200, "the import runs queries per row")
        self.assertEqual(result, RosterImportResult(created=self.ROWS, updated=0, unchanged=0))
        people = snapshot(self.unit)
        self.assertEqual(len(people), already + self.ROWS)
        self.assertEqual(
            people["人员05997"], ("科员", TeamRole.NONE, 0, ("办公室", "财务科"), None, self.branch.pk, True)
        )
        self.assertEqual(people["人员05998"][3], ())

        # The export, one person's 分管科室 and another's 在职 edited, imports back: exactly they change.
        wb = load_workbook(io.BytesIO(roster_export_xlsx(organization=self.unit)))
        ws = wb.active
        by_name = {row[0].value: row for row in ws.iter_rows(min_row=2)}
        by_name["人员05997"][COLUMNS.index("分管科室")].value = "财务科"
        by_name["人员00001"][COLUMNS.index("在职")].value = "否"
        buffer = io.BytesIO()
        wb.save(buffer)
        buffer.seek(0)
        result = roster_import(actor=self.user, organization=self.unit, fileobj=buffer)
        self.assertEqual(result, RosterImportResult(created=0, updated=2, unchanged=already + self.ROWS - 2))
        after = snapshot(self.unit)
        self.assertEqual(after["人员05997"][3], ("财务科",))
        self.assertFalse(after["人员00001"][6])
        self.assertEqual(
            {k: v for k, v in after.items() if k not in ("人员05997", "人员00001")},
            {k: v for k, v in people.items() if k not in ("人员05997", "人员00001")},
        )
        self.assertEqual(
            [e.extra for e in AuditEvent.objects.filter(event_type="roster.imported").order_by("pk")],
            [{"created": self.ROWS, "updated": 0}, {"created": 0, "updated": 2}],
        )

    def test_one_bad_row_among_thousands_changes_nothing(self):
        rows = self.rows()
        rows[5_500][COLUMNS.index("负责科室")] = "信访科"
        before = snapshot(self.unit)
        with self.assertRaises(RosterImportError) as caught:
            self.import_rows(rows)
        self.assertEqual(
            caught.exception.errors, ["第5502行「负责科室」：本单位没有名为“信访科”的科室，请先在单位页面添加"]
        )
        self.assertEqual(snapshot(self.unit), before)
        self.assertFalse(AuditEvent.objects.filter(event_type="roster.imported").exists())


class XlsxHelperTests(TestCase):
    def test_read_sheet_values(self):
        data = xlsx(
            [["a", 3.0, 2.5, None], [None, None, None, None], ["  b ", 7, True, "'=1+1"]], headers=["x", "y", "z", "w"]
        )
        self.assertEqual(
            read_sheet(data, required=["x"]),
            [
                (2, {"x": "a", "y": "3", "z": "2.5", "w": ""}),
                (4, {"x": "b", "y": "7", "z": "是", "w": "=1+1"}),
            ],
        )

    def test_read_sheet_limits(self):
        with self.assertRaises(XlsxError) as caught:
            read_sheet(xlsx([["a"]] * 11, headers=["x"]), max_rows=10)
        self.assertIn("10", caught.exception.message)
        with self.assertRaises(XlsxError) as caught:
            read_sheet(xlsx([["a"]], headers=["x"]), required=["x", "名称"])
        self.assertIn("「名称」", caught.exception.message)

    def test_write_sheet_neutralises_every_formula_trigger(self):
        data = write_sheet(["h"], [["=1"], ["+1"], ["-1"], ["@a"], [-1], ["ok"]], title="t")
        ws = load_workbook(io.BytesIO(data)).active
        self.assertEqual([c.value for c in ws["A"]], ["h", "'=1", "'+1", "'-1", "'@a", -1, "ok"])
        self.assertTrue(all(c.data_type != "f" for c in ws["A"]))

    def test_the_fast_reader_gives_what_openpyxl_gives(self):
        wb = Workbook()
        ws = wb.active
        ws.append(["文本", "整数", "小数", "是否", "日期", "时间", "公式", "大数"])
        ws.append(["甲\n乙", 3, 2.5, True, dt.datetime(2026, 11, 2), dt.time(9, 30), "=1+1", 1e20])
        ws.append([" 丙 ", -7, 0.1, False, dt.date(2026, 1, 5), dt.timedelta(hours=30), "'=x", None])
        ws["B7"] = "隔行"
        wb.create_sheet("第二张").append(["不读"])
        data = save(wb)
        # openpyxl writes text in the cell (inline); Excel and WPS write a shared strings table,
        # where a string may be runs of rich text with a phonetic guide (not part of the text).
        shared = rewrite(
            data,
            {
                "xl/sharedStrings.xml": lambda _: SHARED_STRINGS.encode(),
                "xl/_rels/workbook.xml.rels": lambda xml: xml.replace(
                    b"</Relationships>", SHARED_REL + b"</Relationships>"
                ),
                "[Content_Types].xml": lambda xml: xml.replace(b"</Types>", SHARED_TYPE + b"</Types>"),
                "xl/worksheets/sheet1.xml": lambda xml: re.sub(
                    rb'<c r="B7" t="inlineStr">.*?</c>', b'<c r="B7" t="s"><v>1</v></c>', xml
                ),
            },
        )
        for sheet in (data, shared):
            self.assertEqual(read_sheet(sheet), self.read_with_openpyxl(sheet))
        self.assertEqual(
            read_sheet(shared),
            [
                (
                    2,
                    {
                        "文本": "甲\n乙",
                        "整数": "3",
                        "小数": "2.5",
                        "是否": "是",
                        "日期": "2026-11-02",
                        "时间": "09:30:00",
                        "公式": "",
                        "大数": "100000000000000000000",
                    },
                ),
                (
                    3,
                    {
                        "文本": "丙",
                        "整数": "-7",
                        "小数": "0.1",
                        "是否": "否",
                        "日期": "2026-01-05",
                        "时间": "1 day, 6:00:00",
                        "公式": "=x",
                        "大数": "",
                    },
                ),
                (
                    7,
                    {
                        "文本": "",
                        "整数": "隔行",
                        "小数": "",
                        "是否": "",
                        "日期": "",
                        "时间": "",
                        "公式": "",
                        "大数": "",
                    },
                ),
            ],
        )

    def test_a_sheet_the_fast_reader_does_not_know_is_read_by_openpyxl(self):
        data = save_rows([["名称", "数"], ["a", 1], ["b", 2]])
        with_dtd = rewrite(
            data,
            {"xl/worksheets/sheet1.xml": lambda xml: xml.replace(b"<worksheet", b"<!DOCTYPE worksheet><worksheet", 1)},
        )
        with zipfile.ZipFile(io.BytesIO(with_dtd)) as archive, self.assertRaises(ValueError):
            list(xlsx_module._fast_rows(archive))
        self.assertEqual(read_sheet(with_dtd), [(2, {"名称": "a", "数": "1"}), (3, {"名称": "b", "数": "2"})])

    @staticmethod
    def read_with_openpyxl(data: bytes):
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        rows = enumerate(wb.worksheets[0].iter_rows(values_only=True), start=1)
        return xlsx_module._read_rows(rows, required=(), max_rows=None)


def save(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def save_rows(rows) -> bytes:
    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    return save(wb)


SHARED_STRINGS = (
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="2" uniqueCount="2">'
    "<si><t>共享</t></si>"
    '<si><r><t>隔</t></r><r><rPr><b/></rPr><t>行</t></r><rPh sb="0" eb="1"><t>ge</t></rPh></si></sst>'
)
SHARED_REL = (
    b'<Relationship Id="rIdShared" Target="sharedStrings.xml" '
    b'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/>'
)
SHARED_TYPE = (
    b'<Override PartName="/xl/sharedStrings.xml" '
    b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
)


def rewrite(data: bytes, changes: dict) -> bytes:
    """The .xlsx with parts changed (or added) by `changes[name](bytes) -> bytes`."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        names = [info.filename for info in source.infolist()]
        for name in [*names, *(n for n in changes if n not in names)]:
            content = source.read(name) if name in names else b""
            if name in changes:
                changed = changes[name](content)
                assert changed != content, f"{name} was not changed"
                content = changed
            target.writestr(name, content)
    return out.getvalue()
