"""The recorder's page in chromium: a whole meeting recorded with the keyboard, the browser closed
mid-way (nothing lost), the record finalised and read back."""

from __future__ import annotations

import re

from mingjing.lib.browser import BrowserTestCase
from mingjing.minutes.models import Criticism, MeetingRecord

# Criticisms raised at the demo meeting: (receiver, text). The giver is the one the page proposes.
CRITICISMS = [
    ("张明", "调研多在机关听汇报，深入基层解决问题少，比如全年到乡镇蹲点不足3次。"),
    ("李华", "希望李华同志继续加强理论学习。"),  # a wish, not a problem: flagged, still saved
    ("王芳", "推动种植业结构调整办法不多，对项目进度督促不够。"),
]  # 赵强 is on leave


class LiveMinutesTest(BrowserTestCase):
    def test_preparer_records_a_whole_meeting_with_the_keyboard(self) -> None:
        from playwright.sync_api import expect

        page = self.new_page()
        self.login(page, "demo-preparer")
        page.goto(f"/meetings/{self.meeting.pk}/")
        page.get_by_role("link", name="会议记录", exact=True).click()
        page.get_by_role("button", name="开始会议记录").click()
        page.wait_for_url(re.compile(r"/minutes/live/$"))
        live_url = page.url
        status = page.locator("#save-status")
        expect(status).to_have_text("所有修改均已保存")
        expect(page.locator("#quorum")).to_have_text("应到4人，实到4人，符合2/3要求")

        # Attendance: 赵强 is on leave; the reason is required, and the quorum follows.
        page.get_by_label("赵强出席情况").focus()
        page.get_by_label("赵强出席情况").select_option("leave")
        expect(status).to_contain_text("未保存：请假事由：赵强请假，须填写请假事由")
        page.keyboard.press("Tab")
        page.keyboard.type("参加省农业农村厅会议")
        page.keyboard.press("Tab")
        expect(status).to_contain_text(re.compile(r"已保存 \d\d:\d\d:\d\d"))
        expect(page.locator("#quorum")).to_have_text("应到4人，实到3人，符合2/3要求")

        # A supervisor, added from the keyboard: Enter on the button, then type and Tab through the row.
        page.get_by_role("button", name="添加督导人员").focus()
        page.keyboard.press("Enter")
        expect(page.get_by_label("督导人员姓名")).to_be_focused()
        page.keyboard.type("马骏")
        page.keyboard.press("Tab")
        page.keyboard.type("组长")
        page.keyboard.press("Tab")
        page.keyboard.type("市委第三督导组")
        page.keyboard.press("Tab")
        expect(status).to_contain_text("已保存")

        # Criticisms for each member present: Ctrl+Enter in his section adds a row, focused, with
        # the next member who has not yet spoken to him proposed as the giver.
        for name, text in CRITICISMS:
            turn = page.locator(f"#turn-{self.meeting.roster.get(name=name).pk}")
            turn.get_by_label("对照检查要点").click()
            page.keyboard.type(f"{name}对照检查发言，查摆问题并剖析原因。")
            page.keyboard.press("Control+Enter")
            expect(turn.get_by_label(re.compile("提出人"))).to_be_focused()
            page.keyboard.press("Tab")
            page.keyboard.press("Control+a")
            page.keyboard.type("2")
            page.keyboard.press("Tab")
            page.keyboard.type(text)
            turn.get_by_label(f"{name}的表态发言").focus()
            page.keyboard.type("诚恳接受，认真整改。")
            page.keyboard.press("Tab")
            expect(status).to_contain_text("已保存")
        li_turn = page.locator(f"#turn-{self.meeting.roster.get(name='李华').pk}")
        expect(li_turn.locator("[data-warning]")).to_contain_text("批评意见不能以提希望代替点问题")

        # The network drops while the supervisor's comments are typed, and the browser is closed.
        page.route("**/minutes/save/", lambda route: route.abort())
        comments = page.get_by_label("点评意见")
        comments.click()
        page.keyboard.type("准备充分，批评与自我批评严肃认真。")
        page.keyboard.press("Tab")
        expect(status).to_contain_text("保存失败，已暂存在本机")
        self.screenshot(page, "minutes-offline")
        context = page.context
        page.close()

        # Reopened: the journal puts the text back and saves it.
        page = context.new_page()
        page.goto(live_url)
        status = page.locator("#save-status")
        expect(page.get_by_label("点评意见")).to_have_value("准备充分，批评与自我批评严肃认真。")
        expect(status).to_contain_text("已保存")
        expect(page.get_by_label("督导人员姓名")).to_have_value("马骏")
        expect(page.locator(f"#turn-{self.meeting.roster.get(name='赵强').pk}")).to_contain_text(
            "请假：参加省农业农村厅会议"
        )

        page.get_by_label("提出的要求", exact=True).first.click()
        page.keyboard.type("扎实抓好整改落实\n建立长效机制")
        page.get_by_label("总结", exact=True).click()
        page.keyboard.type("这次民主生活会达到了“团结—批评—团结”的目的。")
        page.keyboard.press("Control+s")
        expect(status).to_contain_text("已保存")
        expect(page.locator("#stats")).to_contain_text("相互提出批评意见6条（3人次）")
        self.screenshot(page, "minutes-live")

        page.get_by_role("button", name="定稿", exact=True).focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"/minutes/$"))
        expect(page.locator(".messages")).to_contain_text("会议记录已定稿")
        expect(page.get_by_role("heading", level=1)).to_contain_text("已定稿")
        expect(page.locator("main")).to_contain_text("应到4人，实到3人，符合2/3要求；赵强请假（参加省农业农村厅会议）")
        expect(page.locator("main")).to_contain_text("市委第三督导组组长马骏")
        expect(page.locator("#stats")).to_contain_text("相互提出批评意见6条（3人次）")
        expect(page.locator("main")).to_contain_text("准备充分，批评与自我批评严肃认真。")
        expect(page.get_by_role("link", name="继续现场记录")).to_have_count(0)
        self.screenshot(page, "minutes-final")

        record = MeetingRecord.objects.get(meeting=self.meeting)
        self.assertEqual(record.supervisor_requirements, ["扎实抓好整改落实", "建立长效机制"])
        self.assertEqual(Criticism.objects.filter(record=record).count(), 3)
        self.assertTrue(self.meeting.step_completions.filter(step="meeting").exists())

        # A member reads the record and cannot open the live page.
        member = self.new_page()
        self.login(member, "demo-member")
        member.goto(f"/meetings/{self.meeting.pk}/minutes/")
        expect(member.locator("#stats")).to_contain_text("相互提出批评意见6条（3人次）")
        self.assertEqual(member.goto(live_url).status, 403)
