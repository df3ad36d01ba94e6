from __future__ import annotations

from django.core.management.base import CommandError

from mingjing.lib.management import MingjingCommand, table
from mingjing.materials.models import Material
from mingjing.materials.selectors import current_version_of
from mingjing.originality.index import Masks, build_report, rebuild


class Command(MingjingCommand):
    help = "查重：列出一次民主生活会各材料的复制比（--meeting），或重建查重索引（--rebuild）"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--meeting", type=int, help="民主生活会编号（见 mingjing meetings）")
        parser.add_argument("--rebuild", action="store_true", help="重建查重索引（导入数据后运行）")

    def handle(self, *args, **options) -> None:
        if not options["rebuild"] and not options["meeting"]:
            raise CommandError("请指定 --meeting 编号，或用 --rebuild 重建索引")
        if options["rebuild"]:
            versions, paragraphs = rebuild()
            self.stdout.write(f"查重索引已重建：{versions}个材料版本，{paragraphs}个段落")
        if options["meeting"]:
            meeting = self.get_meeting(options["meeting"])
            masks = Masks()
            rows = []
            for material in Material.objects.filter(meeting=meeting).select_related("owner"):
                version = current_version_of(material)
                if version is None:
                    continue
                report = build_report(version, masks=masks)
                top = report.highest
                source = (
                    (f"{top.relation}：{top.title}" + (f"（{top.year}年度，{top.unit}）" if top.year else ""))
                    if top
                    else ""
                )
                rows.append(
                    [
                        str(material),
                        f"第{version.number}版",
                        report.percent,
                        report.level_label,
                        source,
                    ]
                )
            self.stdout.write(f"{meeting.title}\n")
            self.stdout.write(table(["材料", "版本", "复制比", "判定", "最主要来源"], rows))
