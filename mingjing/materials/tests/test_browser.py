"""The editor in chromium: autosave to the server, and the browser's own backup."""

from __future__ import annotations

import re

from mingjing.lib.browser import BrowserTestCase


class AutosaveTest(BrowserTestCase):
    def open_team_material(self):
        page = self.new_page()
        self.login(page, "demo-principal")
        page.goto(f"/meetings/{self.meeting.pk}/materials/")
        page.get_by_role("row", name="领导班子对照检查材料").get_by_role("link", name="打开").click()
        return page

    def test_typed_text_is_autosaved_and_there_after_reload(self):
        from playwright.sync_api import expect

        page = self.open_team_material()
        editor = page.get_by_label("正文")
        expect(editor).to_contain_text("二、检视查摆问题")  # the demo's generated skeleton
        editor.press("Control+End")
        editor.press("Enter")
        editor.type("六、会后补充的一段话")
        expect(page.locator("#save-status")).to_contain_text("已自动保存")
        self.assertRegex(page.locator("#save-status").inner_text(), r"已自动保存 \d\d:\d\d")
        self.screenshot(page, "material-editor")
        page.reload()
        expect(page.get_by_label("正文")).to_have_value(re.compile("六、会后补充的一段话$"))
        expect(page.locator("#restore-banner")).to_be_hidden()

    def test_text_typed_while_the_server_is_unreachable_is_offered_back(self):
        from playwright.sync_api import expect

        page = self.open_team_material()
        page.route("**/save/", lambda route: route.abort())
        editor = page.get_by_label("正文")
        editor.press("Control+End")
        editor.type("断网时写的内容")
        expect(page.locator("#save-status")).to_contain_text("网络中断")
        page.unroute("**/save/")
        page.once("dialog", lambda dialog: dialog.accept())
        page.goto(f"/meetings/{self.meeting.pk}/materials/team/")
        expect(page.locator("#restore-banner")).to_be_visible()
        page.get_by_role("button", name="恢复该文本").click()
        expect(page.get_by_label("正文")).to_have_value(re.compile("断网时写的内容$"))
        expect(page.locator("#save-status")).to_contain_text("已保存")
        page.reload()
        expect(page.get_by_label("正文")).to_have_value(re.compile("断网时写的内容$"))
