"""The meeting's criticisms (相互批评) from an .xlsx sheet: the template to download and the import.

One row a criticism: 提出人, 被批评人 (names on the frozen roster), 条数 (1 when empty), 批评意见.
Every row is read and checked first (as criticisms_add_many checks the page's rows; the service asks
the policy for Ability.EDIT); one bad row imports nothing.
"""

from __future__ import annotations

from typing import IO, Any

from django.db import transaction

from mingjing.lib.forms import on_file_field, read_upload
from mingjing.lib.limits import text_limit
from mingjing.lib.xlsx import MAX_IMPORT_ROWS, cell_error, write_sheet
from mingjing.meetings.models import RosterEntry
from mingjing.minutes.models import Criticism, MeetingRecord
from mingjing.minutes.services import CRITICISM_COLUMNS, CriticismRow, criticisms_add_many

FROM, TO, POINTS, TEXT = COLUMNS = tuple(CRITICISM_COLUMNS.values())
SHEET_TITLE = "批评意见"
MAX_ROWS = MAX_IMPORT_ROWS
MAX_POINTS = 50


def _roster(record: MeetingRecord) -> list[RosterEntry]:
    return list(RosterEntry.objects.filter(meeting_id=record.meeting_id).order_by("precedence", "id"))


def template_xlsx(record: MeetingRecord) -> bytes:
    roster = _roster(record)
    names = "、".join(e.name for e in roster)
    notes = [
        ["列", "填写说明"],
        [FROM, f"必填：提出批评意见的班子成员姓名（{names}）"],
        [TO, "必填：被批评的班子成员姓名，不能是提出人本人（自我批评记在本人的对照检查发言中）"],
        [POINTS, f"可空（默认1）：这段批评意见有几条，1到{MAX_POINTS}的整数"],
        [TEXT, f"必填，点具体问题，最多{text_limit(Criticism, 'text')}字"],
        ["导入规则", "每行一位同志对另一位同志的批评意见；先逐行检查，全部无误才导入，有一处错误整张表都不导入。"],
    ]
    example = []
    if len(roster) >= 2:
        example.append([roster[1].name, roster[0].name, "2", "（示例，导入前请删除）调研多在机关听汇报，比如……"])
    return write_sheet(COLUMNS, example, title=SHEET_TITLE, notes=notes)


def read_rows(record: MeetingRecord, fileobj: IO[bytes] | bytes) -> tuple[list[CriticismRow], list[str]]:
    """The sheet's rows as CriticismRows, and what could not be read ("第3行「条数」：…")."""
    empty = "表格中没有批评意见（第2行起填写，每行一条）"
    records = read_upload(fileobj, required=(FROM, TO, TEXT), max_rows=MAX_ROWS, empty=empty)
    roster = {e.name: e for e in _roster(record)}
    rows, errors = [], []
    for number, cells in records:
        bad = []
        entries = {}
        for column in (FROM, TO):
            name = cells.get(column, "").removesuffix("同志").strip()
            entries[column] = roster.get(name)
            if name and entries[column] is None:
                bad.append((column, f"“{cells[column]}”不是本次会议班子名单中的成员"))
        points_text = cells.get(POINTS, "") or "1"
        points = int(points_text) if points_text.isascii() and points_text.isdigit() else 0
        if not 1 <= points <= MAX_POINTS:
            bad.append((POINTS, f"应为1到{MAX_POINTS}的整数，现为“{points_text}”"))
        errors += [cell_error(number, column, message) for column, message in bad]
        if not bad:
            rows.append(CriticismRow(number, entries[FROM], entries[TO], points, cells.get(TEXT, "")))
    return rows, errors


@transaction.atomic
def criticisms_import(*, actor: Any, record: MeetingRecord, fileobj: IO[bytes] | bytes) -> int:
    """Import a sheet of criticisms into the record, all or nothing; returns how many were imported."""
    rows, errors = read_rows(record, fileobj)
    return len(on_file_field(criticisms_add_many, actor=actor, record=record, rows=rows, errors=errors))
