"""Reminders as people get them: `mingjing remind` (cron) stores each once and e-mails it once."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
from io import StringIO

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from mingjing.audit.models import AuditEvent
from mingjing.rectification.demo import EVIDENCE_PDF
from mingjing.rectification.models import RectificationItem
from mingjing.rectification.services import closure_request, closure_verify, item_create
from mingjing.reminders.models import Notification, Preference
from mingjing.reminders.services import remind
from mingjing.test import BaseTestCase

MEDIA = tempfile.mkdtemp(prefix="mingjing-reminder-tests-")
TEXT = "调研走过场问题整改"
DEADLINE = dt.date(2027, 6, 30)
DAY = DEADLINE - dt.timedelta(days=15)  # the day the tests run `mingjing remind` first


def run(on: dt.date) -> str:
    out = StringIO()
    call_command("remind", "--date", on.isoformat(), stdout=out)
    return out.getvalue()


def mails_about(text: str, to: str | None = None) -> list:
    return [m for m in mail.outbox if text in m.body and (to is None or m.to == [to])]


@override_settings(MEDIA_ROOT=MEDIA, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend")
class RemindTest(BaseTestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.roster = {e.name: e for e in cls.meeting.roster.all()}
        for persona in ("member", "principal"):
            user = getattr(cls, persona)
            user.email = f"{persona}@example.gov.cn"
            user.save()

    def item(self, text: str = TEXT, deadline: dt.date = DEADLINE) -> RectificationItem:
        return item_create(
            actor=self.preparer,
            meeting=self.meeting,
            owner=self.roster["李华"],
            responsible_leader=self.roster["张明"],
            problem_text=text,
            measures="措施",
            deadline=deadline,
        )

    def test_running_twice_sends_each_reminder_once_and_escalates(self) -> None:
        item = self.item()
        out = run(DAY)
        self.assertIn("提醒已发送", out)
        self.assertEqual(len(mails_about(TEXT, "member@example.gov.cn")), 1)
        self.assertIn("剩15天到期", mails_about(TEXT)[0].body)
        self.assertIn(reverse("rectification:item", args=[item.pk]), mails_about(TEXT)[0].body)
        # The leader is not told before the deadline.
        self.assertEqual(mails_about(TEXT, "principal@example.gov.cn"), [])
        sent = len(mail.outbox)
        stored = Notification.objects.count()
        run(DAY)
        run(DAY + dt.timedelta(days=1))  # still within the same 20-day step
        self.assertEqual(len(mail.outbox), sent, [m.subject for m in mail.outbox[sent:]])
        self.assertEqual(Notification.objects.count(), stored)
        self.assertEqual(Notification.objects.filter(user=self.member, what=f"item:{item.pk}").count(), 1)
        # 10 days before: the second (yellow) reminder, once.
        run(DAY + dt.timedelta(days=5))
        run(DAY + dt.timedelta(days=6))
        self.assertEqual(len(mails_about(TEXT, "member@example.gov.cn")), 2)
        self.assertIn("剩10天到期", mails_about(TEXT)[-1].body)
        # Overdue: red, to the owner and to the responsible leader.
        run(DAY + dt.timedelta(days=16))
        run(DAY + dt.timedelta(days=17))
        self.assertEqual(len(mails_about(TEXT, "member@example.gov.cn")), 3)
        leader = mails_about(TEXT, "principal@example.gov.cn")
        self.assertEqual(len(leader), 1)
        self.assertIn("【已逾期】", leader[0].body)
        self.assertIn("已逾期1天", leader[0].body)
        self.assertIn("请督促", leader[0].body)
        levels = Notification.objects.filter(what=f"item:{item.pk}").values_list("user__username", "step")
        self.assertEqual(
            sorted(levels),
            [
                ("demo-member", "due10"),
                ("demo-member", "due20"),
                ("demo-member", "overdue"),
                ("demo-principal", "overdue"),
            ],
        )

    def test_the_mail_names_the_full_address_when_the_site_has_one(self) -> None:
        item = self.item()
        with self.settings(BASE_URL="https://mj.example.gov.cn"):
            run(DAY)
        item_url = "https://mj.example.gov.cn" + reverse("rectification:item", args=[item.pk])
        self.assertIn(item_url, mails_about(TEXT, "member@example.gov.cn")[0].body)

    def test_an_item_closed_in_between_is_not_reminded(self) -> None:
        item = self.item(deadline=DEADLINE + dt.timedelta(days=10))  # no reminder yet on DAY
        run(DAY)
        self.assertEqual(mails_about(TEXT), [])
        pdf = SimpleUploadedFile("佐证.pdf", EVIDENCE_PDF, content_type="application/pdf")
        closure_request(actor=self.member, item=item, note="已完成", files=[pdf])
        # While the 销号 request waits, the owner is not chased; the principal is asked to verify.
        run(DAY + dt.timedelta(days=6))
        self.assertEqual(mails_about(TEXT, "member@example.gov.cn"), [])
        self.assertEqual(len(mails_about(f"{TEXT} 申请销号", "principal@example.gov.cn")), 1)
        closure_verify(actor=self.principal, item=item)
        for days in (6, 16, 30):
            run(DAY + dt.timedelta(days=days))
        self.assertEqual(mails_about(TEXT, "member@example.gov.cn"), [])
        self.assertFalse(Notification.objects.filter(what=f"item:{item.pk}").exists())

    def test_email_off_keeps_the_in_system_reminder(self) -> None:
        self.item()
        self.login("member")
        response = self.client.post(reverse("reminders:settings"), {"email": "lihua@example.gov.cn"})
        self.assertRedirects(response, reverse("reminders:list"))
        self.assertFalse(Preference.objects.get(user=self.member).email_enabled)
        run(DAY)
        self.assertEqual(mails_about(TEXT), [])
        page = self.client.get(reverse("reminders:list"))
        self.assertContains(page, TEXT)
        self.assertContains(page, "邮件提醒：已关闭")
        self.assertContains(page, "剩15天到期")
        # Turned on again later: today's reminder still open comes by e-mail once.
        self.client.post(reverse("reminders:settings"), {"email": "lihua@example.gov.cn", "email_enabled": "on"})
        run(DAY)
        run(DAY)
        self.assertEqual(len(mails_about(TEXT, "lihua@example.gov.cn")), 1)

    def test_settings_refuse_a_bad_address_in_chinese(self) -> None:
        self.login("member")
        response = self.client.post(reverse("reminders:settings"), {"email": "李华@", "email_enabled": "on"})
        self.assertContains(response, "电子邮箱：电子邮箱格式不正确")
        response = self.client.post(reverse("reminders:settings"), {"email": "", "email_enabled": "on"})
        self.assertContains(response, "接收邮件提醒须先填写电子邮箱")
        self.member.refresh_from_db()
        self.assertEqual(self.member.email, "member@example.gov.cn")

    def test_bell_count_list_and_mark_read(self) -> None:
        item = self.item()
        remind(on=DAY)
        self.login("member")
        unread = Notification.objects.filter(user=self.member, read_at__isnull=True).count()
        self.assertGreaterEqual(unread, 1)
        self.assertContains(self.client.get(reverse("reminders:count")), f">{unread}<")
        home = self.client.get(reverse("home"))
        self.assertContains(home, f'hx-get="{reverse("reminders:count")}"')
        page = self.client.get(reverse("reminders:list"))
        self.assertContains(page, f"{unread}条未读")
        self.assertContains(page, f'href="{reverse("rectification:item", args=[item.pk])}"')
        response = self.client.post(reverse("reminders:read"), follow=True)
        self.assertContains(response, f"已将{unread}条提醒标为已读")
        self.assertNotContains(self.client.get(reverse("reminders:count")), "badge")
        self.assertTrue(AuditEvent.objects.filter(event_type="reminders.read", actor=self.member).exists())
        self.assertTrue(AuditEvent.objects.filter(event_type="reminders.sent").exists())
        # Nobody sees another's reminders.
        self.login("outsider")
        self.assertNotContains(self.client.get(reverse("reminders:list")), TEXT)

    def test_list_page_runs_a_fixed_number_of_queries(self) -> None:
        self.login("member")
        url = reverse("reminders:list")
        self.client.get(url)  # warm the session and policy caches

        def count() -> int:
            from django.db import connection
            from django.test.utils import CaptureQueriesContext

            with CaptureQueriesContext(connection) as ctx:
                self.assertEqual(self.client.get(url).status_code, 200)
            return len(ctx.captured_queries)

        few = count()
        Notification.objects.bulk_create(
            Notification(user=self.member, what=f"x:{i}", step="todo", text=f"待办{i}", url="/todo/") for i in range(60)
        )
        self.assertEqual(count(), few)
