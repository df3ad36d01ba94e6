from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from mingjing.archive.services import meeting_archive
from mingjing.lib.management import MingjingCommand


class Command(MingjingCommand):
    help = "专盒归档：生成归档包（文书、台账、附件、数据包、目录和校验清单），会议材料转为只读"

    def add_arguments(self, parser) -> None:
        self.add_meeting_arg(parser)
        parser.add_argument("-o", "--output", required=True, help="归档包输出文件，如 box.zip")
        parser.add_argument("--no-pdf", action="store_true", help="不生成 PDF（未安装 LibreOffice 时自动省略）")

    def handle(self, *args, meeting: int, output: str, no_pdf: bool, **options) -> None:
        target = self.get_meeting(meeting)
        try:
            box = meeting_archive(actor=None, meeting=target, with_pdf=False if no_pdf else None)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        with box.file.open("rb") as fh:
            Path(output).write_bytes(fh.read())
        self.stdout.write(f"已归档“{target.title}”：{box.entries}个文件，{box.size:,} 字节，SHA-256 {box.sha256}")
        self.stdout.write(f"归档包：{output}；会议材料已转为只读（撤销归档需单位管理员在网页操作）")
