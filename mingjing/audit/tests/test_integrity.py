"""The audit log proves itself: append-only in the database, a hash chain `audit verify` walks,
sign-ins and downloads recorded, the audit administrator's page."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from mingjing.accounts.models import Role
from mingjing.accounts.services import membership_grant
from mingjing.audit import triggers
from mingjing.audit.chain import ALGORITHM, verify
from mingjing.audit.models import APPEND_ONLY, AuditEvent
from mingjing.meetings.services import meeting_update
from mingjing.test import BaseTestCase

PASSWORD = "mingjing-demo"


def make_admin(username: str, role: str, unit) -> object:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD, first_name=username)
    with transaction.atomic():
        membership_grant(actor=None, organization=unit, user=user, role=role)
    return user


class AppendOnlyTest(BaseTestCase):
    def event(self) -> AuditEvent:
        meeting_update(actor=self.preparer, meeting=self.meeting, data={"place": "局机关五楼会议室"})
        return AuditEvent.objects.latest("id")

    def assert_refused(self, sql: str, params: list) -> None:
        with self.assertRaises(DatabaseError) as caught, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql, params)
        self.assertIn(APPEND_ONLY, str(caught.exception))

    def test_the_database_refuses_update_and_delete(self):
        event = self.event()
        self.assert_refused("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["某某", event.pk])
        self.assert_refused("DELETE FROM audit_auditevent WHERE id = %s", [event.pk])
        with self.assertRaises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk).update(object_repr="改过")
        with self.assertRaises(DatabaseError), transaction.atomic():
            AuditEvent.objects.filter(pk=event.pk)._raw_delete(connection.alias)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # TRUNCATE waits for no deferred FK check
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self.assert_refused("TRUNCATE audit_auditevent CASCADE", [])
        self.assertEqual(AuditEvent.objects.get(pk=event.pk).actor_name, "黄蕾")

    def test_the_application_cannot_rewrite_an_event_either(self):
        event = self.event()
        event.object_repr = "改过"
        with self.assertRaisesMessage(RuntimeError, APPEND_ONLY):
            event.save()
        with self.assertRaisesMessage(RuntimeError, APPEND_ONLY):
            event.delete()

    def test_migrate_puts_the_triggers_back(self):
        triggers.remove(connection)
        self.assertFalse(triggers.installed(connection))
        call_command("migrate", "audit", verbosity=0)
        self.assertTrue(triggers.installed(connection))


class ChainTest(BaseTestCase):
    def test_each_event_carries_the_previous_ones_hash(self):
        meeting_update(actor=self.preparer, meeting=self.meeting, data={"place": "局机关五楼会议室"})
        meeting_update(actor=self.preparer, meeting=self.meeting, data={"place": "局机关六楼会议室"})
        first, second = AuditEvent.objects.order_by("-id")[:2][::-1]
        self.assertEqual(second.prev_hash, first.hash)
        self.assertEqual((second.algorithm, len(second.hash)), (ALGORITHM, 64))
        self.assertEqual(ALGORITHM, "sm3")  # OpenSSL 3 on this machine offers it
        result = verify()
        self.assertTrue(result.ok, result.message)
        self.assertEqual(result.checked, AuditEvent.objects.count())
        out = io.StringIO()
        call_command("audit", "verify", stdout=out)
        self.assertIn("审计记录完整", out.getvalue())

    def tamper(self, sql: str, params: list) -> None:
        """What someone with database access could do once he drops the trigger."""
        triggers.remove(connection)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        triggers.install(connection)

    def test_verify_finds_an_altered_event(self):
        meeting_update(actor=self.preparer, meeting=self.meeting, data={"place": "局机关五楼会议室"})
        altered = AuditEvent.objects.order_by("id")[3]
        self.tamper("UPDATE audit_auditevent SET actor_name = %s WHERE id = %s", ["某某", altered.pk])
        result = verify()
        self.assertFalse(result.ok)
        self.assertEqual((result.broken_id, result.checked), (altered.pk, 3))
        with self.assertRaisesMessage(CommandError, f"第一个断点在编号 {altered.pk} 的记录（内容与其哈希不符"):
            call_command("audit", "verify")

    def test_verify_finds_a_deleted_event(self):
        meeting_update(actor=self.preparer, meeting=self.meeting, data={"place": "局机关五楼会议室"})
        gone, after = AuditEvent.objects.order_by("id")[5:7]
        self.tamper("DELETE FROM audit_auditevent WHERE id = %s", [gone.pk])
        result = verify()
        self.assertEqual((result.ok, result.broken_id), (False, after.pk))
        self.assertIn("不衔接", result.message)


class SignInEventsTest(BaseTestCase):
    def latest(self, event_type: str) -> AuditEvent:
        return AuditEvent.objects.filter(event_type=event_type).latest("id")

    def test_login_failed_login_and_logout_are_events(self):
        self.client.post(reverse("login"), {"username": "demo-member", "password": "wrong-password"})
        failed = self.latest("auth.login_failed")
        self.assertEqual(
            (failed.actor, failed.extra["username"], failed.extra["ip"]), (self.member, "demo-member", "127.0.0.1")
        )
        self.client.post(reverse("login"), {"username": "nobody", "password": "x"})
        self.assertEqual(
            (self.latest("auth.login_failed").actor, self.latest("auth.login_failed").organization), (None, None)
        )
        self.client.post(reverse("login"), {"username": "demo-member", "password": PASSWORD})
        login = self.latest("auth.login")
        self.assertEqual((login.actor, login.actor_name, login.organization), (self.member, "李华", self.bureau))
        self.client.post(reverse("logout"))
        self.assertEqual(self.latest("auth.logout").actor, self.member)
        self.assertTrue(verify().ok)

    def test_a_download_is_an_event(self):
        self.login("admin")
        response = self.client.get(reverse("rectification:export", args=[self.meeting.pk]))
        self.assertEqual(response.status_code, 200)
        event = self.latest("download")
        self.assertEqual((event.actor, event.organization, event.extra["what"]), (self.admin, self.bureau, "整改台账"))
        self.assertEqual(event.extra["filename"], f"{self.meeting.title}整改台账.xlsx")
        self.client.get(reverse("organizations:roster_export", args=[self.bureau.pk]))
        self.assertEqual(self.latest("download").extra["what"], "人员名单")


class AuditPageTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.auditor = make_admin("auditor", Role.AUDIT_ADMIN, cls.superior_unit)
        cls.sysadmin = make_admin("sysadmin", Role.SYSTEM_ADMIN, cls.superior_unit)
        cls.secadmin = make_admin("secadmin", Role.SECURITY_ADMIN, cls.superior_unit)
        cls.bureau_auditor = make_admin("bureau-auditor", Role.AUDIT_ADMIN, cls.bureau)

    def page(self, **query) -> str:
        response = self.client.get(reverse("audit:log"), query)
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_only_the_audit_administrator_opens_it(self):
        url, export = reverse("audit:log"), reverse("audit:export")
        for user in (
            self.sysadmin,
            self.secadmin,
            self.admin,
            self.preparer,
            self.principal,
            self.member,
            self.supervisor,
            self.superior,
            self.outsider,
        ):
            self.client.force_login(user)
            self.assertEqual(self.client.get(url).status_code, 403, user.username)
            self.assertEqual(self.client.get(export).status_code, 403, user.username)
        self.client.force_login(self.auditor)
        page = self.page()
        self.assertIn("审计记录完整", page)
        self.assertIn("Cache-Control", self.client.get(url).headers)

    def test_filters_by_person_unit_type_and_date(self):
        self.client.post(reverse("login"), {"username": "demo-member", "password": "wrong-password"})
        meeting_update(actor=self.preparer, meeting=self.meeting, data={"place": "局机关五楼会议室"})
        self.client.force_login(self.auditor)
        page = self.page(event_type="auth.login_failed")
        self.assertIn("登录失败（账号“demo-member”，地址127.0.0.1）", page)
        self.assertNotIn("将地点由", page)
        page = self.page(actor=self.preparer.pk)
        self.assertIn("将地点由“局机关三楼会议室”改为“局机关五楼会议室”", page)
        self.assertNotIn("登录失败（账号", page)
        self.assertIn("将地点由", self.page(unit=self.bureau.pk))
        self.assertNotIn("将地点由", self.page(unit=self.outsider_unit.pk))
        today = timezone.localdate()
        self.assertIn("将地点由", self.page(since=today.isoformat(), until=today.isoformat()))
        self.assertIn("没有符合条件的审计记录", self.page(since=(today + dt.timedelta(days=1)).isoformat()))
        self.assertIn("截止日期不能早于起始日期", self.page(since=today.isoformat(), until="2000-01-01"))
        # Paginated: 50 a page.
        total = AuditEvent.objects.count()
        self.assertIn(f"共 {total} 条，第 2/", self.page(page=2))

    def test_a_unit_auditor_sees_his_units_events_only(self):
        self.client.post(reverse("login"), {"username": "nobody", "password": "wrong-password"})
        with transaction.atomic():
            meeting_update(actor=self.preparer, meeting=self.meeting, data={"place": "局机关五楼会议室"})
        self.client.force_login(self.bureau_auditor)
        page = self.page()
        self.assertIn("将地点由", page)
        self.assertNotIn("登录失败（账号“nobody”", page)  # the deployment's own events: top-level auditors only
        self.assertNotIn(self.outsider_unit.name, page)

    def test_export_xlsx_with_the_filters(self):
        meeting_update(actor=self.preparer, meeting=self.meeting, data={"place": "局机关五楼会议室"})
        self.client.force_login(self.auditor)
        response = self.client.get(reverse("audit:export"), {"actor": self.preparer.pk})
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(io.BytesIO(response.content)).active
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][:6], ("编号", "时间", "人员（角色）", "单位", "类型", "事件"))
        expected = AuditEvent.objects.filter(actor=self.preparer).exclude(event_type="audit.exported").count()
        self.assertEqual(len(rows) - 1, expected)
        self.assertIn("将地点由“局机关三楼会议室”改为“局机关五楼会议室”", rows[1][5])
        self.assertEqual(rows[1][6], ALGORITHM)
        exported = AuditEvent.objects.latest("id")
        self.assertEqual(
            (exported.event_type, exported.actor, exported.extra["count"]), ("audit.exported", self.auditor, expected)
        )
