"""Build the archive box (专盒归档) of a meeting: numbered documents (.docx, and .pdf where
LibreOffice is installed), xlsx ledgers, every evidence and uploaded file under its original name,
the meeting bundle, a catalogue (卷内目录) and a SHA-256 manifest of everything in the box
(checkable with `sha256sum -c`).

The box is made of items (件), each one line of the catalogue: a document in its formats (.docx,
its .pdf, its .xlsx), one evidence or uploaded file, the bundle. Every file of an item carries the
item's number (件号) in its name, so a line of the catalogue finds its files. Each zip entry is
dated when its content was made: a document when the box is built, a file when it was uploaded.

The work does not grow with the records per query: documents read what they need, the files are
fetched with one query per kind (with what they belong to), the bundle with a fixed number of
queries per model (bundle.py).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field

from django.db import models
from django.utils import timezone
from docx.shared import Mm

from mingjing.archive.bundle import export_bundle, owned_models, row_time, zip_info
from mingjing.documents.engine import CELL_MARGIN, TWIP, OfficialDocument, display_width
from mingjing.documents.models import ParagraphOverride
from mingjing.documents.pdf import PdfError, pdf_available, to_pdf_many
from mingjing.documents.registry import kinds
from mingjing.documents.render import render_document
from mingjing.lib.dates import cn_date
from mingjing.lib.memo import memoized
from mingjing.meetings.models import Meeting
from mingjing.meetings.selectors import meeting_roster

MANIFEST = "MANIFEST.sha256"
CATALOGUE = "00_归档目录.docx"
BUNDLE = "会议数据包.zip"
CATALOGUE_KIND = "catalogue"  # the registry's own catalogue is replaced by the box's real one
# Formats that are compressed already: stored as they are (deflating them again costs time, saves nothing).
STORED = {"docx", "xlsx", "pptx", "zip", "pdf", "jpg", "jpeg", "png", "gif", "mp3", "mp4", "rar", "7z", "gz"}


@dataclass
class BoxEntry:
    """One file in the zip."""

    path: str
    title: str
    content: bytes
    when: dt.datetime | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class BoxItem:
    """One item (件) of the box, one line of its catalogue: a document in its formats, a file."""

    folder: str  # "文书", "附件/佐证材料" …; "" for the bundle at the top of the box
    title: str  # 题名: the document's name, a file's original name
    belongs_to: str  # what it is of: the member, the rectification item a piece of evidence proves …
    when: dt.datetime
    files: list[tuple[str, bytes]] = field(default_factory=list)  # (name without the 件号, content)
    numbered: bool = True

    @property
    def pages(self) -> int | None:
        """Pages where they are known: a PDF's own count (a document's .docx has its PDF's)."""
        for name, content in self.files:
            if name.lower().endswith(".pdf") and (pages := pdf_pages(content)) is not None:
                return pages
        return None

    @property
    def formats(self) -> str:
        return "、".join(dict.fromkeys(name.rsplit(".", 1)[-1].lower() for name, _ in self.files if "." in name))


@dataclass
class Box:
    meeting: Meeting
    items: list[BoxItem] = field(default_factory=list)
    entries: list[BoxEntry] = field(default_factory=list)  # the files, numbered (number_items)
    notes: list[str] = field(default_factory=list)  # what could not be included, and why
    built: dt.datetime = field(default_factory=timezone.now)

    def number_items(self) -> None:
        """Give every file its path: folder, 件号 and name (“文书/03_民主生活会情况报告.docx”)."""
        width = max(2, len(str(len(self.items))))
        self.entries = []
        for number, item in enumerate(self.items, start=1):
            for name, content in item.files:
                path = f"{number:0{width}d}_{name}" if item.numbered else name
                path = f"{item.folder}/{path}" if item.folder else path
                self.entries.append(BoxEntry(path, item.title, content, item.when))


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\r\n\t]+', "_", name).strip() or "_"


def _documents(box: Box, *, with_pdf: bool) -> None:
    meeting = box.meeting
    pdf_jobs: list[tuple[BoxItem, str, bytes]] = []
    roster = meeting_roster(meeting=meeting)
    overrides: dict[tuple[str, int | None], dict[str, str]] = {}
    for kind_code, member_id, key, text in ParagraphOverride.objects.filter(meeting=meeting).values_list(
        "kind", "member_id", "key", "text"
    ):
        overrides.setdefault((kind_code, member_id), {})[key] = text
    for kind in kinds():
        if kind.kind == CATALOGUE_KIND:
            continue
        members = roster if kind.per_member else [None, *roster] if kind.member_optional else [None]
        for member in members:
            edited = overrides.get((kind.kind, member.pk if member else None), {})
            title = kind.label + (f"（{member.name}）" if member else "")
            item = BoxItem("文书", title, member.name if member else "领导班子", box.built)
            stem = _safe(title)
            if kind.docx:
                docx = render_document(kind=kind, meeting=meeting, member=member, overrides=edited)
                item.files.append((f"{stem}.docx", docx))
                if with_pdf:
                    pdf_jobs.append((item, f"{stem}.pdf", docx))
            if kind.xlsx:
                xlsx = render_document(kind=kind, meeting=meeting, member=member, overrides=edited, fmt="xlsx")
                item.files.append((f"{stem}.xlsx", xlsx))
            if item.files:
                box.items.append(item)
    if pdf_jobs:
        try:
            pdfs = to_pdf_many([docx for _, _, docx in pdf_jobs])
        except PdfError as exc:
            box.notes.append(f"文书未能转换为PDF：{exc}")
        else:
            for (item, name, _), pdf in zip(pdf_jobs, pdfs, strict=True):
                docx_at = next(i for i, (n, _) in enumerate(item.files) if n.endswith(".docx"))
                item.files.insert(docx_at + 1, (name, pdf))


def _parent(owned_path: str) -> str | None:
    """The record a file row hangs on: “item” for an evidence file (item__meeting), none for a row
    of the meeting itself."""
    return owned_path.split("__", 1)[0] if "__" in owned_path else None


def _files(box: Box) -> None:
    """Every file kept with the meeting's records (evidence, uploaded materials …), under its
    original name, with the record it belongs to: one query per kind of record."""
    for owned in owned_models():
        model = owned.model
        file_fields = [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
        if not file_fields:
            continue
        parent = _parent(owned.path)
        rows = model.objects.filter(**{owned.path: box.meeting})
        if parent:
            parent_model = model._meta.get_field(parent).related_model
            deeper = [
                f"{parent}__{f.name}"
                for f in parent_model._meta.concrete_fields
                if f.is_relation and (f.many_to_one or f.one_to_one) and f.related_model is not Meeting
            ]
            rows = rows.select_related(parent, *deeper).order_by(parent, "pk")
        else:
            rows = rows.order_by("pk")
        folder = f"附件/{_safe(str(model._meta.verbose_name))}"
        names = {f.name for f in model._meta.concrete_fields}
        for obj in rows:
            for f in file_fields:
                value = getattr(obj, f.name)
                if not value:
                    continue
                with value.open("rb") as fh:
                    content = fh.read()
                stored = value.name.rsplit("/", 1)[-1]
                original = str(getattr(obj, "original_name", "") or "") if "original_name" in names else ""
                name = _safe(original or stored)
                if "." not in name and "." in stored:
                    name += "." + stored.rsplit(".", 1)[-1]
                belongs = str(getattr(obj, parent)) if parent else ""
                when = row_time(obj) or box.built
                box.items.append(BoxItem(folder, original or stored, belongs, when, [(name, content)]))


# --- the catalogue ----------------------------------------------------------------------------------
CATALOGUE_PT = 10.5  # 五号
# 件号, 题名, 所属, 日期 (8 digits as archives write it), 页数, 格式: 225 mm, a landscape A4's type area.
COLUMNS = (("件号", 13), ("题名", 80), ("所属", 60), ("日期", 24), ("页数", 13), ("格式", 35))


def cells(width_mm: float, size_pt: float = CATALOGUE_PT) -> float:
    """How many CJK characters fit on one line of a column `width_mm` wide, measured as the
    document engine sizes its table columns (engine.fit_widths)."""
    return (Mm(width_mm) / TWIP - 2 * CELL_MARGIN - 20) / (size_pt * 20 * 1.04)


def fit(text: str, room: float) -> str:
    """`text` shortened to one line of `room` character cells: the middle gives way to “…”, the
    end (a file's extension, a member's name in brackets) stays."""
    text = " ".join(text.split())
    if display_width(text) <= room:
        return text
    tail = ""
    if m := re.search(r"(\.[A-Za-z0-9]{1,8}|（[^（）]{1,10}）)$", text):
        tail = m.group(1)
    head = text[: len(text) - len(tail)]
    budget = room - display_width(tail) - 1  # the “…”
    while head and display_width(head) > budget:
        head = head[:-1]
    return f"{head}…{tail}"


def _catalogue(box: Box) -> bytes:
    meeting = box.meeting
    doc = OfficialDocument(title=f"{meeting.title}\n归档目录", author=meeting.organization.short_name, landscape=True)
    files = len(box.entries) + 1  # the catalogue too
    doc.paragraph(
        f"本盒共{len(box.items)}件、{files}个文件，归档日期{cn_date(timezone.localdate(box.built))}。"
        f"文件名以件号开头（如“文书/01_…”），每个文件的SHA-256校验值见{MANIFEST}。"
    )
    rooms = [cells(width) - 0.5 for _, width in COLUMNS]
    rows = []
    for number, item in enumerate(box.items, start=1):
        pages = item.pages
        values = [
            str(number),
            item.title,
            item.belongs_to,
            timezone.localtime(item.when).strftime("%Y%m%d"),
            str(pages) if pages is not None else "",
            item.formats,
        ]
        rows.append([fit(v, room) if v else "" for v, room in zip(values, rooms, strict=True)])
    doc.table(
        [name for name, _ in COLUMNS],
        rows,
        widths=[width for _, width in COLUMNS],
        size=CATALOGUE_PT,
        align=["c", "l", "l", "c", "c", "c"],
    )
    for note in box.notes:
        doc.paragraph(note)
    return doc.to_bytes()


# --- PDF pages --------------------------------------------------------------------------------------
_PAGES = re.compile(rb"/Type\s*/Pages\b")
_COUNT = re.compile(rb"/Count\s+(\d+)")
_STREAM = re.compile(rb"stream\r?\n(.*?)endstream", re.S)


def _dict_around(data: bytes, at: int) -> bytes:
    """The PDF dictionary (<< … >>) that holds position `at`."""
    depth, i = 0, at
    while i > 0:
        i = max(data.rfind(b"<<", 0, i), data.rfind(b">>", 0, i))
        if i < 0:
            return b""
        if data.startswith(b">>", i):
            depth += 1
        elif depth == 0:
            break
        else:
            depth -= 1
    start, depth, j = i, 0, at
    while j < len(data):
        opening, closing = data.find(b"<<", j), data.find(b">>", j)
        if closing < 0:
            return data[start:]
        if 0 <= opening < closing:
            depth, j = depth + 1, opening + 2
        elif depth == 0:
            return data[start : closing + 2]
        else:
            depth, j = depth - 1, closing + 2
    return data[start:]


def _page_counts(data: bytes) -> list[int]:
    counts = []
    for m in _PAGES.finditer(data):
        if found := _COUNT.search(_dict_around(data, m.start())):
            counts.append(int(found.group(1)))
    return counts


def pdf_pages(content: bytes) -> int | None:
    """The number of pages of a PDF: the /Count of its page tree (the root's is the largest),
    looked for in the file and, for PDFs that pack their objects into streams, in those streams.
    None when it cannot be read (not a PDF, encrypted, damaged)."""
    if not content.startswith(b"%PDF"):
        return None
    counts = _page_counts(content)
    if not counts:
        for m in _STREAM.finditer(content):
            if b"/ObjStm" not in content[max(0, m.start() - 400) : m.start()]:
                continue
            try:
                counts += _page_counts(zlib.decompress(m.group(1)))
            except zlib.error:
                continue
    return max(counts) if counts else None


# --- the box ----------------------------------------------------------------------------------------
def _zip_entry(path: str, when: dt.datetime | None) -> zipfile.ZipInfo:
    info = zip_info(path, when)
    if path.rsplit(".", 1)[-1].lower() in STORED:
        info.compress_type = zipfile.ZIP_STORED
    return info


def build_box(*, meeting: Meeting, with_pdf: bool | None = None) -> tuple[bytes, int]:
    """The box as zip bytes and the number of files in it (the manifest not counted)."""
    box = Box(meeting)
    with memoized():  # the documents of one meeting read its ledger and talks once, not per member
        _documents(box, with_pdf=pdf_available() if with_pdf is None else with_pdf)
    _files(box)
    bundle = BoxItem("", "会议数据包（可导入明镜）", "", box.built, [(BUNDLE, export_bundle(meeting=meeting))])
    bundle.numbered = False
    box.items.append(bundle)
    box.number_items()
    box.entries.insert(0, BoxEntry(CATALOGUE, "归档目录", _catalogue(box), box.built))
    manifest = "".join(f"{e.sha256}  {e.path}\n" for e in box.entries)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for e in box.entries:
            zf.writestr(_zip_entry(e.path, e.when), e.content)
        zf.writestr(_zip_entry(MANIFEST, box.built), manifest.encode("utf-8"))
    return buffer.getvalue(), len(box.entries)
