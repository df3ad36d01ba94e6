"""Build a registered document in one format: shared by the download view and the CLI."""

from __future__ import annotations

import re

from mingjing.documents.engine import OfficialDocument
from mingjing.documents.pdf import to_pdf
from mingjing.documents.registry import DocumentKind
from mingjing.meetings.models import Meeting, RosterEntry

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def render_document(
    *, kind: DocumentKind, meeting: Meeting, member: RosterEntry | None, overrides: dict[str, str], fmt: str = "docx"
) -> bytes:
    """The document's bytes as .docx, .pdf (through LibreOffice; PdfError when it cannot) or .xlsx."""
    if fmt == "xlsx":
        content = kind.build_xlsx(meeting, member, overrides)
        if not isinstance(content, bytes):
            raise TypeError(f"xlsx builder of {kind.kind!r} must return bytes")
        return content
    doc = kind.build_docx(meeting, member, overrides)
    if not isinstance(doc, OfficialDocument):
        raise TypeError(f"builder of {kind.kind!r} must return an OfficialDocument")
    data = doc.to_bytes()
    return to_pdf(data) if fmt == "pdf" else data


def filename_for(*, kind: DocumentKind, meeting: Meeting, member: RosterEntry | None, fmt: str) -> str:
    """“市农业农村局党组领导班子2025年度民主生活会-谈心谈话记录（李华）.docx”, safe on every OS."""
    name = f"{meeting.title}-{kind.label}" + (f"（{member.name}）" if member else "")
    return re.sub(r'[\\/:*?"<>|\r\n\t]+', "_", name) + f".{fmt}"
