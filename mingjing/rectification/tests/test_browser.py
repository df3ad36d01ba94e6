"""Browser: a member asks for 销号 with a file; the principal finds it in his 待办, verifies it from
there, and it leaves his 待办; the item shows as closed with its history."""

from __future__ import annotations

import re
import shutil
import tempfile
from pathlib import Path

from django.test import override_settings

from mingjing.lib.browser import BrowserTestCase
from mingjing.rectification.demo import EVIDENCE_PDF
from mingjing.rectification.models import RectificationItem, Status

MEDIA = tempfile.mkdtemp(prefix="mingjing-rectification-browser-")


@override_settings(MEDIA_ROOT=MEDIA)
class ClosureFlowBrowserTest(BrowserTestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    def test_member_requests_closure_with_a_file_and_the_principal_verifies(self) -> None:
        from playwright.sync_api import expect

        item = RectificationItem.objects.get(meeting=self.meeting, owner__name="李华")
        evidence = Path(MEDIA) / "资金拨付进度月报.pdf"
        evidence.write_bytes(EVIDENCE_PDF)

        member = self.new_page()
        self.login(member, "demo-member")
        member.get_by_role("navigation").get_by_role("link", name="我的整改", exact=True).click()
        expect(member.get_by_role("heading", name="我的整改", level=1)).to_be_visible()
        member.get_by_role("link", name=item.key, exact=True).click()
        expect(member.locator("#item-status")).to_have_text("整改中")
        form = member.locator("#request-closure")
        form.get_by_label("整改完成情况").fill("项目资金拨付率已达96%，月报制度运行正常")
        form.get_by_label("佐证材料").set_input_files(str(evidence))
        form.get_by_role("button", name="申请销号").click()
        expect(member.locator(".messages")).to_contain_text("已提交销号申请，等待审核")
        expect(member.locator("#item-status")).to_have_text("申请销号")
        expect(member.locator("#milestones")).to_contain_text("资金拨付进度月报.pdf")
        expect(member.get_by_role("button", name="审核同意销号")).to_have_count(0)
        self.screenshot(member, "rectification-closure-requested")

        principal = self.new_page()
        self.login(principal, "demo-principal")
        # His home page (待办) asks him to verify it, and takes him there.
        principal.goto(f"{self.live_server_url}/")
        todo = principal.locator("section.todo")
        expect(todo).to_contain_text("待我审核的销号申请")
        todo.get_by_role("link", name=re.compile("申请销号$")).click()
        principal.wait_for_url(re.compile(rf"/rectification/{item.pk}/$"))
        expect(principal.locator("#verify")).to_contain_text("请主要负责同志审核销号申请")
        with principal.expect_download() as download:
            principal.get_by_role("link", name="资金拨付进度月报.pdf").click()
        self.assertEqual(Path(download.value.path()).read_bytes(), EVIDENCE_PDF)
        principal.get_by_role("button", name="审核同意销号").click()
        expect(principal.locator(".messages")).to_contain_text("已审核同意，事项已销号")
        expect(principal.locator("#item-status")).to_have_text("已销号")
        expect(principal.locator("#closed-on")).to_be_visible()
        history = principal.locator("ul.history").last
        expect(history).to_contain_text("李华（班子成员）")
        expect(history).to_contain_text("申请销号（项目资金拨付率已达96%，月报制度运行正常）")
        expect(history).to_contain_text("张明（主要负责同志）")
        expect(history).to_contain_text("审核同意销号")
        self.screenshot(principal, "rectification-closed")

        item.refresh_from_db()
        self.assertEqual(item.status, Status.CLOSED)
        # Done: it has left his 待办.
        principal.goto(f"{self.live_server_url}/")
        expect(principal.locator("section.todo").get_by_role("link", name=re.compile("申请销号$"))).to_have_count(0)
        # The member now sees it closed, without the forms to update it.
        member.reload()
        expect(member.locator("#item-status")).to_have_text("已销号")
        expect(member.get_by_role("button", name="申请销号")).to_have_count(0)
