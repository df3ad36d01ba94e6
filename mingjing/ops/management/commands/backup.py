"""`mingjing backup -o FILE`: a consistent copy of the database and the files, while the server runs."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from mingjing.lib.management import MingjingCommand
from mingjing.ops.backup import BackupError, backup


class Command(MingjingCommand):
    help = "备份：数据库与上传、生成的文件打成一个 .zip（附哈希清单），服务运行时也可执行"

    def add_arguments(self, parser) -> None:
        parser.add_argument("-o", "--output", required=True, help="备份文件，如 /backup/mingjing-20261201.zip")

    def handle(self, *args, **options) -> None:
        try:
            result = backup(Path(options["output"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"已备份到 {result.path}（数据库和 {result.files} 个文件，共 {result.size} 字节）")
