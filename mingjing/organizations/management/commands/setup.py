"""`mingjing setup`: the first run of a new deployment — its top-level unit and first administrators.

Interactive without options; for scripts every answer can be given:

    mingjing setup --unit 中共某某市委员会 --short-name 某某市委 --admin zhangsan:张三 \
        --system-admin xitong:李四 --security-admin anquan:王五 --audit-admin shenji:赵六 \
        --password-file /run/secrets/first-password --noinput

Every account it creates must change its password at the first login. Run it again with another
--unit for a second top-level unit.
"""

from __future__ import annotations

import getpass
import os
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction

from mingjing.accounts.models import Role
from mingjing.accounts.services import account_create
from mingjing.lib.management import MingjingCommand
from mingjing.organizations.models import Organization, OrgKind
from mingjing.organizations.services import organization_create

ACCOUNTS = (
    ("admin", Role.ADMIN, "单位管理员"),
    ("system_admin", Role.SYSTEM_ADMIN, "系统管理员"),
    ("security_admin", Role.SECURITY_ADMIN, "安全管理员"),
    ("audit_admin", Role.AUDIT_ADMIN, "审计管理员"),
)
PASSWORD_ENV = "MINGJING_SETUP_PASSWORD"


def split_account(value: str) -> tuple[str, str]:
    """'zhangsan:张三' → ('zhangsan', '张三'); without a name the username stands for it."""
    username, _, name = value.partition(":")
    return username.strip(), (name.strip() or username.strip())


class Command(MingjingCommand):
    help = "首次运行：创建本系统的顶层单位及其首批管理员（可选三员分立的三个管理员）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--unit", help="顶层单位全称，如“中共明远市委员会”")
        parser.add_argument("--short-name", help="简称（公文中使用），默认同全称")
        parser.add_argument(
            "--kind",
            choices=OrgKind.values,
            default=OrgKind.PARTY_COMMITTEE,
            help="组织类型（默认 party_committee 党委）",
        )
        parser.add_argument("--admin", help="单位管理员账号，写作“用户名:姓名”")
        parser.add_argument("--system-admin", help="系统管理员账号（三员分立，可选），“用户名:姓名”")
        parser.add_argument("--security-admin", help="安全管理员账号（三员分立，可选），“用户名:姓名”")
        parser.add_argument("--audit-admin", help="审计管理员账号（三员分立，可选），“用户名:姓名”")
        parser.add_argument(
            "--password-file", help=f"初始密码所在文件（第一行）；也可用环境变量 {PASSWORD_ENV}。首次登录须修改"
        )
        parser.add_argument("--noinput", "--no-input", action="store_true", help="不提问：缺少的选项即报错")

    def ask(self, options: dict[str, Any], key: str, prompt: str, required: bool = True) -> str:
        value = (options.get(key) or "").strip()
        if value or options["noinput"]:
            if required and not value:
                raise CommandError(f"缺少 --{key.replace('_', '-')}（{prompt}）")
            return value
        while True:
            value = input(f"{prompt}：").strip()
            if value or not required:
                return value
            self.stderr.write("此项必填")

    def password(self, options: dict[str, Any]) -> str:
        if options.get("password_file"):
            try:
                lines = Path(options["password_file"]).read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                raise CommandError(f"读不到密码文件 {options['password_file']}：{exc.strerror}") from exc
            return lines[0].strip() if lines else ""
        if os.environ.get(PASSWORD_ENV):
            return os.environ[PASSWORD_ENV]
        if options["noinput"] or not sys.stdin.isatty():
            raise CommandError(f"请用 --password-file 或环境变量 {PASSWORD_ENV} 给出初始密码")
        first = getpass.getpass("初始密码（各账号相同，首次登录须修改）：")
        if getpass.getpass("再输入一次：") != first:
            raise CommandError("两次输入的密码不一致")
        return first

    def handle(self, *args, **options) -> None:
        name = self.ask(options, "unit", "顶层单位全称")
        if Organization.objects.filter(name=name, parent__isnull=True).exists():
            raise CommandError(f"已有顶层单位“{name}”；如需再建一个，请换一个名称")
        short_name = (options.get("short_name") or "").strip()
        if not short_name and not options["noinput"]:
            short_name = input("简称（直接回车即与全称相同）：").strip()
        wanted: list[tuple[str, str, str, str]] = []
        for key, role, label in ACCOUNTS:
            value = self.ask(options, key, f"{label}账号（用户名:姓名）" + ("" if key == "admin" else "，可留空"),
                             required=key == "admin")  # fmt: skip
            if value:
                wanted.append((*split_account(value), role, label))
        usernames = [w[0].lower() for w in wanted]
        if len(set(usernames)) != len(usernames):
            raise CommandError("各管理员须是不同的账号（三员分立：一个账号不能兼任）")
        password = self.password(options)
        try:
            with transaction.atomic():
                unit = organization_create(
                    actor=None, parent=None, name=name, short_name=short_name or name, kind=options["kind"]
                )
                for username, display_name, role, _label in wanted:
                    account_create(
                        actor=None,
                        organization=unit,
                        username=username,
                        display_name=display_name,
                        password=password,
                        role=role,
                    )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"已创建顶层单位“{unit.name}”")
        for username, display_name, _role, label in wanted:
            self.stdout.write(f"  {label}：{display_name}（用户名 {username}），首次登录须修改密码")
        self.stdout.write("下一步：mingjing serve 启动服务，用上面的账号登录。")
