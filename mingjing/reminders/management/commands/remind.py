from __future__ import annotations

import datetime as dt

from django.core.management.base import CommandError

from mingjing.lib.management import MingjingCommand


class Command(MingjingCommand):
    help = "发送待办提醒（站内通知和电子邮件；可由 cron 或 systemd 定时器每天运行，重复运行不会重复发送）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--date", help="按哪一天计算提醒（YYYY-MM-DD，默认今天；用于补发或核对）")

    def handle(self, *args, date: str | None = None, **options) -> None:
        from mingjing.reminders.services import remind

        on = None
        if date:
            try:
                on = dt.date.fromisoformat(date)
            except ValueError as exc:
                raise CommandError(f"--date 格式不正确：“{date}”，应为 YYYY-MM-DD，如 2026-11-02") from exc
        result = remind(actor=None, on=on)
        self.stdout.write(f"提醒已发送：站内通知 {result.created} 条，电子邮件 {result.emails} 封")
        if result.failed:
            raise CommandError(f"以下邮箱发送失败，下次运行时重试：{'、'.join(result.failed)}")
