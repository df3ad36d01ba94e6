"""Problems (查摆问题) from an .xlsx sheet: the template to download and the import.

One row a problem: 对象 (领导班子 or a member's name), 重点方面 (its number or title), 问题表现,
具体事例, 问题来源. Causes and measures are not on the sheet: they belong to an owner rather than to
a row, and a measure answers problems by their place in the material, so they are written on the
owner's page. Every row is read and checked first (by the same checks as one problem on the page,
including the policy's Ability.EDIT_FOR for the row's owner); one bad row imports nothing.
"""

from __future__ import annotations

from typing import IO, Any

from django.db import transaction

from mingjing.lib.forms import on_file_field, read_upload
from mingjing.lib.limits import text_limit
from mingjing.lib.xlsx import MAX_IMPORT_ROWS, cell_error, write_sheet
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.problems.models import Problem, Source
from mingjing.problems.services import PROBLEM_COLUMNS, ProblemRow, problems_create_many
from mingjing.yearconfigs.models import Aspect
from mingjing.yearconfigs.selectors import active_aspects

OWNER, ASPECT, DESCRIPTION, EXAMPLE, SOURCE = COLUMNS = tuple(PROBLEM_COLUMNS.values())
REQUIRED = (OWNER, ASPECT, DESCRIPTION)
SHEET_TITLE = "查摆问题"
MAX_ROWS = MAX_IMPORT_ROWS
TEAM_NAMES = ("领导班子", "班子")


def import_notes(meeting: Meeting) -> list[Any]:
    """The template's second sheet: what each column takes, with this meeting's names."""
    roster = RosterEntry.objects.filter(meeting=meeting).order_by("precedence", "id")
    aspects = active_aspects(meeting.config_id)
    return [
        ["列", "填写说明"],
        [OWNER, "必填：“领导班子”或班子成员姓名（" + "、".join(e.name for e in roster) + "）"],
        [ASPECT, "必填：重点方面的序号或标题：" + "；".join(f"{a.order}.{a.title}" for a in aspects)],
        [DESCRIPTION, f"必填，写明问题本身，最多{text_limit(Problem, 'description')}字"],
        [EXAMPLE, f"可空，以“比如，……”写出具体的人和事，最多{text_limit(Problem, 'example')}字"],
        [SOURCE, "可空（默认“自己查摆”）：" + "、".join(label for _, label in meeting.config.problem_source_choices())],
        ["导入规则", "每行一个问题；先逐行检查，全部无误才导入，有一处错误整张表都不导入。"],
        ["原因剖析和整改措施", "按对象在页面上填写（整改措施要对应问题，导入问题后再填写）。"],
    ]


def template_xlsx(meeting: Meeting) -> bytes:
    first = RosterEntry.objects.filter(meeting=meeting).order_by("precedence", "id").first()
    example = [["领导班子", "1", "（示例，导入前请删除）理论武装不够系统深入", "比如，……", "自己查摆"]]
    if first is not None:
        example.append([first.name, "2", "（示例，导入前请删除）调查研究不够深入", "", "征求意见"])
    return write_sheet(COLUMNS, example, title=SHEET_TITLE, notes=import_notes(meeting))


class _Cells:
    """This meeting's owners, aspects and sources by what a cell may say."""

    def __init__(self, meeting: Meeting) -> None:
        self.roster = {e.name: e for e in RosterEntry.objects.filter(meeting=meeting)}
        self.aspects: dict[str, Aspect] = {}
        for a in active_aspects(meeting.config_id):
            self.aspects[str(a.order)] = self.aspects[a.title.strip().rstrip("；;。")] = a
        self.sources = {label: value for value, label in meeting.config.problem_source_choices()}

    def owner(self, text: str) -> tuple[RosterEntry | None, str]:
        if text in TEAM_NAMES:
            return None, ""
        entry = self.roster.get(text.removesuffix("同志").strip())
        return entry, "" if entry else f"“{text}”不是本次会议班子名单中的成员，请填“领导班子”或成员姓名"

    def aspect(self, text: str) -> tuple[Aspect | None, str]:
        found = self.aspects.get(text.rstrip("；;。"))
        numbers = "、".join(k for k in self.aspects if k.isdigit())
        return found, "" if found else f"“{text}”不是本年度的重点方面，请填序号（{numbers}）或标题"


def read_rows(meeting: Meeting, fileobj: IO[bytes] | bytes) -> tuple[list[ProblemRow], list[str]]:
    """The sheet's rows as ProblemRows, and what could not be read ("第3行「对象」：…")."""
    empty = "表格中没有问题（第2行起填写，每行一个问题）"
    records = read_upload(fileobj, required=REQUIRED, max_rows=MAX_ROWS, empty=empty)
    cells = _Cells(meeting)
    rows, errors = [], []
    for number, record in records:
        bad = []
        owner_text = record.get(OWNER, "")
        member, message = cells.owner(owner_text) if owner_text else (None, "不能为空，请填“领导班子”或成员姓名")
        bad.append((OWNER, message))
        aspect_text = record.get(ASPECT, "")
        aspect, message = cells.aspect(aspect_text) if aspect_text else (None, "不能为空，请填重点方面的序号")
        bad.append((ASPECT, message))
        source_text = record.get(SOURCE, "")
        source = cells.sources.get(source_text, source_text) if source_text else Source.SELF
        bad = [(column, message) for column, message in bad if message]
        errors += [cell_error(number, column, message) for column, message in bad]
        if not bad:
            rows.append(
                ProblemRow(
                    number=number,
                    member=member,
                    aspect=aspect,
                    description=record.get(DESCRIPTION, ""),
                    example=record.get(EXAMPLE, ""),
                    source=source,
                )
            )
    return rows, errors


@transaction.atomic
def problems_import(*, actor: Any, meeting: Meeting, fileobj: IO[bytes] | bytes) -> int:
    """Import a sheet of problems, all or nothing; returns how many were imported."""
    rows, errors = read_rows(meeting, fileobj)
    return len(on_file_field(problems_create_many, actor=actor, meeting=meeting, rows=rows, errors=errors))
