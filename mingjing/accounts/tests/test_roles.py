from django.contrib.auth import get_user_model

from mingjing.accounts.models import Membership
from mingjing.test import BaseTestCase


class LoginTest(BaseTestCase):
    def test_demo_account_logs_in_with_the_demo_password_and_sees_its_roles(self):
        response = self.client.post("/login/", {"username": "demo-preparer", "password": "mingjing-demo"}, follow=True)
        self.assertContains(response, "市农业农村局党组 · 党务工作人员")
        self.assertContains(response, "市农业农村局党组领导班子2025年度民主生活会")

    def test_wrong_password_is_refused_in_chinese(self):
        response = self.client.post("/login/", {"username": "demo-preparer", "password": "wrong"})
        self.assertContains(response, "用户名或密码不正确")

    def test_pages_need_login(self):
        response = self.client.get(f"/meetings/{self.meeting.pk}/")
        self.assertRedirects(response, f"/login/?next=/meetings/{self.meeting.pk}/")


class GrantRolesTest(BaseTestCase):
    def test_admin_creates_an_account_with_a_role_that_can_then_log_in(self):
        self.login("admin")
        response = self.client.post(
            f"/units/{self.bureau.pk}/roles/",
            {
                "username": "wangfang",
                "display_name": "王芳",
                "password": "Xq7-long-enough-pass",
                "role": "member",
            },
        )
        self.assertRedirects(response, f"/units/{self.bureau.pk}/roles/")
        user = get_user_model().objects.get(username="wangfang")
        self.assertTrue(Membership.objects.filter(user=user, organization=self.bureau, role="member").exists())
        self.assertIn("创建了登录账号“王芳（wangfang）”", self.client.get(f"/accounts/{user.pk}/").content.decode())
        self.assertIn("授予王芳“班子成员”角色", self.client.get(f"/units/{self.bureau.pk}/").content.decode())
        self.client.logout()
        # The first login asks for a password only the new user knows; then the meeting opens.
        self.client.post("/login/", {"username": "wangfang", "password": "Xq7-long-enough-pass"})
        self.assertRedirects(self.client.get(f"/meetings/{self.meeting.pk}/"), "/password/")
        self.client.post(
            "/password/",
            {
                "old_password": "Xq7-long-enough-pass",
                "new_password1": "Own-Secret-42",
                "new_password2": "Own-Secret-42",
            },
        )
        self.assertEqual(self.client.get(f"/meetings/{self.meeting.pk}/").status_code, 200)

    def test_weak_password_and_duplicate_role_are_explained(self):
        self.login("admin")
        response = self.client.post(
            f"/units/{self.bureau.pk}/roles/",
            {"username": "newbie", "display_name": "新人", "password": "123", "role": "member"},
        )
        self.assertContains(response, "初始密码：")
        self.assertFalse(get_user_model().objects.filter(username="newbie").exists())
        response = self.client.post(
            f"/units/{self.bureau.pk}/roles/",
            {"username": "demo-member", "display_name": "", "password": "", "role": "member"},
        )
        self.assertContains(response, "李华已有“班子成员”角色")

    def test_revoking_a_role_removes_access(self):
        membership = Membership.objects.get(user=self.member)
        self.login("admin")
        self.client.post(f"/roles/{membership.pk}/revoke/")
        self.login("member")
        self.assertEqual(self.client.get(f"/meetings/{self.meeting.pk}/").status_code, 404)

    def test_preparer_cannot_grant_roles(self):
        self.login("preparer")
        self.assertEqual(self.client.get(f"/units/{self.bureau.pk}/roles/").status_code, 403)
        membership = Membership.objects.get(user=self.member)
        self.assertEqual(self.client.post(f"/roles/{membership.pk}/revoke/").status_code, 404)
        self.assertTrue(Membership.objects.filter(pk=membership.pk).exists())
