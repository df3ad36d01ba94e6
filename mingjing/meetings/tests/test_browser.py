"""Browser smoke tests: the meeting pages driven through chromium exactly as a user would."""

from __future__ import annotations

import re

from mingjing.lib.browser import BrowserTestCase

PLANNED = "2026-12-20"
PLAN_DUE = "2026年12月5日"  # 15 days (the 2025 preset's plan_lead_days) before PLANNED, "Y年n月j日"
PLACE = "局机关三楼会议室"


def choose(select, text: str) -> None:
    """Pick the one option of a <select> whose text contains `text`."""
    option = select.locator("option", has_text=text)
    assert option.count() == 1, f"应恰有一个包含“{text}”的选项，实际 {option.count()} 个"
    select.select_option(option.get_attribute("value"))


class MeetingCreateSmokeTest(BrowserTestCase):
    def test_preparer_creates_meeting_and_outsider_cannot_see_it(self) -> None:
        from playwright.sync_api import expect

        page = self.new_page()
        self.login(page, "demo-preparer")
        page.get_by_role("navigation").get_by_role("link", name="民主生活会", exact=True).click()
        page.get_by_role("link", name="新建民主生活会").click()
        expect(page.get_by_role("heading", name="新建民主生活会")).to_be_visible()

        choose(page.get_by_label("单位", exact=True), "市农业农村局党组")
        choose(page.get_by_label("年度配置", exact=True), "2025年度民主生活会")
        # The bureau has its 2025 annual meeting already: this is its 2025 专题 meeting.
        choose(page.get_by_label("类型", exact=True), "专题")
        page.get_by_label("计划召开日期").fill(PLANNED)
        page.get_by_label("地点", exact=True).fill(PLACE)
        page.get_by_role("button", name="保存", exact=True).click()

        page.wait_for_url(re.compile(r"/meetings/\d+/$"))
        meeting_url = page.url
        title = page.get_by_role("heading", level=1).inner_text().strip()
        self.assertIn("市农业农村局党组", title)
        self.assertIn("2025年度民主生活会", title)
        expect(page.locator(".messages")).to_contain_text("班子名单已按当前班子冻结")
        for phase in ("会前准备", "会议召开", "会后工作"):
            expect(page.get_by_role("heading", name=phase, exact=True)).to_be_visible()
        plan = page.locator("#step-plan_request")
        expect(plan).to_contain_text("制定方案并向上级请示")
        expect(plan).to_contain_text(f"时限：{PLAN_DUE}")
        facts = page.locator("dl.facts")
        expect(facts).to_contain_text("2026年12月20日上午")
        expect(facts).to_contain_text(PLACE)
        expect(page.get_by_role("heading", name=re.compile("班子名单（已冻结"))).to_be_visible()
        expect(page.get_by_role("cell", name="张明", exact=True)).to_be_visible()
        self.screenshot(page, "meeting-created")

        outsider = self.new_page()
        self.login(outsider, "demo-outsider")
        response = outsider.goto(meeting_url)
        self.assertEqual(response.status, 404)
        expect(outsider.get_by_role("heading", name="页面不存在")).to_be_visible()
        expect(outsider.locator("body")).not_to_contain_text(title)
        self.screenshot(outsider, "outsider-404")

        outsider.get_by_role("navigation").get_by_role("link", name="民主生活会", exact=True).click()
        expect(outsider.get_by_role("heading", name="民主生活会", exact=True)).to_be_visible()
        expect(outsider.locator("main")).not_to_contain_text("市农业农村局党组")
        expect(outsider.locator("main")).not_to_contain_text(title)
        expect(outsider.locator(f'a[href$="/meetings/{self.meeting.pk}/"]')).to_have_count(0)


class ReadOnlyMemberTest(BrowserTestCase):
    def test_member_sees_timeline_without_mark_done_buttons(self) -> None:
        from playwright.sync_api import expect

        page = self.new_page()
        self.login(page, "demo-member")
        page.get_by_role("navigation").get_by_role("link", name="民主生活会", exact=True).click()
        page.get_by_role("link", name=self.meeting.title, exact=True).click()

        expect(page.get_by_role("heading", name=self.meeting.title, level=1)).to_be_visible()
        expect(page.locator("#step-plan_request")).to_contain_text("已完成")
        expect(page.get_by_role("heading", name="会前准备", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="标记完成")).to_have_count(0)
        expect(page.get_by_role("button", name="改回未完成")).to_have_count(0)
        expect(page.get_by_role("link", name="修改会议信息")).to_have_count(0)
        self.screenshot(page, "member-readonly")
