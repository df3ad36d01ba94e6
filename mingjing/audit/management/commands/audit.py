"""`mingjing audit verify`: walk the audit log's hash chain and report the first broken link."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db import connection

from mingjing.audit import triggers
from mingjing.audit.chain import verify
from mingjing.lib.management import MingjingCommand


class Command(MingjingCommand):
    help = "审计记录：verify 校验哈希链，报告第一个断点"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, title="操作")
        sub.add_parser("verify", help="校验审计记录的哈希链是否完整")

    def handle(self, *args, **options) -> None:
        result = verify()
        if not triggers.installed(connection):
            self.stderr.write("警告：数据库中没有审计表的防篡改触发器（运行 mingjing migrate 可重建）")
        if not result.ok:
            raise CommandError(result.message)
        self.stdout.write(result.message)
        if result.head:
            self.stdout.write(f"最后一条记录的哈希：{result.head}（可抄录留存，日后核对）")
