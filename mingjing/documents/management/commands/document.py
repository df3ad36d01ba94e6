from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from mingjing.accounts.policy import policy_for
from mingjing.documents.fonts import font_warning
from mingjing.documents.pdf import PdfError
from mingjing.documents.registry import get_kind, kinds
from mingjing.documents.render import filename_for, render_document
from mingjing.documents.selectors import overrides_for
from mingjing.lib.management import MingjingCommand
from mingjing.meetings.models import RosterEntry


class Command(MingjingCommand):
    help = "生成文书（.docx，或 --pdf / .xlsx）：mingjing document 类型 --meeting 编号 [--member 姓名] [-o 文件]"

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", nargs="?", help="文书类型；不填则列出全部类型")
        parser.add_argument("--meeting", type=int, help="民主生活会编号（见 mingjing meetings）")
        parser.add_argument("--member", help="班子成员姓名（按成员生成的文书）")
        parser.add_argument("-o", "--output", help="输出文件或目录（默认当前目录下的“会议名称-文书名称”）")
        parser.add_argument("--pdf", action="store_true", help="输出 PDF（需要 LibreOffice）")
        parser.add_argument("--xlsx", action="store_true", help="输出 .xlsx（仅表格类文书）")

    def handle(self, *args, kind=None, meeting=None, member=None, output=None, pdf=False, xlsx=False, **options):
        if not kind:
            for k in kinds():
                scope = {True: "按成员", "optional": "班子或成员"}.get(k.needs_member, "班子")
                self.stdout.write(f"{k.kind.ljust(14)} {k.label}（{scope}；{'/'.join(k.formats)}）")
            return
        kind_obj = get_kind(kind)
        if kind_obj is None:
            raise CommandError(f"没有“{kind}”这种文书。可用的类型：{'、'.join(k.kind for k in kinds())}")
        if meeting is None:
            raise CommandError("请用 --meeting 指定民主生活会编号（见 mingjing meetings）")
        meeting_obj = self.get_meeting(meeting)
        entry = None
        if member:
            entry = RosterEntry.objects.filter(meeting=meeting_obj, name=member.strip()).first()
            if entry is None:
                names = "、".join(meeting_obj.roster.values_list("name", flat=True))
                raise CommandError(f"本次会议班子名单中没有“{member}”（名单：{names or '空'}）")
        if kind_obj.per_member and entry is None:
            raise CommandError(f"《{kind_obj.label}》按班子成员生成，请用 --member 指定姓名")
        if entry is not None and not kind_obj.needs_member:
            raise CommandError(f"《{kind_obj.label}》是班子的文书，不能用 --member")
        if pdf and xlsx:
            raise CommandError("--pdf 和 --xlsx 只能选一个")
        fmt = "pdf" if pdf else "xlsx" if xlsx else ("docx" if kind_obj.docx else "xlsx")
        if (fmt == "xlsx" and not kind_obj.xlsx) or (fmt != "xlsx" and not kind_obj.docx):
            raise CommandError(f"《{kind_obj.label}》没有 {fmt} 格式（可用：{'/'.join(kind_obj.formats)}）")
        # The console acts as the system (it takes no user): the policy reads everything for it, and
        # asking it here keeps the page and the CLI on one check.
        kind_obj.require_read(policy_for(user=None, meeting=meeting_obj), entry)
        overrides = overrides_for(meeting=meeting_obj, kind=kind_obj.kind, member=entry)
        try:
            content = render_document(kind=kind_obj, meeting=meeting_obj, member=entry, overrides=overrides, fmt=fmt)
        except PdfError as exc:
            raise CommandError(str(exc)) from exc
        name = filename_for(kind=kind_obj, meeting=meeting_obj, member=entry, fmt=fmt)
        path = Path(output) if output else Path(name)
        if path.is_dir():
            path = path / name
        elif path.suffix.lower() in {".docx", ".pdf", ".xlsx"} and path.suffix.lower() != f".{fmt}":
            # "-o 报告.docx --pdf" would put a PDF under a Word name: write 报告.pdf and say so.
            path = path.with_suffix(f".{fmt}")
        try:
            path.write_bytes(content)
        except OSError as exc:
            raise CommandError(f"无法写入 {path}：{exc.strerror}") from exc
        self.stdout.write(f"已生成：{path}（{len(content) // 1024 + 1} KB）")
        if fmt == "pdf" and (warning := font_warning()):
            self.stderr.write(f"注意：{warning}")
