from __future__ import annotations

from mingjing.accounts.models import Role
from mingjing.demo.services import ACCOUNTS, DEMO_PASSWORD, load_demo
from mingjing.lib.management import MingjingCommand, table


class Command(MingjingCommand):
    help = "载入演示数据（可重复运行，不会重复创建）并列出演示账号"

    def handle(self, *args, **options) -> None:
        meeting = load_demo()
        self.stdout.write(f"演示数据已就绪：{meeting.organization.name} · {meeting.title}（编号 {meeting.pk}）\n")
        rows = [[a.username, a.name, str(Role(a.role).label)] for a in ACCOUNTS]
        self.stdout.write(table(["演示账号", "姓名", "角色"], rows))
        self.stdout.write(f"\n所有演示账号的密码均为：{DEMO_PASSWORD}")
