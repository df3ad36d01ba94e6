from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from mingjing.archive.bundle import BundleError, export_bundle
from mingjing.archive.services import bundle_import
from mingjing.lib.management import MingjingCommand


class Command(MingjingCommand):
    help = "会议数据包：export 导出一次民主生活会的全部数据，import 导入到本系统"

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        export = sub.add_parser("export", help="导出为 zip 数据包")
        self.add_meeting_arg(export)
        export.add_argument("-o", "--output", required=True, help="输出文件，如 meeting.zip")
        imp = sub.add_parser(
            "import", help="导入 zip 数据包（迁入本系统还没有的会议；只读副本再次导入时更新；不覆盖在用的会议）"
        )
        imp.add_argument("file", help="数据包文件")

    def handle(self, *args, action: str, **options) -> None:
        if action == "export":
            meeting = self.get_meeting(options["meeting"])
            content = export_bundle(meeting=meeting)
            Path(options["output"]).write_bytes(content)
            self.stdout.write(f"已导出“{meeting.title}”：{options['output']}（{len(content):,} 字节）")
            return
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            result = bundle_import(actor=None, content=path.read_bytes())
        except BundleError as exc:
            raise CommandError("数据包有误，未导入任何数据：\n" + "\n".join(exc.errors)) from None
        except (PermissionDenied, ValidationError) as exc:
            message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            raise CommandError(f"未导入：{message}") from None
        total = sum(result.counts.values())
        self.stdout.write(f"已导入（{result.mode}）“{result.meeting.title}”，编号 {result.meeting.pk}，共{total}条记录")
        for warning in result.warnings:
            self.stdout.write(f"提示：{warning}")
