"""The identity controls (等保 第三级 8.1.4.1) driven through the login form and the pages, as a user meets
them: lockout and unlock, the password rules in Chinese, idle timeout, the forced change after a reset,
expiry and its warning, the parallel-sessions limit, the last login shown."""

from __future__ import annotations

import datetime as dt

from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from mingjing.accounts.models import AccountSecurity, Role, SecurityPolicy
from mingjing.accounts.security import LOGIN_AT, SEEN_AT, forget_policy
from mingjing.accounts.services import account_create, membership_grant
from mingjing.audit.models import AuditEvent
from mingjing.demo.services import DEMO_PASSWORD
from mingjing.test import BaseTestCase

GOOD = "Spring-Field-2026"


class IdentityTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        User = get_user_model()
        cls.secadmin = User.objects.get(username="demo-secadmin")
        cls.sysadmin = User.objects.get(username="demo-sysadmin")
        cls.auditor = User.objects.get(username="demo-auditor")
        # A real (not demo) account: the rules apply to it in full.
        cls.zhao = account_create(
            actor=None,
            organization=cls.bureau,
            username="zhaoqiang",
            display_name="赵强",
            password=GOOD,
            role=Role.MEMBER,
        )
        AccountSecurity.objects.filter(user=cls.zhao).update(must_change_password=False)

    def setUp(self) -> None:
        forget_policy()
        self.addCleanup(forget_policy)  # the cached policy must not outlive the test's rollback

    def login_form(self, username: str, password: str, client: Client | None = None, ip: str = "127.0.0.1"):
        client = client or self.client
        return client.post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip, follow=True)

    def set_policy(self, **values) -> None:
        SecurityPolicy.objects.update_or_create(pk=1, defaults=values)
        forget_policy()


class LockoutTest(IdentityTestCase):
    def test_five_failures_lock_the_account_for_fifteen_minutes_and_the_security_admin_unlocks_it(self):
        for _ in range(4):
            self.assertContains(self.login_form("zhaoqiang", "wrong"), "用户名或密码不正确")
        # Four failures and the right password: in (and the count starts again).
        self.assertContains(self.login_form("zhaoqiang", GOOD), "您好，赵强")
        self.client.post("/logout/")
        for _ in range(5):
            self.login_form("zhaoqiang", "wrong")
        response = self.login_form("zhaoqiang", GOOD)
        self.assertEqual(response.status_code, 429)
        self.assertContains(response, "登录已暂时锁定", status_code=429)
        self.assertContains(response, "连续5次输入的密码不正确", status_code=429)
        self.assertContains(response, "锁定15分钟", status_code=429)

        security = Client()
        security.force_login(self.secadmin)
        page = security.get("/security/locked/")
        self.assertContains(page, "zhaoqiang")
        self.assertContains(page, "127.0.0.1")
        security.post("/security/unlock/", {"username": "zhaoqiang"})
        self.assertNotContains(security.get("/security/locked/"), "zhaoqiang")
        self.assertTrue(AuditEvent.objects.filter(event_type="account.unlocked", actor=self.secadmin).exists())
        self.assertContains(self.login_form("zhaoqiang", GOOD), "您好，赵强")

    def test_the_lock_ends_by_itself_after_the_cooloff(self):
        for _ in range(5):
            self.login_form("zhaoqiang", "wrong")
        self.assertEqual(self.login_form("zhaoqiang", GOOD).status_code, 429)
        # Move the clock: the failures happened 16 minutes ago.
        AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=16))
        self.assertContains(self.login_form("zhaoqiang", GOOD), "您好，赵强")

    def test_one_address_trying_many_accounts_is_locked_too(self):
        for name in ["demo-admin", "demo-preparer", "demo-principal", "nobody", "demo-superior"]:
            self.login_form(name, "wrong", ip="10.1.1.7")
        self.assertEqual(self.login_form("demo-member", DEMO_PASSWORD, client=Client(), ip="10.1.1.7").status_code, 429)
        # The same account from another address is not locked: the address was.
        self.assertContains(self.login_form("demo-member", DEMO_PASSWORD, client=Client(), ip="10.1.1.8"), "您好")
        security = Client()
        security.force_login(self.secadmin)
        self.assertContains(security.get("/security/locked/"), "10.1.1.7")
        security.post("/security/unlock/", {"ip": "10.1.1.7"})
        self.assertContains(self.login_form("demo-member", DEMO_PASSWORD, client=Client(), ip="10.1.1.7"), "您好")

    def test_the_security_admin_sets_the_limits_and_the_login_obeys(self):
        security = Client()
        security.force_login(self.secadmin)
        form = {
            "lockout_failures": 3,
            "lockout_minutes": 30,
            "min_length": 10,
            "min_classes": 3,
            "max_age_days": 90,
            "warn_days": 7,
            "idle_minutes": 30,
            "max_sessions": 2,
        }
        self.assertRedirects(security.post("/security/policy/", form), "/security/policy/")
        self.assertContains(security.get("/security/policy/"), "修改了身份鉴别策略")
        for _ in range(3):
            self.login_form("zhaoqiang", "wrong")
        response = self.login_form("zhaoqiang", GOOD)
        self.assertContains(response, "连续3次", status_code=429)
        self.assertContains(response, "锁定30分钟", status_code=429)

    def test_limits_below_the_floor_are_refused(self):
        security = Client()
        security.force_login(self.secadmin)
        form = {
            "lockout_failures": 0,
            "lockout_minutes": 15,
            "min_length": 4,
            "min_classes": 3,
            "max_age_days": 90,
            "warn_days": 7,
            "idle_minutes": 30,
            "max_sessions": 2,
        }
        response = security.post("/security/policy/", form)
        self.assertContains(response, "应在3到10之间")
        self.assertContains(response, "应在8到64之间")
        self.assertEqual(SecurityPolicy.objects.filter(min_length=4).count(), 0)


class PasswordRulesTest(IdentityTestCase):
    def change(self, new: str):
        self.client.force_login(self.zhao)
        return self.client.post(
            "/password/", {"old_password": GOOD, "new_password1": new, "new_password2": new}
        ).content.decode()

    def test_every_rule_speaks_chinese(self):
        cases = {
            "Ab1!x": "密码太短，至少需要8个字符。",
            "aaaaaaaaaaaa": "密码须包含大写字母、小写字母、数字、符号中的至少3类。",
            "qwertyuiopas": "密码须包含大写字母、小写字母、数字、符号中的至少3类。",
            "Zhaoqiang-2026": "密码与用户名或姓名过于相似。",
            "Xy7zhaoqiangLongTail2026": "密码不能包含用户名。",
            "P@ssw0rd": "该密码过于常见，容易被猜中。",
            "12345678901234": "密码不能全是数字。",
            "Aa1Aa1Aa1Aa1": "密码中重复的字符太多。",
        }
        for password, message in cases.items():
            with self.subTest(password=password):
                self.assertIn(message, self.change(password))
                self.zhao.refresh_from_db()
                self.assertTrue(self.zhao.check_password(GOOD))

    def test_similar_to_the_username_even_without_containing_it(self):
        self.assertIn("密码与用户名或姓名过于相似。", self.change("Zhaoqiang1"))

    def test_the_old_password_and_a_repeat_of_it(self):
        self.client.force_login(self.zhao)
        page = self.client.post("/password/", {"old_password": "nope", "new_password1": "Harbour-Light-77"})
        self.assertContains(page, "原密码不正确，请重新输入。")
        page = self.change(GOOD)
        self.assertIn("新密码不能与原密码相同", page)

    def test_a_good_password_is_taken_and_the_session_stays(self):
        self.change("Harbour-Light-77")
        self.zhao.refresh_from_db()
        self.assertTrue(self.zhao.check_password("Harbour-Light-77"))
        self.assertEqual(self.client.get("/").status_code, 200)
        self.assertTrue(AuditEvent.objects.filter(event_type="account.password_changed", actor=self.zhao).exists())

    def test_an_administrator_s_new_account_obeys_the_rules_too(self):
        self.login("admin")
        response = self.client.post(
            f"/units/{self.bureau.pk}/accounts/new/",
            {"username": "sunli", "display_name": "孙丽", "password": "sunli2026", "role": ""},
        )
        self.assertContains(response, "密码与用户名或姓名过于相似。")
        self.assertContains(response, "至少3类")
        self.assertFalse(get_user_model().objects.filter(username="sunli").exists())

    def test_the_minimum_length_follows_the_policy(self):
        self.set_policy(min_length=16)
        self.assertIn("密码太短，至少需要16个字符。", self.change("Harbour-Light-7"))


class SessionRulesTest(IdentityTestCase):
    def move_clock(self, key: str, seconds: int) -> None:
        session = self.client.session
        session[key] -= seconds
        session.save()

    def test_thirty_idle_minutes_end_the_session(self):
        self.login_form("zhaoqiang", GOOD)
        self.move_clock(SEEN_AT, 29 * 60)
        self.assertEqual(self.client.get("/").status_code, 200)  # 29 minutes: still in, and the clock restarts
        self.move_clock(SEEN_AT, 31 * 60)
        response = self.client.get("/meetings/")
        self.assertRedirects(response, "/login/?next=%2Fmeetings%2F", fetch_redirect_response=False)
        self.assertContains(self.client.get(response["Location"]), "超过30分钟未操作，已自动退出")
        self.assertRedirects(self.client.get("/"), "/login/?next=/")

    def test_an_idle_htmx_request_sends_the_whole_page_to_login(self):
        self.login_form("zhaoqiang", GOOD)
        self.move_clock(SEEN_AT, 31 * 60)
        response = self.client.get("/units/", headers={"HX-Request": "true"})
        self.assertEqual(response["HX-Redirect"], "/login/")

    def test_the_idle_limit_follows_the_policy(self):
        self.set_policy(idle_minutes=10)
        self.login_form("zhaoqiang", GOOD)
        self.move_clock(SEEN_AT, 11 * 60)
        self.assertEqual(self.client.get("/").status_code, 302)

    def test_the_absolute_limit_holds_however_busy_the_user(self):
        self.login_form("zhaoqiang", GOOD)
        self.move_clock(LOGIN_AT, 8 * 3600 + 1)
        response = self.client.get("/")
        self.assertEqual(response.status_code, 302)
        self.assertContains(self.client.get(response["Location"]), "登录时间已超过上限")

    def test_a_third_login_ends_the_oldest(self):
        first, second, third = Client(), Client(), Client()
        for client in (first, second):
            self.login_form("zhaoqiang", GOOD, client=client)
        self.assertContains(self.login_form("zhaoqiang", GOOD, client=third), "已退出较早的登录")
        self.assertEqual(first.get("/").status_code, 302)
        self.assertEqual(second.get("/").status_code, 200)
        self.assertEqual(third.get("/").status_code, 200)

    def test_the_last_login_time_and_place_are_shown_after_login(self):
        self.login_form("zhaoqiang", GOOD, ip="10.2.3.4")
        self.client.post("/logout/")
        page = self.login_form("zhaoqiang", GOOD, ip="10.2.3.5")
        self.assertContains(page, "上次登录：")
        self.assertContains(page, "地址 10.2.3.4")


class ForcedChangeTest(IdentityTestCase):
    def test_after_an_admin_reset_the_first_login_must_set_a_new_password(self):
        owner = Client()
        self.login_form("zhaoqiang", GOOD, client=owner)
        self.login("admin")
        page = self.client.get(f"/accounts/{self.zhao.pk}/password/")
        self.assertContains(page, "临时密码")
        response = self.client.post(
            f"/accounts/{self.zhao.pk}/password/", {"password": "Temp-Pass-9061", "password2": "Temp-Pass-9061"}
        )
        self.assertRedirects(response, f"/accounts/{self.zhao.pk}/")
        self.assertContains(self.client.get(response["Location"]), "重置了“赵强（zhaoqiang）”的密码")
        # His open session ended with the reset.
        self.assertEqual(owner.get("/").status_code, 302)

        page = self.login_form("zhaoqiang", "Temp-Pass-9061", client=owner)
        self.assertContains(page, "管理员重置了您的密码，请先设置新密码")
        self.assertEqual(page.redirect_chain[-1][0], "/password/")
        for url in ["/", f"/meetings/{self.meeting.pk}/", "/units/"]:
            self.assertRedirects(owner.get(url), "/password/")
        # A fragment a page loads with htmx is refused rather than replaced by the password page.
        self.assertEqual(owner.get("/units/", headers={"HX-Request": "true"}).status_code, 403)
        owner.post(
            "/password/",
            {"old_password": "Temp-Pass-9061", "new_password1": "Quiet-River-58", "new_password2": "Quiet-River-58"},
        )
        self.assertEqual(owner.get(f"/meetings/{self.meeting.pk}/").status_code, 200)
        self.assertFalse(AccountSecurity.objects.get(user=self.zhao).must_change_password)

    def test_an_expired_password_must_be_changed_and_a_warning_comes_before(self):
        security = AccountSecurity.objects.get(user=self.zhao)
        security.password_changed_at = timezone.now() - dt.timedelta(days=85)
        security.save()
        page = self.login_form("zhaoqiang", GOOD)
        self.assertContains(page, "您的密码将在5天后到期，请及时修改。")
        self.client.post("/logout/")
        security.password_changed_at = timezone.now() - dt.timedelta(days=91)
        security.save()
        page = self.login_form("zhaoqiang", GOOD)
        self.assertContains(page, "您的密码已过期，请先设置新密码")
        self.assertRedirects(self.client.get("/"), "/password/")

    def test_demo_accounts_keep_the_documented_password(self):
        AccountSecurity.objects.filter(user=self.member).update(
            password_changed_at=timezone.now() - dt.timedelta(days=400), must_change_password=True
        )
        page = self.login_form("demo-member", DEMO_PASSWORD)
        self.assertContains(page, "您好，李华")
        self.assertNotContains(page, "您的密码将在")
        self.assertEqual(self.client.get(f"/meetings/{self.meeting.pk}/").status_code, 200)
        self.assertTrue(AccountSecurity.objects.get(user=self.member).is_demo)
        self.assertFalse(AccountSecurity.objects.get(user=self.zhao).is_demo)


class ThreeAdministratorsTest(IdentityTestCase):
    """三员分立: each administrator is refused the others' pages and every meeting."""

    def test_each_administrator_gets_his_own_pages_only(self):
        pages = {
            f"/units/{self.bureau.pk}/accounts/": {"demo-sysadmin": 200, "demo-secadmin": 403, "demo-auditor": 403},
            f"/units/{self.bureau.pk}/accounts/new/": {
                "demo-sysadmin": 200,
                "demo-secadmin": 403,
                "demo-auditor": 403,
            },
            f"/units/{self.bureau.pk}/roles/": {"demo-sysadmin": 200, "demo-secadmin": 403, "demo-auditor": 403},
            f"/accounts/{self.member.pk}/": {"demo-sysadmin": 200, "demo-secadmin": 404, "demo-auditor": 404},
            f"/accounts/{self.member.pk}/password/": {
                "demo-sysadmin": 200,
                "demo-secadmin": 404,
                "demo-auditor": 404,
            },
            "/security/policy/": {"demo-sysadmin": 403, "demo-secadmin": 200, "demo-auditor": 403},
            "/security/locked/": {"demo-sysadmin": 403, "demo-secadmin": 200, "demo-auditor": 403},
            "/password/": {"demo-sysadmin": 200, "demo-secadmin": 200, "demo-auditor": 200},
        }
        for url, expected in pages.items():
            for username, status in expected.items():
                with self.subTest(url=url, user=username):
                    client = Client()
                    client.force_login(get_user_model().objects.get(username=username))
                    self.assertEqual(client.get(url).status_code, status)
        for user in (self.sysadmin, self.secadmin, self.auditor):
            client = Client()
            client.force_login(user)
            status = client.post("/security/unlock/", {"username": "x"}).status_code
            self.assertEqual(status, 302 if user == self.secadmin else 403)

    def test_no_administrator_reads_a_meeting(self):
        for user in (self.sysadmin, self.secadmin, self.auditor):
            client = Client()
            client.force_login(user)
            for url in [f"/meetings/{self.meeting.pk}/", f"/meetings/{self.last_meeting.pk}/"]:
                with self.subTest(user=user.username, url=url):
                    self.assertEqual(client.get(url).status_code, 404)
            self.assertNotContains(client.get("/meetings/"), self.meeting.title)

    def test_one_account_cannot_combine_two_of_the_three(self):
        client = Client()
        client.force_login(self.sysadmin)
        response = client.post(
            f"/units/{self.superior_unit.pk}/roles/",
            {"username": "demo-auditor", "display_name": "", "password": "", "role": Role.SECURITY_ADMIN},
        )
        self.assertContains(
            response, "顾远已是审计管理员，系统管理员、安全管理员、审计管理员三者不能由同一账号兼任（三员分立）"
        )
        with self.assertRaisesMessage(Exception, "三员分立"):
            membership_grant(actor=None, organization=self.bureau, user=self.secadmin, role=Role.SYSTEM_ADMIN)

    def test_a_unit_admin_grants_none_of_the_three_nor_manages_their_accounts(self):
        self.login("admin")
        page = self.client.get(f"/units/{self.bureau.pk}/roles/")
        self.assertNotContains(page, "审计管理员")
        response = self.client.post(
            f"/units/{self.bureau.pk}/roles/",
            {"username": "demo-preparer", "display_name": "", "password": "", "role": Role.AUDIT_ADMIN},
        )
        self.assertContains(response, "选择一个有效的选项", status_code=200)
        self.assertEqual(self.client.get(f"/accounts/{self.auditor.pk}/password/").status_code, 404)
        # The system administrator may; nobody manages his own account through these pages.
        client = Client()
        client.force_login(self.sysadmin)
        self.assertEqual(client.get(f"/accounts/{self.auditor.pk}/password/").status_code, 200)
        self.assertEqual(client.post(f"/accounts/{self.sysadmin.pk}/disable/").status_code, 403)

    def test_only_the_system_administrator_withdraws_one_of_the_three(self):
        from mingjing.accounts.models import Membership

        top_admin = account_create(
            actor=None, organization=self.superior_unit, username="top-admin", display_name="严正", password=GOOD
        )
        membership_grant(actor=None, organization=self.superior_unit, user=top_admin, role=Role.ADMIN)
        AccountSecurity.objects.filter(user=top_admin).update(must_change_password=False)
        auditor_role = Membership.objects.get(user=self.auditor, role=Role.AUDIT_ADMIN)
        client = Client()
        client.force_login(top_admin)
        self.assertEqual(client.post(f"/roles/{auditor_role.pk}/revoke/").status_code, 403)
        self.assertTrue(Membership.objects.filter(pk=auditor_role.pk).exists())
        client.force_login(self.sysadmin)
        client.post(f"/roles/{auditor_role.pk}/revoke/")
        self.assertFalse(Membership.objects.filter(pk=auditor_role.pk).exists())


class AccountsInTheBrowserTest(IdentityTestCase):
    """The unit administrator's account pages, driven with the test client."""

    def test_create_for_a_roster_person_then_disable_enable_unlink(self):
        sun = self.bureau.people.get(name="孙丽")
        self.login("admin")
        page = self.client.get(f"/units/{self.bureau.pk}/accounts/new/?person={sun.pk}")
        self.assertContains(page, "孙丽 · 办公室主任 · 市农业农村局党组")
        response = self.client.post(
            f"/units/{self.bureau.pk}/accounts/new/",
            {"person": sun.pk, "username": "sunli", "display_name": "", "password": "Morning-Tea-31", "role": "member"},
        )
        user = get_user_model().objects.get(username="sunli")
        self.assertRedirects(response, f"/accounts/{user.pk}/")
        sun.refresh_from_db()
        self.assertEqual(sun.user, user)
        self.assertEqual(user.first_name, "孙丽")
        page = self.client.get(f"/accounts/{user.pk}/").content.decode()
        self.assertIn("将人员“孙丽”关联到登录账号“sunli”", page)
        self.assertIn("下次登录须修改", page)

        self.client.post(f"/accounts/{user.pk}/disable/")
        self.assertFalse(self.login_form("sunli", "Morning-Tea-31", client=Client()).redirect_chain)
        self.client.post(f"/accounts/{user.pk}/enable/")
        self.assertTrue(self.login_form("sunli", "Morning-Tea-31", client=Client()).redirect_chain)

        self.client.post(f"/accounts/{user.pk}/unlink/")
        sun.refresh_from_db()
        self.assertIsNone(sun.user)
        page = self.client.get(f"/accounts/{user.pk}/").content.decode()
        self.assertIn("解除了人员“孙丽”与登录账号“sunli”的关联", page)
        self.assertIn("关联人员", page)
        self.client.post(f"/accounts/{user.pk}/link/", {"person": sun.pk})
        sun.refresh_from_db()
        self.assertEqual(sun.user, user)

    def test_a_disabled_account_s_open_session_ends(self):
        owner = Client()
        self.login_form("zhaoqiang", GOOD, client=owner)
        self.login("admin")
        self.client.post(f"/accounts/{self.zhao.pk}/disable/")
        self.assertEqual(owner.get("/").status_code, 302)

    def test_namesakes_are_told_apart_and_never_guessed(self):
        # A second 王芳 in a unit below the bureau: both appear with post and unit.
        from mingjing.organizations.models import Person
        from mingjing.organizations.services import organization_create, person_create

        branch_unit = organization_create(actor=None, parent=self.bureau, name="局机关党委", short_name="局机关党委")
        Person.objects.filter(organization=self.bureau, name="王芳").update(user=None)  # the demo's account unlinked
        person_create(actor=None, organization=branch_unit, name="王芳", post="机关党委专职副书记")
        account = account_create(
            actor=None, organization=self.bureau, username="wf2", display_name="王芳", password="Blue-Window-84"
        )
        membership_grant(actor=None, organization=branch_unit, user=account, role=Role.MEMBER)
        self.login("admin")
        page = self.client.get(f"/accounts/{account.pk}/").content.decode()
        self.assertIn("王芳 · 局党组成员、副局长 · 市农业农村局党组", page)
        self.assertIn("王芳 · 机关党委专职副书记 · 局机关党委", page)
        # A name typed where a username is asked for is not matched to anyone.
        response = self.client.post(
            f"/units/{self.bureau.pk}/roles/",
            {"username": "王芳", "display_name": "", "password": "", "role": "member"},
        )
        self.assertContains(response, "没有用户名为“王芳”的账号")
        # A person outside the account's units cannot be linked by id.
        outsider = self.outsider_unit.people.get(name="陶然")
        self.client.post(f"/accounts/{account.pk}/link/", {"person": outsider.pk})
        outsider.refresh_from_db()
        self.assertIsNone(outsider.user)
