"""Browser test: the preparer creates a campaign, someone opens the QR link in a fresh browser,
submits an opinion, and after the close the preparer sees it and groups it."""

from __future__ import annotations

import datetime as dt
import re

from mingjing.lib.browser import BrowserTestCase
from mingjing.lib.dates import today

TEXT = "希望班子成员多到田间地头调研，少开会多办事"


class SolicitationFlowTest(BrowserTestCase):
    def test_preparer_creates_campaign_qr_link_is_filled_in_and_grouped_after_close(self) -> None:
        from playwright.sync_api import expect

        from mingjing.meetings.models import Meeting

        # Opinions are sought before the meeting: hold it a month from the real today, on which the
        # campaign opens and the visitor's response is dated.
        Meeting.objects.filter(pk=self.meeting.pk).update(planned_date=today() + dt.timedelta(days=30))
        page = self.new_page()
        self.login(page, "demo-preparer")
        page.goto(f"/meetings/{self.meeting.pk}/")
        page.get_by_role("link", name="征求意见", exact=True).click()
        page.get_by_role("link", name="新建征求意见").click()
        page.get_by_label("名称").fill("网上征求意见（浏览器测试）")
        page.get_by_label("网上征求意见").check()
        page.get_by_label("开始日期").fill(today().isoformat())
        page.get_by_label("截止日期").fill((today() + dt.timedelta(days=7)).isoformat())
        page.get_by_label("显示门槛（条）").fill("1")
        # Open to the public: no single-use codes (for a closed group they are the default).
        expect(page.get_by_label("须凭一次性填写码提交")).to_be_checked()
        page.get_by_label("不特定人群（服务对象、群众等）").check()
        page.get_by_label("须凭一次性填写码提交").uncheck()
        page.get_by_role("button", name="保存", exact=True).click()
        page.wait_for_url(re.compile(r"/opinions/campaigns/\d+/$"))
        campaign_url = page.url
        expect(page.locator("#qr svg")).to_be_visible()
        form_url = page.locator("#form-url").get_attribute("href")
        self.assertRegex(form_url, r"^http://127\.0\.0\.1:\d+/o/[\w-]+/$")
        self.screenshot(page, "opinions-campaign")

        # Someone scans the QR code: a fresh browser, no login.
        visitor = self.new_page()
        visitor.goto(form_url)
        expect(visitor.get_by_role("heading", name="网上征求意见（浏览器测试）")).to_be_visible()
        visitor.locator("textarea[name=text_team]").fill(TEXT)
        visitor.locator("select[name=aspect_team]").select_option(label="4. 带头干事创业、担当作为")
        visitor.get_by_role("button", name="匿名提交").click()
        expect(visitor.locator("#done")).to_contain_text("提交成功")
        self.assertEqual(visitor.context.cookies(), [], "the anonymous form must set no cookie")
        self.screenshot(visitor, "opinions-public-form-done")

        # Before the close the preparer sees only the count.
        page.goto(campaign_url)
        expect(page.locator("#counts")).to_contain_text("网上匿名意见共1条（征求结束后显示）")
        page.get_by_role("link", name="意见列表").click()
        expect(page.locator("#opinions")).not_to_contain_text(TEXT)

        page.goto(campaign_url)
        page.get_by_role("button", name="结束征求意见").click()
        expect(page.locator(".messages")).to_contain_text("征求意见已结束")
        expect(page.locator("#state")).to_contain_text("已结束")
        page.get_by_role("link", name="意见列表").click()
        expect(page.locator("#opinions")).to_contain_text(TEXT)

        page.goto(campaign_url)
        page.get_by_role("link", name="归纳整理").click()
        page.get_by_role("link", name="新增归纳项").click()
        page.get_by_label("方面", exact=True).select_option(label="4. 带头干事创业、担当作为")
        page.get_by_label("归纳后的意见").fill("深入基层调查研究不够")
        page.get_by_label(re.compile(re.escape(TEXT))).check()
        page.get_by_role("button", name="保存", exact=True).click()
        expect(page.locator("#summary")).to_contain_text("归纳整理为1个方面1项")
        expect(page.get_by_role("heading", name=re.compile("4. 带头干事创业、担当作为"))).to_be_visible()
        expect(page.locator("table.items")).to_contain_text("深入基层调查研究不够")
        self.screenshot(page, "opinions-grouped")
