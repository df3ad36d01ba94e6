"""Shared pieces for management commands (the `mingjing` CLI)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from mingjing.meetings.models import Meeting


class MingjingCommand(BaseCommand):
    """Base for 明镜's commands: Chinese errors through CommandError, helpers to find records."""

    def add_meeting_arg(self, parser) -> None:
        parser.add_argument("--meeting", type=int, required=True, help="民主生活会编号（见 mingjing meetings）")

    def get_meeting(self, meeting_id: int) -> Meeting:
        try:
            return Meeting.objects.select_related("organization", "config").get(pk=meeting_id)
        except Meeting.DoesNotExist as exc:
            raise CommandError(f"没有编号为 {meeting_id} 的民主生活会（用 mingjing meetings 查看）") from exc


def table(headers: list[str], rows: list[list[str]]) -> str:
    """A plain text table; CJK characters count as two columns so columns line up in a terminal."""
    import unicodedata

    def width(text: str) -> int:
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    widths = [max([width(h)] + [width(r[i]) for r in rows]) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return "  ".join(c + " " * (w - width(c)) for c, w in zip(cells, widths, strict=True)).rstrip()

    return "\n".join([line(headers), line(["-" * w for w in widths]), *(line(r) for r in rows)])
