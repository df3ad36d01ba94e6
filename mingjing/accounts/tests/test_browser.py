"""In chromium: a unit administrator gives a roster member his account; the member logs in, is made to
set his own password, writes his outline and submits it; the principal approves it."""

from __future__ import annotations

import re

from mingjing.lib.browser import BrowserTestCase
from mingjing.organizations.models import Person


class MemberAccountTest(BrowserTestCase):
    def test_admin_creates_the_account_member_writes_and_submits_principal_approves(self):
        from playwright.sync_api import expect

        meeting = self.meeting
        # The demo gives 王芳 an account of her own; this member is given hers by the administrator.
        Person.objects.filter(name="王芳", team_role="member").update(user=None)
        admin = self.new_page()
        self.login(admin, "demo-admin")
        admin.get_by_role("link", name="市农业农村局党组 · 登录账号").click()
        admin.get_by_role("link", name="新建登录账号").click()
        # The roster member is chosen by name with post and unit beside it: no guessing between namesakes.
        admin.get_by_label("对应人员").select_option(label="王芳 · 局党组成员、副局长 · 市农业农村局党组")
        admin.get_by_label("用户名").fill("wangfang")
        admin.get_by_label("初始密码").fill("Temp-Start-7314")
        admin.get_by_label("角色").select_option(label="班子成员")
        admin.get_by_role("button", name="保存").click()
        expect(admin.locator(".messages")).to_contain_text("已创建登录账号“wangfang”")
        expect(admin.locator("dl.facts")).to_contain_text("王芳")
        expect(admin.locator("dl.facts")).to_contain_text("下次登录须修改")
        self.screenshot(admin, "account-created")

        member = self.new_page()
        member.set_viewport_size({"width": 390, "height": 844})  # a phone
        member.goto("/login/")
        member.locator("input[name=username]").fill("wangfang")
        member.locator("input[name=password]").fill("Temp-Start-7314")
        member.get_by_role("button", name="登录", exact=True).click()
        member.wait_for_url(re.compile(r"/password/$"))
        expect(member.locator(".messages")).to_contain_text("管理员重置了您的密码，请先设置新密码")
        # A weak password is refused in Chinese, then a good one is taken.
        member.get_by_label("原密码").fill("Temp-Start-7314")
        member.get_by_label("新密码", exact=True).fill("wangfang1")
        member.get_by_label("再次输入新密码").fill("wangfang1")
        member.get_by_role("button", name="保存新密码").click()
        expect(member.locator(".errorlist")).to_contain_text("至少3类")
        member.get_by_label("原密码").fill("Temp-Start-7314")
        member.get_by_label("新密码", exact=True).fill("Green-Valley-2468")
        member.get_by_label("再次输入新密码").fill("Green-Valley-2468")
        member.get_by_role("button", name="保存新密码").click()
        expect(member.locator(".messages")).to_contain_text("密码已修改")
        self.screenshot(member, "account-password-changed-phone")

        member.goto(f"/meetings/{meeting.pk}/materials/")
        member.get_by_role("row", name=re.compile("王芳同志个人发言提纲")).get_by_role("link", name="打开").click()
        editor = member.get_by_label("正文")
        editor.fill("一、对照检查\n本人在学习贯彻方面还有差距。")
        member.locator("#save-button").click()
        expect(member.locator("#save-status")).to_contain_text("已保存")
        member.reload()  # the first save created the outline: its actions appear
        member.get_by_role("button", name="提交主要负责同志审核").click()
        expect(member.locator("#material-status")).to_contain_text("已提交")

        principal = self.new_page()
        self.login(principal, "demo-principal")
        principal.goto(f"/meetings/{meeting.pk}/materials/")
        principal.get_by_role("row", name=re.compile("王芳同志个人发言提纲")).get_by_role("link", name="打开").click()
        expect(principal.locator("main")).to_contain_text("本人在学习贯彻方面还有差距")
        principal.get_by_role("button", name="审核通过").click()
        expect(principal.locator("#material-status")).to_contain_text("审核通过")
        self.screenshot(principal, "account-outline-approved")
