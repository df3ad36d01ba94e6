"""Build the archive box (专盒归档) of a meeting: numbered documents (.docx, and .pdf where
LibreOffice is installed), xlsx ledgers, every evidence and uploaded file, the meeting bundle, a
catalogue, and a SHA-256 manifest of everything in the box (checkable with `sha256sum -c`)."""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass, field

from django.db import models

from mingjing.archive.bundle import ZIP_DATE, export_bundle, owned_models
from mingjing.documents.engine import OfficialDocument
from mingjing.documents.pdf import PdfError, pdf_available, to_pdf_many
from mingjing.documents.registry import kinds
from mingjing.documents.render import filename_for, render_document
from mingjing.documents.selectors import overrides_for
from mingjing.lib.dates import cn_date, today
from mingjing.meetings.models import Meeting
from mingjing.meetings.selectors import meeting_roster

MANIFEST = "MANIFEST.sha256"
CATALOGUE_KIND = "catalogue"  # the registry's own catalogue is replaced by the box's real one


@dataclass
class BoxEntry:
    path: str
    title: str
    content: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


@dataclass
class Box:
    meeting: Meeting
    entries: list[BoxEntry] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what could not be included, and why

    def add(self, path: str, title: str, content: bytes) -> None:
        self.entries.append(BoxEntry(path, title, content))


def _safe(name: str) -> str:
    return re.sub(r'[\\/:*?"<>|\r\n\t]+', "_", name)


def _documents(box: Box, *, with_pdf: bool) -> None:
    meeting = box.meeting
    pdf_jobs: list[tuple[str, str, bytes]] = []
    roster = list(meeting_roster(meeting=meeting))
    number = 0
    for kind in kinds():
        if kind.kind == CATALOGUE_KIND:
            continue
        members = roster if kind.per_member else [None, *roster] if kind.member_optional else [None]
        for member in members:
            number += 1
            prefix = f"{number:02d}"
            overrides = overrides_for(meeting=meeting, kind=kind.kind, member=member)
            title = kind.label + (f"（{member.name}）" if member else "")
            if kind.docx:
                docx = render_document(kind=kind, meeting=meeting, member=member, overrides=overrides)
                name = filename_for(kind=kind, meeting=meeting, member=member, fmt="docx")
                box.add(f"文书/{prefix}_{name}", title, docx)
                if with_pdf:
                    pdf_jobs.append((f"文书/{prefix}_{name[:-5]}.pdf", f"{title}（PDF）", docx))
            if kind.xlsx:
                xlsx = render_document(kind=kind, meeting=meeting, member=member, overrides=overrides, fmt="xlsx")
                name = filename_for(kind=kind, meeting=meeting, member=member, fmt="xlsx")
                box.add(f"文书/{prefix}_{name}", f"{title}（表格）", xlsx)
    if pdf_jobs:
        try:
            pdfs = to_pdf_many([docx for _, _, docx in pdf_jobs])
        except PdfError as exc:
            box.notes.append(f"文书未能转换为PDF：{exc}")
        else:
            for (path, title, _), pdf in zip(pdf_jobs, pdfs, strict=True):
                box.add(path, title, pdf)


def _files(box: Box) -> None:
    """Every file kept with the meeting's records: evidence, uploaded materials …"""
    for owned in owned_models():
        file_fields = [f for f in owned.model._meta.concrete_fields if isinstance(f, models.FileField)]
        if not file_fields:
            continue
        for obj in owned.model.objects.filter(**{owned.path: box.meeting}).order_by("pk"):
            for f in file_fields:
                value = getattr(obj, f.name)
                if not value:
                    continue
                with value.open("rb") as fh:
                    content = fh.read()
                base = value.name.rsplit("/", 1)[-1]
                folder = _safe(str(owned.model._meta.verbose_name))
                box.add(f"附件/{folder}/{obj.pk}_{_safe(base)}", f"{owned.model._meta.verbose_name}：{base}", content)


def _catalogue(box: Box) -> bytes:
    meeting = box.meeting
    doc = OfficialDocument(title=f"{meeting.title}\n归档目录", author=meeting.organization.short_name)
    doc.paragraph(
        f"本盒共{len(box.entries) + 1}个文件，归档日期{cn_date(today())}。每个文件的SHA-256校验值见{MANIFEST}。"
    )
    rows = [[str(i), e.title, e.path, f"{len(e.content):,}"] for i, e in enumerate(box.entries, start=1)]
    doc.table(["序号", "材料名称", "文件", "字节"], rows)
    for note in box.notes:
        doc.paragraph(note)
    return doc.to_bytes()


def build_box(*, meeting: Meeting, with_pdf: bool | None = None) -> tuple[bytes, int]:
    """The box as zip bytes and the number of files in it (the manifest not counted)."""
    box = Box(meeting)
    _documents(box, with_pdf=pdf_available() if with_pdf is None else with_pdf)
    _files(box)
    box.add("会议数据包.zip", "会议数据包（可导入明镜）", export_bundle(meeting=meeting))
    box.entries.insert(0, BoxEntry("00_归档目录.docx", "归档目录", _catalogue(box)))
    manifest = "".join(f"{e.sha256}  {e.path}\n" for e in box.entries)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for e in box.entries:
            zf.writestr(zipfile.ZipInfo(e.path, ZIP_DATE), e.content)
        zf.writestr(zipfile.ZipInfo(MANIFEST, ZIP_DATE), manifest.encode("utf-8"))
    return buffer.getvalue(), len(box.entries)
