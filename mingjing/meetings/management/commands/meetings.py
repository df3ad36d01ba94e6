from __future__ import annotations

from django.db.models import Q

from mingjing.lib.dates import cn_date
from mingjing.lib.management import MingjingCommand, table
from mingjing.meetings.models import Meeting
from mingjing.meetings.selectors import meeting_current_step_label


class Command(MingjingCommand):
    help = "列出民主生活会（已取消的除外）：编号、单位、年度、名称、类型、计划召开日期、当前步骤"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--unit", help="只列出该单位（全称或简称包含此文字）")

    def handle(self, *args, unit: str | None = None, **options) -> None:
        meetings = (
            Meeting.objects.filter(cancelled_on__isnull=True)
            .select_related("organization", "config")
            .prefetch_related("step_completions")
        )
        if unit:
            meetings = meetings.filter(
                Q(organization__name__contains=unit) | Q(organization__short_name__contains=unit)
            )
        rows = [
            [
                str(m.pk),
                m.organization.short_name,
                str(m.config.year),
                m.title,
                m.get_kind_display() + ("（增开）" if m.extra_reason else ""),
                cn_date(m.planned_date),
                meeting_current_step_label(m),
            ]
            for m in meetings.order_by("id")
        ]
        if not rows:
            self.stdout.write("暂无民主生活会。")
            return
        self.stdout.write(table(["编号", "单位", "年度", "会议名称", "类型", "计划召开", "当前步骤"], rows))
