"""李华 opens the problems overview from the meeting page, adds a problem without an example,
sees it flagged, and moves it up (through the real login form, in Debian's chromium)."""

from __future__ import annotations

from mingjing.lib.browser import BrowserTestCase


class ProblemsBrowserTest(BrowserTestCase):
    def test_member_adds_a_problem_and_reorders_it(self):
        from playwright.sync_api import expect

        page = self.new_page()
        self.login(page, "demo-member")
        page.goto(f"/meetings/{self.meeting.pk}/")
        page.get_by_role("link", name="查摆问题", exact=True).click()
        expect(page.locator("#summary")).to_contain_text("共查摆问题5个")
        self.screenshot(page, "problems-overview")
        page.locator("#counts").get_by_role("link", name="李华", exact=True).click()
        page.get_by_role("link", name="新增问题").click()
        page.get_by_label("重点方面").select_option(index=1)
        page.get_by_label("问题表现").fill("联系服务群众不够经常")
        page.get_by_role("button", name="保存", exact=True).click()
        expect(page.locator(".messages")).to_contain_text("问题已保存")
        card = page.locator(".problem", has_text="联系服务群众不够经常")
        expect(card).to_contain_text("缺少具体事例")
        expect(card).to_contain_text("二是")
        expect(card).to_contain_text("来源：自己查摆")
        card.get_by_role("button", name="上移").click()
        card = page.locator(".problem", has_text="联系服务群众不够经常")
        expect(card).to_contain_text("一是")
        self.screenshot(page, "problems-member")
