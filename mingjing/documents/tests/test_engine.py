"""The engine's output opened with python-docx: the GB/T 9704 numbers, fonts, grid and page numbers."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

from django.test import SimpleTestCase, override_settings
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm

from mingjing.documents.engine import CHAR_TWIPS, OfficialDocument, balance_title, display_width
from mingjing.documents.numbering import cn_number, doc_date, doc_number, heading_prefix, numbered_points, point_prefix
from mingjing.documents.slots import MISSING, fill

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def sample(**kwargs) -> OfficialDocument:
    doc = OfficialDocument(title="关于召开2025年度民主生活会的请示", addressee="市纪委监委、市委组织部", **kwargs)
    doc.paragraph("按照市委组织部通知要求，经局党组研究，拟召开局领导班子2025年度民主生活会。", key="basis")
    doc.heading(1, "会议主题")
    doc.heading(2, "认真制订方案。", body="根据通知精神制订方案。", key="plan")
    doc.heading(3, "会议时间")
    doc.heading(4, "上午")
    doc.heading(1, "会前准备")
    doc.heading(2, "广泛征求意见")
    doc.numbered_points(["发放征求意见表", "个别走访"], lead="方式：")
    doc.table(["序号", "问题", "整改时限"], [[1, "问题一", None], [2, "问题二", ""]], widths=[14, 100, 42])
    doc.attachments(["整改方案", "整改清单"])
    doc.signature("中共明远市农业农村局党组", dt.date(2026, 1, 5))
    return doc


def mm(*lengths) -> tuple:
    """Lengths in mm to 0.1 (Word stores twips: 210 mm is 11906 twips)."""
    return tuple(round(length / Mm(1), 1) for length in lengths)


def reopen(doc: OfficialDocument):
    return Document(io.BytesIO(doc.to_bytes()))


class PageSetupTest(SimpleTestCase):
    def test_a4_margins_and_the_22_line_grid(self):
        section = reopen(sample()).sections[0]
        self.assertEqual(mm(section.page_width, section.page_height), (210, 297))
        margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
        self.assertEqual(mm(*margins), (37, 35, 28, 26))
        # The text block is 156 × 225 mm.
        self.assertAlmostEqual((section.page_width - section.left_margin - section.right_margin) / Mm(1), 156, 1)
        self.assertAlmostEqual((section.page_height - section.top_margin - section.bottom_margin) / Mm(1), 225, 1)
        grid = section._sectPr.find(qn("w:docGrid"))
        self.assertEqual(grid.get(qn("w:type")), "lines")
        self.assertEqual(grid.get(qn("w:linePitch")), "579")
        self.assertIsNone(grid.get(qn("w:charSpace")))

    def test_body_paragraphs_exact_28_95_pt_no_widow_control_and_run_spacing(self):
        document = reopen(sample())
        body = document.styles["GB Body"].element
        spacing = body.pPr.find(qn("w:spacing"))
        self.assertEqual((spacing.get(qn("w:line")), spacing.get(qn("w:lineRule"))), ("579", "exact"))
        self.assertEqual((spacing.get(qn("w:before")), spacing.get(qn("w:after"))), ("0", "0"))
        self.assertEqual(body.pPr.find(qn("w:widowControl")).get(qn("w:val")), "0")
        self.assertEqual(body.pPr.find(qn("w:ind")).get(qn("w:firstLine")), "640")  # two 16 pt characters
        self.assertEqual(body.rPr.find(qn("w:spacing")).get(qn("w:val")), "-5")
        paragraph = next(p for p in document.paragraphs if p.text.startswith("按照"))
        run = paragraph.runs[0]._r
        self.assertEqual(run.rPr.find(qn("w:spacing")).get(qn("w:val")), "-5")
        self.assertEqual(run.rPr.find(qn("w:sz")).get(qn("w:val")), "32")  # 3号 = 16 pt

    def test_landscape_pages_for_wide_ledgers(self):
        doc = OfficialDocument(title="整改清单", landscape=True)
        doc.table(["序号", "问题"], [[1, "问题一"]], widths=[20, 200])
        section = reopen(doc).sections[0]
        self.assertEqual(mm(section.page_width, section.page_height), (297, 210))


class FontTest(SimpleTestCase):
    def east_asia(self, rpr) -> str:
        return rpr.find(qn("w:rFonts")).get(qn("w:eastAsia"))

    def test_east_asian_font_on_defaults_styles_and_every_run(self):
        document = reopen(sample())
        defaults = document.styles.element.find(qn("w:docDefaults"))
        self.assertEqual(self.east_asia(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))), "仿宋_GB2312")
        styles = {
            "Normal": "仿宋_GB2312",
            "GB Body": "仿宋_GB2312",
            "GB Title": "方正小标宋简体",
            "GB Heading 1": "黑体",
            "GB Heading 2": "楷体_GB2312",
            "GB Heading 3": "仿宋_GB2312",
            "GB Heading 4": "仿宋_GB2312",
            "GB Page Number": "宋体",
        }
        for name, font in styles.items():
            with self.subTest(style=name):
                rfonts = document.styles[name].element.rPr.find(qn("w:rFonts"))
                self.assertEqual(rfonts.get(qn("w:eastAsia")), font)
                self.assertIsNone(rfonts.get(qn("w:eastAsiaTheme")))
        runs = [r for p in document.paragraphs for r in p.runs if r.text]
        runs += [r for t in document.tables for c in t._cells for p in c.paragraphs for r in p.runs if r.text]
        self.assertGreater(len(runs), 15)
        for run in runs:
            with self.subTest(run=run.text):
                self.assertIn(self.east_asia(run._r.rPr), {"仿宋_GB2312", "方正小标宋简体", "黑体", "楷体_GB2312"})

    def test_title_is_2hao_xiaobiaosong_centred_and_headings_use_their_fonts(self):
        document = reopen(sample())
        title = document.paragraphs[0]
        self.assertEqual(title.text, "关于召开2025年度民主生活会的请示")
        self.assertEqual(title.style.name, "GB Title")
        self.assertEqual(title.style.element.pPr.find(qn("w:jc")).get(qn("w:val")), "center")
        self.assertEqual(title.runs[0]._r.rPr.find(qn("w:sz")).get(qn("w:val")), "44")  # 2号 = 22 pt
        texts = {p.text: p for p in document.paragraphs}
        self.assertEqual(self.east_asia(texts["一、会议主题"].runs[0]._r.rPr), "黑体")
        run_in = texts["（一）认真制订方案。根据通知精神制订方案。"]
        self.assertEqual([self.east_asia(r._r.rPr) for r in run_in.runs], ["楷体_GB2312", "仿宋_GB2312"])
        self.assertIn("1.会议时间", texts)
        self.assertIn("（1）上午", texts)
        # A new level-1 heading restarts the lower levels.
        self.assertIn("二、会前准备", texts)
        self.assertIn("（一）广泛征求意见", texts)
        self.assertIn("方式：一是发放征求意见表。二是个别走访。", texts)

    @override_settings(DOC_FONTS="common")
    def test_common_fonts_for_machines_without_the_official_ones(self):
        document = reopen(sample())
        self.assertEqual(self.east_asia(document.styles["Normal"].element.rPr), "仿宋")
        self.assertEqual(self.east_asia(document.styles["GB Heading 2"].element.rPr), "楷体")
        self.assertEqual(self.east_asia(document.styles["GB Title"].element.rPr), "宋体")

    def test_font_table_names_the_fallbacks(self):
        with zipfile.ZipFile(io.BytesIO(sample().to_bytes())) as z:
            fonts = z.read("word/fontTable.xml").decode()
        self.assertIn('w:name="仿宋_GB2312"', fonts)
        self.assertIn('<w:altName w:val="仿宋"/>', fonts)
        self.assertIn('<w:altName w:val="方正小标宋_GBK"/>', fonts)


class PageNumberTest(SimpleTestCase):
    def test_page_field_in_odd_and_even_footers(self):
        document = reopen(sample())
        self.assertTrue(document.settings.odd_and_even_pages_header_footer)
        section = document.sections[0]
        for footer, align, side in ((section.footer, "right", "right"), (section.even_page_footer, "left", "left")):
            with self.subTest(footer=align):
                p = footer.paragraphs[0]._p
                self.assertEqual([e.get(qn("w:fldCharType")) for e in p.iter(qn("w:fldChar"))],
                                 ["begin", "separate", "end"])  # fmt: skip
                self.assertEqual(next(p.iter(qn("w:instrText"))).text.strip(), "PAGE")
                self.assertEqual(footer.paragraphs[0].text, "— 1 —")
                self.assertEqual(p.pPr.find(qn("w:jc")).get(qn("w:val")), align)
                self.assertEqual(p.pPr.find(qn("w:ind")).get(qn(f"w:{side}")), "280")  # one 4号 character
                rpr = next(p.iter(qn("w:r"))).find(qn("w:rPr"))
                self.assertEqual(rpr.find(qn("w:rFonts")).get(qn("w:eastAsia")), "宋体")
                self.assertEqual(rpr.find(qn("w:sz")).get(qn("w:val")), "28")  # 4号 = 14 pt


class LayoutPartsTest(SimpleTestCase):
    def test_addressee_attachments_and_unsealed_signature(self):
        document = reopen(sample())
        texts = [p.text for p in document.paragraphs]
        self.assertEqual(texts[1:3], ["", "市纪委监委、市委组织部："])
        self.assertIn("附件：1. 整改方案", texts)
        self.assertIn("2. 整改清单", texts)
        unit = next(p for p in document.paragraphs if p.text == "中共明远市农业农村局党组")
        date = next(p for p in document.paragraphs if p.text == "2026年1月5日")
        right = [int(p._p.pPr.find(qn("w:ind")).get(qn("w:right"))) for p in (unit, date)]
        # The unit two characters in from the right; the date's first character two characters
        # right of the unit's first: 12 cells vs 6 → the date is 6 cells from the right margin.
        self.assertEqual(right, [2 * CHAR_TWIPS, 6 * CHAR_TWIPS])
        # Never split over two pages: the unit's line keeps with the date's.
        self.assertIsNotNone(unit._p.pPr.find(qn("w:keepNext")))
        self.assertIsNone(date._p.pPr.find(qn("w:keepNext")))

    def test_a_date_longer_than_the_unit_stays_two_characters_in(self):
        doc = OfficialDocument(title="通知")
        doc.signature("市农业局", dt.date(2026, 11, 25))  # 4 cells; the date is 7
        date = next(p for p in reopen(doc).paragraphs if p.text == "2026年11月25日")
        self.assertEqual(int(date._p.pPr.find(qn("w:ind")).get(qn("w:right"))), 2 * CHAR_TWIPS)

    def test_table_header_repeats_and_missing_cells_say_so(self):
        document = reopen(sample())
        table = document.tables[0]
        self.assertIsNotNone(table.rows[0]._tr.trPr.find(qn("w:tblHeader")))
        self.assertEqual([c.text for c in table.rows[1].cells], ["1", "问题一", MISSING])
        self.assertEqual(table.rows[2].cells[2].text, "")

    def test_overrides_replace_keyed_paragraphs_and_are_reported(self):
        doc = sample(overrides={"basis": "改写的依据段。\n第二段。", "plan": "改写的方案。"})
        texts = [p.text for p in reopen(doc).paragraphs]
        self.assertIn("改写的依据段。", texts)
        self.assertIn("第二段。", texts)
        self.assertIn("（一）认真制订方案。改写的方案。", texts)
        blocks = {b.key: b for b in doc.editable}
        self.assertTrue(blocks["basis"].overridden)
        self.assertTrue(blocks["basis"].generated.startswith("按照市委组织部"))

    def test_a_picture_on_its_own_line_that_follows_its_height(self):
        import segno

        png = io.BytesIO()
        segno.make("https://mj.example.gov.cn/o/abc/").save(png, kind="png", scale=10)
        doc = OfficialDocument(title="征求意见表")
        doc.picture(png.getvalue(), width_mm=32, caption="扫码匿名填写")
        doc.paragraph("正文。")
        document = reopen(doc)
        self.assertEqual(len(document.inline_shapes), 1)
        self.assertEqual(mm(document.inline_shapes[0].width), (32,))
        holder = next(p for p in document.paragraphs if p._p.findall(f".//{W}drawing"))
        spacing = holder._p.pPr.find(qn("w:spacing"))
        self.assertEqual((spacing.get(qn("w:lineRule")), holder._p.pPr.find(qn("w:jc")).get(qn("w:val"))),
                         ("auto", "center"))  # fmt: skip
        texts = [p.text for p in document.paragraphs]
        self.assertEqual(texts[texts.index("扫码匿名填写") + 1], "正文。")
        self.assertEqual(doc.blocks[-2].kind, "picture")

    def test_a_key_used_twice_is_a_programming_error(self):
        doc = OfficialDocument(title="通知")
        doc.paragraph("一", key="a")
        with self.assertRaises(ValueError):
            doc.paragraph("二", key="a")

    def test_long_titles_break_into_balanced_lines_at_word_ends(self):
        self.assertEqual(balance_title("市农业农村局党组领导班子2025年度民主生活会"),
                         ["市农业农村局党组领导班子", "2025年度民主生活会"])  # fmt: skip
        self.assertEqual(balance_title("短标题"), ["短标题"])
        doc = OfficialDocument(title="市农业农村局党组领导班子2025年度民主生活会\n谈心谈话记录")
        title = reopen(doc).paragraphs[0]
        self.assertEqual(len(title._p.findall(f".//{W}br")), 2)


class NumberingAndSlotsTest(SimpleTestCase):
    def test_chinese_numbers(self):
        cases = {0: "零", 1: "一", 3: "三", 10: "十", 11: "十一", 20: "二十", 21: "二十一", 99: "九十九",
                 100: "一百", 101: "一百零一", 110: "一百一十", 1005: "一千零五", 2026: "二千零二十六"}  # fmt: skip
        for n, text in cases.items():
            self.assertEqual(cn_number(n), text)
        with self.assertRaises(ValueError):
            cn_number(-1)

    def test_prefixes_points_dates_and_document_numbers(self):
        self.assertEqual([heading_prefix(level, 3) for level in (1, 2, 3, 4)], ["三、", "（三）", "3.", "（3）"])
        self.assertEqual((point_prefix(1), point_prefix(2, "要")), ("一是", "二要"))
        self.assertEqual(numbered_points(["学", "做；", ""]), "一是学。二是做；")
        self.assertEqual(doc_date(dt.date(2026, 1, 5)), "2026年1月5日")
        self.assertEqual(doc_date(None), MISSING)
        self.assertEqual(doc_number("明农党组", 2026, 3), "明农党组〔2026〕3号")
        self.assertEqual(doc_number("明农党组", 2026, None), f"明农党组〔2026〕{MISSING}号")

    def test_fill_prints_missing_facts_never_a_guess(self):
        self.assertEqual(fill("会议于{date}召开", date=None), "会议于【待补充】召开")
        self.assertEqual(fill("会议于{date}召开", date=dt.date(2026, 1, 5)), "会议于2026年1月5日召开")
        self.assertEqual(fill("共{n}次，{who}参加", n=0, who=["张明", "李华"]), "共0次，张明、李华参加")
        self.assertEqual(fill("{a}{b}", a="", b=[]), MISSING * 2)
        with self.assertRaises(KeyError):
            fill("{date}")

    def test_display_width(self):
        self.assertEqual(display_width("2026年1月5日"), 6)


class UpwardDocumentTest(SimpleTestCase):
    """GB/T 9704 §7.2: the 版头 of a 请示 (上行文), 附件 appended after the body, the 版记."""

    def request(self, **kwargs) -> OfficialDocument:
        doc = OfficialDocument(title="关于召开2025年度民主生活会的请示", doc_number="明农党组〔2026〕3号",
                               signer="张明", addressee="市委组织部", **kwargs)  # fmt: skip
        doc.paragraph("现将有关事项请示如下：")
        doc.attachments(["实施方案"])
        doc.signature("中共明远市农业农村局党组", dt.date(2026, 1, 5))
        return doc

    def test_the_number_left_and_the_signer_right_on_one_line_over_the_red_line(self):
        document = reopen(self.request())
        head = document.paragraphs[0]
        self.assertEqual(head.text, "明农党组〔2026〕3号\t签发人：张明")
        ppr = head._p.pPr
        self.assertEqual(ppr.find(qn("w:ind")).get(qn("w:left")), str(CHAR_TWIPS))  # 居左空一字
        tab = ppr.find(qn("w:tabs")).find(qn("w:tab"))
        self.assertEqual(tab.get(qn("w:val")), "right")
        self.assertEqual(int(tab.get(qn("w:pos"))), int(Mm(156) / 635) - CHAR_TWIPS)  # 居右空一字
        fonts = [r._r.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) for r in head.runs]
        self.assertEqual(fonts, ["仿宋_GB2312", "仿宋_GB2312", "楷体_GB2312"])  # the names in 楷体
        line = ppr.find(qn("w:pBdr")).find(qn("w:bottom"))
        self.assertEqual(line.get(qn("w:color")), "FF0000")
        self.assertEqual(document.paragraphs[2].text, "关于召开2025年度民主生活会的请示")
        # A 下行文 centres its number and has no 签发人.
        plain = reopen(OfficialDocument(title="通知", doc_number="明农党组〔2026〕3号")).paragraphs[0]
        self.assertEqual(
            (plain.text, plain._p.pPr.find(qn("w:jc")).get(qn("w:val"))), ("明农党组〔2026〕3号", "center")
        )

    def test_an_attachment_starts_a_new_page_with_its_label_and_keeps_its_title(self):
        plan = OfficialDocument(title="实施方案", doc_number="明农党组〔2026〕2号")
        plan.paragraph("方案正文。")
        plan.imprint(issuer="中共明远市农业农村局党组", date=dt.date(2026, 1, 4))
        doc = self.request()
        doc.append_document(plan, label="附件")
        doc.imprint(issuer="中共明远市农业农村局党组", date=dt.date(2026, 1, 5))
        document = reopen(doc)
        texts = [p.text for p in document.paragraphs]
        at = texts.index("附件")
        self.assertIsNotNone(document.paragraphs[at]._p.pPr.find(qn("w:pageBreakBefore")))
        self.assertEqual(texts[at + 1 : at + 4], ["", "实施方案", ""])  # the title on the third line
        self.assertIn("方案正文。", texts[at:])
        self.assertNotIn("明农党组〔2026〕2号", texts)  # the attachment's own 文号 is not repeated
        imprints = [t for t in texts if t.endswith("印发")]
        self.assertEqual(imprints, ["中共明远市农业农村局党组\t2026年1月5日印发"])  # one 版记, the 请示's, last
        self.assertEqual(texts[-1], imprints[0])
        self.assertEqual(doc.blocks[-2].kind, "attachment")

    def test_imprint_at_the_foot_between_lines_with_cc_only_when_recorded(self):
        doc = OfficialDocument(title="通知")
        doc.imprint(issuer="中共明远市农业农村局党组", date=None)
        paragraph = reopen(doc).paragraphs[-1]
        self.assertEqual(paragraph.text, f"中共明远市农业农村局党组\t{MISSING}印发")
        frame = paragraph._p.pPr.find(qn("w:framePr"))
        self.assertEqual((frame.get(qn("w:yAlign")), frame.get(qn("w:vAnchor"))), ("bottom", "margin"))
        border = paragraph._p.pPr.find(qn("w:pBdr"))
        self.assertEqual([border.find(qn(f"w:{s}")).get(qn("w:sz")) for s in ("top", "between", "bottom")],
                         ["8", "6", "8"])  # fmt: skip
        self.assertEqual(paragraph.runs[0]._r.rPr.find(qn("w:sz")).get(qn("w:val")), "28")  # 4号
        doc = OfficialDocument(title="通知")
        doc.imprint(issuer="中共明远市农业农村局党组", date=dt.date(2026, 1, 5), cc=["市纪委监委", "市委组织部。"])
        texts = [p.text for p in reopen(doc).paragraphs]
        self.assertEqual(texts[-2:], ["抄送：市纪委监委、市委组织部。", "中共明远市农业农村局党组\t2026年1月5日印发"])


class TableColumnsTest(SimpleTestCase):
    def widths(self, document) -> list[int]:
        return [int(c.get(qn("w:w"))) for c in document.tables[0]._tbl.tblGrid.findall(qn("w:gridCol"))]

    def test_columns_fit_names_and_dates_and_fill_the_text_block(self):
        from mingjing.documents.engine import CELL_MARGIN, cell_width, fit_widths

        long = "落实中央八项规定精神的长效机制还不健全，公务接待、公车使用管理存在薄弱环节。" * 3
        rows = [["序号", "问题", "责任领导", "整改时限", "进展情况"],
                ["1", long, "欧阳明华", "2026年12月31日前", "已于2026年11月28日销号。" + long]]  # fmt: skip
        widths = fit_widths(rows, total=8844, size=10.5)
        self.assertEqual(sum(widths), 8844)
        one = 10.5 * 20
        for column, token in ((2, "欧阳明华"), (3, "2026年12月31日前"), (4, "2026年11月28日")):
            with self.subTest(token=token):
                self.assertGreaterEqual(widths[column] - 2 * CELL_MARGIN, cell_width(token) * one)
        self.assertGreater(widths[1], widths[2])  # the long text takes what is left
        self.assertLess(widths[0], widths[2])  # 序号 stays narrow

    def test_cells_are_never_justified_and_the_table_is_built_as_xml(self):
        doc = OfficialDocument(title="整改清单", landscape=True)
        rows = [[1, "问题", "已修订办法"]]
        doc.table(["序号", "问题", "进展情况"], rows, widths=[12, 100, 40], align=["c", "l", "l"], heights=[None, 20])
        document = reopen(doc)
        table = document.tables[0]
        self.assertEqual(sum(self.widths(document)), int(Mm(225) / 635))
        jcs = {p._p.pPr.find(qn("w:jc")).get(qn("w:val")) for c in table._cells for p in c.paragraphs}
        self.assertEqual(jcs, {"center", "left"})
        self.assertEqual(table.rows[1]._tr.trPr.find(qn("w:trHeight")).get(qn("w:hRule")), "atLeast")


class PreparedPackageTest(SimpleTestCase):
    def test_documents_start_from_one_prepared_package_and_stay_apart(self):
        from mingjing.documents import engine

        first = OfficialDocument(title="第一份")
        first.paragraph("只在第一份里。")
        second = OfficialDocument(title="第二份")
        self.assertIs(engine.prepared(first.fonts, False), engine.prepared(second.fonts, False))
        texts = [p.text for p in reopen(second).paragraphs]
        self.assertNotIn("只在第一份里。", texts)
        self.assertEqual(reopen(second).core_properties.title, "第二份")
        self.assertEqual(reopen(first).core_properties.title, "第一份")


class SignatureKeepsWithTextTest(SimpleTestCase):
    def test_the_last_paragraph_and_the_blank_line_keep_with_the_signature(self):
        doc = OfficialDocument(title="报告")
        doc.paragraph("第一段。")
        doc.paragraph("最后一段。")
        doc.signature("中共明远市农业农村局党组", dt.date(2026, 1, 5))
        paragraphs = reopen(doc).paragraphs
        texts = [p.text for p in paragraphs]
        at = texts.index("最后一段。")
        keeps = [p._p.pPr.find(qn("w:keepNext")) is not None for p in paragraphs[at - 1 : at + 4]]
        self.assertEqual(keeps, [False, True, True, True, False])  # 第一段 / 最后一段, blank, unit / date

    def test_shared_parts_are_written_as_prepared_unless_a_builder_changed_one(self):
        from mingjing.documents import engine

        doc = OfficialDocument(title="通知")
        doc.paragraph("正文。")
        package = engine.prepared(doc.fonts, False)
        with zipfile.ZipFile(io.BytesIO(doc.to_bytes())) as z, zipfile.ZipFile(io.BytesIO(package.static_zip)) as s:
            for name in s.namelist():
                self.assertEqual(z.read(name), s.read(name), name)
            self.assertIn("正文。", z.read("word/document.xml").decode())
        # A builder that reaches into a shared part (here the styles) gets its change saved.
        doc = OfficialDocument(title="通知")
        doc.docx.styles["GB Body"].font.italic = True
        self.assertTrue(reopen(doc).styles["GB Body"].font.italic)
