"""`mingjing setup`: a new deployment's top-level unit and first administrators, from a script."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import TestCase

from mingjing.accounts.models import Membership, Role
from mingjing.audit.models import AuditEvent
from mingjing.organizations.models import Organization

PASSWORD = "Qiyuan-2026-start"


class SetupTest(TestCase):
    def setup(self, *args: str, password: str = PASSWORD) -> str:
        with tempfile.TemporaryDirectory() as tmp:
            secret = Path(tmp) / "password"
            secret.write_text(password + "\n", encoding="utf-8")
            out = io.StringIO()
            call_command("setup", *args, "--password-file", str(secret), "--noinput", stdout=out)
        return out.getvalue()

    def test_the_unit_its_administrator_and_the_three_administrators(self):
        out = self.setup(
            "--unit", "中共启元市委员会", "--short-name", "启元市委", "--admin", "zhangsan:张三",
            "--system-admin", "xitong:李四", "--security-admin", "anquan:王五", "--audit-admin", "shenji:赵六",
        )  # fmt: skip
        unit = Organization.objects.get(name="中共启元市委员会")
        self.assertIsNone(unit.parent)
        self.assertEqual((unit.short_name, unit.path), ("启元市委", f"/{unit.pk}/"))
        held = set(Membership.objects.filter(organization=unit).values_list("user__username", "role"))
        self.assertEqual(
            held,
            {
                ("zhangsan", Role.ADMIN),
                ("xitong", Role.SYSTEM_ADMIN),
                ("anquan", Role.SECURITY_ADMIN),
                ("shenji", Role.AUDIT_ADMIN),
            },
        )
        zhang = get_user_model().objects.get(username="zhangsan")
        self.assertEqual(zhang.first_name, "张三")
        self.assertTrue(zhang.check_password(PASSWORD))
        self.assertTrue(zhang.security.must_change_password)
        self.assertIn("审计管理员：赵六（用户名 shenji），首次登录须修改密码", out)
        self.assertTrue(AuditEvent.objects.filter(event_type="account.created", organization=unit).exists())
        # The administrator signs in (and is asked for a new password first).
        response = self.client.post("/login/", {"username": "zhangsan", "password": PASSWORD})
        self.assertEqual(response.status_code, 302)

    def test_refusals_in_chinese_and_nothing_half_done(self):
        top_units = Organization.objects.filter(parent__isnull=True).count()
        with self.assertRaisesMessage(CommandError, "缺少 --admin"):
            self.setup("--unit", "中共启元市委员会")
        with self.assertRaisesMessage(CommandError, "各管理员须是不同的账号"):
            self.setup("--unit", "中共启元市委员会", "--admin", "zhangsan", "--audit-admin", "zhangsan")
        with self.assertRaises(CommandError):  # a weak password: the security rules apply
            self.setup("--unit", "中共启元市委员会", "--admin", "zhangsan", password="aaaaaaaaaaaa")
        self.assertFalse(Organization.objects.filter(name="中共启元市委员会").exists())
        self.setup("--unit", "中共启元市委员会", "--admin", "zhangsan")
        with self.assertRaisesMessage(CommandError, "已有顶层单位“中共启元市委员会”"):
            self.setup("--unit", "中共启元市委员会", "--admin", "lisi")
        # A second top-level unit is another run.
        self.setup("--unit", "中共启明县委员会", "--admin", "lisi")
        self.assertEqual(Organization.objects.filter(parent__isnull=True).count(), top_units + 2)

    def test_interactive(self):
        answers = iter(["中共启元市委员会", "", "zhangsan:张三", "", "", ""])
        with (
            mock.patch("builtins.input", lambda prompt: next(answers)),
            mock.patch("getpass.getpass", return_value=PASSWORD),
            mock.patch("sys.stdin.isatty", return_value=True),
        ):
            call_command("setup", stdout=io.StringIO())
        unit = Organization.objects.get(name="中共启元市委员会")
        self.assertEqual(unit.short_name, "中共启元市委员会")
        self.assertTrue(
            Membership.objects.filter(organization=unit, role=Role.ADMIN, user__username="zhangsan").exists()
        )
