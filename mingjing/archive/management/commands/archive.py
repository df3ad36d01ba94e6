from __future__ import annotations

from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError

from mingjing.archive.services import meeting_archive
from mingjing.compliance.checklist import Checklist, archive_checklist
from mingjing.lib.management import MingjingCommand, table


class Command(MingjingCommand):
    help = (
        "专盒归档：先打印归档前核对清单（未完成步骤、不符合的检查项、各文书中的【待补充】），"
        "清单无未完成事项时生成归档包（文书、台账、附件、数据包、目录和校验清单），会议材料转为只读；"
        "有未完成事项时须加 --force 才归档，并记入历史记录；未召开的会议不能归档"
    )

    def add_arguments(self, parser) -> None:
        self.add_meeting_arg(parser)
        parser.add_argument("-o", "--output", help="归档包输出文件，如 box.zip（只核对不归档时可省略）")
        parser.add_argument("--no-pdf", action="store_true", help="不生成 PDF（未安装 LibreOffice 时自动省略）")
        parser.add_argument("--force", action="store_true", help="清单中尚有未完成事项时仍然归档（记入历史记录）")
        parser.add_argument("--check", action="store_true", help="只打印核对清单，不归档")

    def print_checklist(self, checklist: Checklist) -> None:
        self.stdout.write(f"归档前核对：{checklist.meeting.title}")
        self.stdout.write(f"未完成的步骤（{len(checklist.steps_open)}）：{'、'.join(checklist.steps_open) or '无'}")
        self.stdout.write(f"不符合的合规检查项（{len(checklist.rules_broken)}）：")
        if checklist.rules_broken:
            rows = [[r.name, r.threshold or "—", r.details] for r in checklist.rules_broken]
            self.stdout.write(table(["检查项", "要求", "情况"], rows))
        else:
            self.stdout.write("无")
        self.stdout.write(
            f"文书中的【待补充】（共{checklist.missing_total}处，核对了{checklist.documents_checked}份文书）："
        )
        if checklist.documents:
            self.stdout.write(table(["文书", "【待补充】"], [[d.title, f"{d.missing}处"] for d in checklist.documents]))
        else:
            self.stdout.write("无")

    def handle(self, *args, meeting: int, output: str | None, no_pdf: bool, force: bool, check: bool, **options):
        target = self.get_meeting(meeting)
        checklist = archive_checklist(meeting=target)
        self.print_checklist(checklist)
        if checklist.blocked:
            raise CommandError(checklist.blocked)
        if check:
            return
        if not output:
            raise CommandError("请用 -o 指定归档包输出文件，如 -o box.zip")
        if not checklist.clean and not force:
            count = len(checklist.open_points)
            raise CommandError(f"尚有{count}项未完成或不符合，未归档；核对后确需归档的，加 --force（将记入历史记录）")
        try:
            box = meeting_archive(actor=None, meeting=target, with_pdf=False if no_pdf else None, force=force)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from None
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from None
        with box.file.open("rb") as fh:
            Path(output).write_bytes(fh.read())
        if not checklist.clean:
            self.stdout.write(f"已按 --force 在{len(checklist.open_points)}项未完成的情况下归档，已记入历史记录")
        self.stdout.write(f"已归档“{target.title}”：{box.entries}个文件，{box.size:,} 字节，SHA-256 {box.sha256}")
        self.stdout.write(f"归档包：{output}；会议材料已转为只读（撤销归档需单位管理员在网页操作）")
