"""The official fonts missing on the server: the documents page and `mingjing document --pdf` say
which, and name the font LibreOffice uses instead."""

from __future__ import annotations

from unittest import mock

from django.test import SimpleTestCase, override_settings

from mingjing.documents import fonts
from mingjing.documents.fonts import FontCheck, font_warning
from mingjing.test import BaseTestCase

MISSING = (
    FontCheck("fangsong", "仿宋_GB2312", False, "Noto Serif CJK SC"),
    FontCheck("title", "方正小标宋简体", False, "Noto Serif CJK SC"),
    FontCheck("kaiti", "楷体_GB2312", True, ""),
    FontCheck("heiti", "黑体", True, ""),
)
ALL_THERE = tuple(FontCheck(c.role, c.name, True, "") for c in MISSING)


def checks(result):
    return mock.patch.object(fonts, "font_checks", side_effect=lambda mode: result)


class FontWarningTest(SimpleTestCase):
    def test_names_each_missing_font_and_its_stand_in(self):
        with checks(MISSING):
            warning = font_warning("official")
        self.assertIn("仿宋_GB2312（以“Noto Serif CJK SC”代替）、方正小标宋简体（以“Noto Serif CJK SC”代替）", warning)
        self.assertNotIn("楷体_GB2312", warning)
        with checks(ALL_THERE):
            self.assertEqual(font_warning("official"), "")
        with checks(()):  # no fontconfig (Windows): nothing to say
            self.assertEqual(font_warning("official"), "")

    @override_settings(DOC_FONTS="official")
    def test_this_machine_is_asked_through_fontconfig(self):
        fonts.font_checks.cache_clear()
        found = fonts.font_checks("official")
        if not found:
            self.skipTest("fontconfig (fc-match) 未安装")
        self.assertEqual([c.name for c in found], ["仿宋_GB2312", "方正小标宋简体", "楷体_GB2312", "黑体"])
        for check in found:
            self.assertTrue(check.found or check.fallback, check)


class FontWarningPageTest(BaseTestCase):
    def test_the_documents_page_warns_when_pdfs_are_set_in_stand_in_fonts(self):
        self.login("preparer")
        url = f"/meetings/{self.meeting.pk}/documents/"
        with mock.patch("mingjing.documents.views.pdf_available", return_value=True):
            with checks(MISSING):
                response = self.client.get(url)
                self.assertContains(response, 'id="font-warning"')
                self.assertContains(response, "本服务器缺少公文字体：仿宋_GB2312（以“Noto Serif CJK SC”代替）")
            with checks(ALL_THERE):
                self.assertNotContains(self.client.get(url), 'id="font-warning"')
        with mock.patch("mingjing.documents.views.pdf_available", return_value=False), checks(MISSING):
            self.assertNotContains(self.client.get(url), 'id="font-warning"')  # no PDF to warn about
