"""`mingjing restore FILE`: put a backup back into an empty deployment."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from mingjing.lib.management import MingjingCommand
from mingjing.ops.backup import BackupError, restore


class Command(MingjingCommand):
    help = "恢复：把 mingjing backup 做的备份恢复到空的数据目录（先逐一核对哈希清单）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="备份文件（mingjing backup -o 生成的 .zip）")

    def handle(self, *args, **options) -> None:
        try:
            manifest = restore(Path(options["file"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        files = sum(1 for name in manifest["members"] if name.startswith("files/"))
        self.stdout.write(f"已恢复 {manifest['created'][:19]} 的备份：数据库和 {files} 个文件，哈希全部核对无误")
        self.stdout.write("建议接着运行 mingjing migrate（备份来自旧版本时补上新的迁移）和 mingjing audit verify")
