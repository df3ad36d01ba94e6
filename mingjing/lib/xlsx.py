"""Writing and reading simple one-table .xlsx files (header row + data rows), Django-free.

Written cells are safe to open in Excel/WPS: text starting with = + - @ (or a tab / carriage
return) gets a leading single quote, so it shows as text and never runs as a formula. Reading
drops that quote again, so export → edit → import gives back the original text.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import posixpath
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO, Any
from xml.parsers import expat

from lxml import etree
from openpyxl import Workbook, load_workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font
from openpyxl.styles.numbers import BUILTIN_FORMATS, is_date_format, is_timedelta_format
from openpyxl.utils import column_index_from_string, get_column_letter
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

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
    than `max_rows` data rows (None: no limit) is refused. The sheet is read row by row (_fast_rows;
    a file it does not know is read by openpyxl in read-only mode, which gives the same values).
    Raises XlsxError with a message for the user."""
    data = fileobj if isinstance(fileobj, bytes) else fileobj.read()
    _check_unpacked_size(data)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return _read_rows(_fast_rows(archive), required=required, max_rows=max_rows)
    except XlsxError:
        raise
    except Exception:  # not the plain layout _fast_rows knows: openpyxl reads it below
        pass
    try:
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for damaged or foreign files
        raise XlsxError("文件不是有效的 .xlsx 表格") from exc
    try:
        if not wb.worksheets:
            raise XlsxError("文件不是有效的 .xlsx 表格")
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # some programs write a wrong <dimension>; read every row there is
        numbered = enumerate(ws.iter_rows(values_only=True), start=1)
        return _read_rows(numbered, required=required, max_rows=max_rows)
    except XlsxError:
        raise
    except Exception as exc:
        raise XlsxError("文件不是有效的 .xlsx 表格") from exc
    finally:
        wb.close()


def _read_rows(
    rows: Iterator[tuple[int, Sequence[Any]]], *, required: Sequence[str], max_rows: int | None
) -> list[tuple[int, dict[str, str]]]:
    """(row number, cell values) from row 1 on → the data rows as read_sheet returns them."""
    first = next(rows, None)
    header_cells: Sequence[Any] = ()
    pending: list[tuple[int, Sequence[Any]]] = []
    if first is not None and first[0] == 1:
        header_cells = first[1]
    elif first is not None:
        pending.append(first)
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
    for number, values in itertools.chain(pending, rows):
        record = {h: cell_text(values[i]) if i < len(values) else "" for i, h in columns}
        if not any(record.values()):
            continue
        if max_rows is not None and len(result) >= max_rows:
            raise XlsxError(f"表格超过{max_rows}行，请拆分后分批上传")
        result.append((number, record))
    return result


# --- the fast reader: the first worksheet's cells straight from its XML --------------------------------
# openpyxl builds objects for every shared string and cell (tens of µs a cell); this reads the same
# values with expat callbacks, holding only the rows of one 64 KB chunk of XML at a time (and the
# shared strings). It knows the transitional SpreadsheetML that Excel, WPS, LibreOffice and openpyxl
# write; anything else (or any DTD) raises, and openpyxl reads the file.

_MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
# Element names as expat reports them with namespace_separator "}".
_ROW, _CELL, _VALUE, _TEXT, _INLINE, _PHONETIC, _SI = (
    f"{_MAIN_NS}}}{t}" for t in ("row", "c", "v", "t", "is", "rPh", "si")
)
_CHUNK = 64 * 1024


def _xml(archive: zipfile.ZipFile, name: str) -> Any:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    return etree.fromstring(archive.read(name), parser)


def _relations(archive: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(id, type's last word, target part) of a part's relationships."""
    folder, base = posixpath.split(part)
    root = _xml(archive, posixpath.join(folder, "_rels", f"{base}.rels"))
    found = []
    for rel in root.iter(f"{_PKG_REL}Relationship"):
        target = rel.get("Target", "")
        target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found.append((rel.get("Id", ""), rel.get("Type", "").rsplit("/", 1)[-1], target))
    return found


def _date_styles(archive: zipfile.ZipFile, part: str | None) -> tuple[set[int], set[int]]:
    """Indexes of the cell styles whose number format shows a date (and of those showing a duration)."""
    dates: set[int] = set()
    durations: set[int] = set()
    if part is None:
        return dates, durations
    root = _xml(archive, part)
    main = f"{{{_MAIN_NS}}}"
    custom = {int(f.get("numFmtId")): f.get("formatCode") for f in root.iterfind(f"{main}numFmts/{main}numFmt")}
    for index, xf in enumerate(root.iterfind(f"{main}cellXfs/{main}xf")):
        number_format = int(xf.get("numFmtId", 0))
        code = custom.get(number_format, BUILTIN_FORMATS.get(number_format))
        if code is not None and is_date_format(code):
            dates.add(index)
        if code is not None and is_timedelta_format(code):
            durations.add(index)
    return dates, durations


def _no_dtd(*args: Any) -> None:
    raise ValueError("a DTD in a spreadsheet part")


def _expat_events(stream: IO[bytes], handler: Any) -> Iterator[list]:
    """Feed the part to expat in chunks; after each chunk, the items `handler` finished (handler.done)."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.StartDoctypeDeclHandler = _no_dtd
    parser.EntityDeclHandler = _no_dtd
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    parser.CharacterDataHandler = handler.data
    while chunk := stream.read(_CHUNK):
        parser.Parse(chunk, False)
        yield handler.done
        handler.done = []
    parser.Parse(b"", True)
    yield handler.done


class _Strings:
    """Collects each <si>'s text: its <t>, or its runs' <t>, phonetic <rPh> left out (as openpyxl)."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self.parts: list[str] = []
        self.text: list[str] | None = None
        self.phonetic = 0

    def start(self, name: str, attrs: dict) -> None:
        if name == _TEXT and not self.phonetic:
            self.text = []
        elif name == _PHONETIC:
            self.phonetic += 1
        elif name == _SI:
            self.parts = []

    def end(self, name: str) -> None:
        if name == _TEXT and self.text is not None:
            self.parts.append("".join(self.text))
            self.text = None
        elif name == _PHONETIC:
            self.phonetic -= 1
        elif name == _SI:
            self.done.append("".join(self.parts).replace("x005F_", ""))

    def data(self, text: str) -> None:
        if self.text is not None:
            self.text.append(text)


class _Rows(_Strings):
    """Collects each <row> as (row number, values by column from A); cell values as openpyxl's
    data-only mode gives them."""

    def __init__(self, strings: list[str], dates: set[int], durations: set[int], epoch: dt.datetime) -> None:
        super().__init__()
        self.strings, self.dates, self.durations, self.epoch = strings, dates, durations, epoch
        self.number = 0
        self.values: list[Any] = []
        self.kind, self.style, self.value_text = "n", 0, None
        self.inline: list[str] | None = None

    def start(self, name: str, attrs: dict) -> None:
        if name == _CELL:
            reference = attrs.get("r")
            column = column_index_from_string(reference.rstrip("0123456789")) if reference else len(self.values) + 1
            if column <= len(self.values):
                raise ValueError("cells out of order")
            self.values.extend([None] * (column - 1 - len(self.values)))
            self.kind, self.style = attrs.get("t", "n"), int(attrs.get("s", 0))
            self.value_text, self.inline = None, None
        elif name == _VALUE:
            self.text = []
        elif name == _ROW:
            reference = attrs.get("r")
            self.number = int(reference) if reference else self.number + 1
            self.values = []
        elif name == _INLINE:
            self.inline = self.parts = []
        elif self.inline is not None:
            super().start(name, attrs)

    def end(self, name: str) -> None:
        if name == _VALUE:
            self.value_text = "".join(self.text or ())
            self.text = None
        elif name == _CELL:
            self.values.append(self._value())
        elif name == _ROW:
            self.done.append((self.number, self.values))
        elif self.inline is not None and name != _INLINE:
            super().end(name)

    def _value(self) -> Any:
        kind, text = self.kind, self.value_text or None
        if kind == "inlineStr":
            return None if self.inline is None else "".join(self.inline).replace("x005F_", "")
        if text is None:
            return None
        if kind == "n":
            number = float(text) if "." in text or "E" in text or "e" in text else int(text)
            if self.style in self.dates:
                try:
                    return from_excel(number, self.epoch, timedelta=self.style in self.durations)
                except (OverflowError, ValueError):
                    return "#VALUE!"
            return number
        if kind == "s":
            return self.strings[int(text)]
        if kind == "b":
            return bool(int(text))
        if kind == "d":
            return from_ISO8601(text)
        return text  # "str" (a formula's text), "e" (an error code)


def _fast_rows(archive: zipfile.ZipFile) -> Iterator[tuple[int, list[Any]]]:
    """(row number, cell values by column from A) of the first worksheet, as openpyxl's read-only,
    data-only mode gives them: text, int or float, bool, datetime (by the cell's number format),
    error codes as text, and None."""
    workbook = next(t for _, kind, t in _relations(archive, "") if kind == "officeDocument")
    root = _xml(archive, workbook)
    if root.tag != f"{{{_MAIN_NS}}}workbook":
        raise ValueError("not transitional SpreadsheetML")
    relations = {rid: (kind, target) for rid, kind, target in _relations(archive, workbook)}
    main = f"{{{_MAIN_NS}}}"
    sheets = [relations.get(s.get(f"{_DOC_REL}id")) for s in root.iterfind(f"{main}sheets/{main}sheet")]
    worksheets = [target for kind, target in filter(None, sheets) if kind == "worksheet"]
    if not worksheets:
        raise ValueError("no worksheet")
    properties = root.find(f"{main}workbookPr")
    date1904 = properties is not None and properties.get("date1904", "").lower() in ("1", "true")
    parts = {kind: target for kind, target in relations.values()}
    strings: list[str] = []
    if "sharedStrings" in parts:
        with archive.open(parts["sharedStrings"]) as stream:
            for done in _expat_events(stream, _Strings()):
                strings += done
    dates, durations = _date_styles(archive, parts.get("styles"))
    handler = _Rows(strings, dates, durations, CALENDAR_MAC_1904 if date1904 else CALENDAR_WINDOWS_1900)
    with archive.open(worksheets[0]) as stream:
        for done in _expat_events(stream, handler):
            yield from done


def cell_error(row: int, column: str, message: str) -> str:
    """How an import names a bad cell: "第3行「对象」：…"."""
    return f"第{row}行「{column}」：{message}"


def shown_errors(messages: Sequence[str], most: int = 50) -> list[str]:
    """The first `most` errors of a sheet, and a line saying how many more there are."""
    shown = list(messages[:most])
    if len(messages) > most:
        shown.append(f"……另有{len(messages) - most}处错误未列出")
    return shown
