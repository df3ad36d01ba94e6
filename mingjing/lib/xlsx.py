"""Writing and reading simple one-table .xlsx files (header row + data rows), Django-free.

Written cells are safe to open in Excel/WPS: text starting with = + - @ (or a tab / carriage
return) gets a leading single quote, so it shows as text and never runs as a formula. Reading
drops that quote again, so export → edit → import gives back the original text.
"""

from __future__ import annotations

import datetime as dt
import io
import unicodedata
import zipfile
from collections.abc import Iterable, Sequence
from typing import IO, Any

from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

NOTES_TITLE = "填写说明"
# Leading characters that make a spreadsheet treat text as a formula (OWASP CSV injection list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
MIN_WIDTH, MAX_WIDTH, MAX_NOTES_WIDTH = 8, 50, 80
# A small .xlsx can unpack to gigabytes of XML; refuse that before parsing.
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
# Rows a filled-in template may have (opinions, problems, talks, criticisms). Sheets that 明镜
# exports for editing and importing back (the roster, the ledger) take max_rows=None: an export
# imports back whatever its size, bounded only by the upload's bytes.
MAX_IMPORT_ROWS = 20_000

Row = Sequence[Any]


class XlsxError(Exception):
    """The file cannot be read as the expected table; `message` is shown to the user as is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def neutralise(value: Any) -> Any:
    """The value as it is safe to put in a cell: text that could start a formula gets a leading '."""
    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
        if value.startswith(FORMULA_TRIGGERS):
            return "'" + value
    return value


def _display_width(value: Any) -> int:
    """Rough column width in Excel units: CJK and other wide characters count double."""
    if value is None:
        return 0
    longest = max(str(value).splitlines() or [""], key=len)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in longest)


def _fill(ws: Any, rows: Iterable[Row | str], *, max_width: int, wrap: bool) -> None:
    """Append the rows, bold the first, and size the columns to their content.

    A one-cell row (a plain line of notes) spills over the empty cells beside it, so it neither
    widens nor wraps its column unless every row is a plain line."""
    widths: dict[int, int] = {}
    line_width = 0
    for index, row in enumerate(rows, start=1):
        cells = [row] if isinstance(row, str) else list(row)
        ws.append([neutralise(v) for v in cells])
        if len(cells) == 1:
            line_width = max(line_width, _display_width(cells[0]))
            continue
        for col, value in enumerate(cells, start=1):
            widths[col] = max(widths.get(col, 0), _display_width(value))
            if wrap:
                ws.cell(row=index, column=col).alignment = Alignment(wrap_text=True, vertical="top")
    for cell in ws[1]:
        cell.font = Font(bold=True)
    if not widths:
        widths[1] = line_width
    for col, width in widths.items():
        ws.column_dimensions[get_column_letter(col)].width = min(max(width + 2, MIN_WIDTH), max_width)


def write_sheet(
    headers: Sequence[str],
    rows: Iterable[Row],
    *,
    title: str,
    notes: Iterable[Row | str] | None = None,
) -> bytes:
    """One sheet `title` with a bold, frozen header row; `notes` (rows of cells, or plain lines;
    the first one bold) go on a second sheet "填写说明". Returns the .xlsx file's bytes."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    _fill(ws, [list(headers), *rows], max_width=MAX_WIDTH, wrap=False)
    ws.freeze_panes = "A2"
    if notes is not None:
        _fill(wb.create_sheet(NOTES_TITLE), notes, max_width=MAX_NOTES_WIDTH, wrap=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def cell_text(value: Any) -> str:
    """A read cell as stripped text: "" for empty, "3" (not "3.0") for whole numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    text = str(value).strip()
    if text.startswith("'") and text[1:2] in FORMULA_TRIGGERS:
        text = text[1:]  # undo neutralise()
    return text


def _check_unpacked_size(data: bytes) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise XlsxError("文件不是有效的 .xlsx 表格") from exc
    if unpacked > MAX_UNPACKED_BYTES:
        raise XlsxError("表格内容过大，请拆分后分批上传")


def read_sheet(
    fileobj: IO[bytes] | bytes,
    *,
    required: Sequence[str] = (),
    max_rows: int | None = MAX_IMPORT_ROWS,
) -> list[tuple[int, dict[str, str]]]:
    """The first sheet's data rows as (row number in the sheet, {header: text}).

    Row 1 is the header; blank rows are skipped; every header in `required` must be present; more
    than `max_rows` data rows (None: no limit) is refused. The workbook is read in openpyxl's
    read-only mode, row by row. Raises XlsxError with a message for the user."""
    data = fileobj if isinstance(fileobj, bytes) else fileobj.read()
    _check_unpacked_size(data)
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged or foreign files
        raise XlsxError("文件不是有效的 .xlsx 表格") from exc
    try:
        return _read_rows(wb, required=required, max_rows=max_rows)
    except XlsxError:
        raise
    except Exception as exc:
        raise XlsxError("文件不是有效的 .xlsx 表格") from exc
    finally:
        wb.close()


def _read_rows(wb: Any, *, required: Sequence[str], max_rows: int | None) -> list[tuple[int, dict[str, str]]]:
    if not wb.worksheets:
        raise XlsxError("文件不是有效的 .xlsx 表格")
    ws = wb.worksheets[0]
    ws.reset_dimensions()  # some programs write a wrong <dimension>; read every row there is
    rows = ws.iter_rows(values_only=True)
    header_cells = next(rows, None) or ()
    headers = [cell_text(v) for v in header_cells]
    seen: set[str] = set()
    for header in headers:
        if header and header in seen:
            raise XlsxError(f"表头「{header}」出现了不止一次")
        seen.add(header)
    missing = [h for h in required if h not in seen]
    if missing:
        names = "、".join(f"「{h}」" for h in missing)
        raise XlsxError(f"第1行表头缺少{names}列，请使用下载的模板填写")
    columns = [(i, h) for i, h in enumerate(headers) if h]
    result: list[tuple[int, dict[str, str]]] = []
    for number, values in enumerate(rows, start=2):
        record = {h: cell_text(values[i]) if i < len(values) else "" for i, h in columns}
        if not any(record.values()):
            continue
        if max_rows is not None and len(result) >= max_rows:
            raise XlsxError(f"表格超过{max_rows}行，请拆分后分批上传")
        result.append((number, record))
    return result


def cell_error(row: int, column: str, message: str) -> str:
    """How an import names a bad cell: "第3行「对象」：…"."""
    return f"第{row}行「{column}」：{message}"


def shown_errors(messages: Sequence[str], most: int = 50) -> list[str]:
    """The first `most` errors of a sheet, and a line saying how many more there are."""
    shown = list(messages[:most])
    if len(messages) > most:
        shown.append(f"……另有{len(messages) - most}处错误未列出")
    return shown
