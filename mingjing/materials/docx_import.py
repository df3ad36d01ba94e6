"""Checking an uploaded .docx and extracting its text in the material's text format.

Only real Word 2007+ documents are accepted: the name must end in .docx, the size must stay under
the limit, the bytes must be a zip holding word/document.xml (an .exe renamed .docx is refused),
and the unpacked size is bounded (no zip bombs). Errors are Chinese and name the file.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError

from mingjing.materials.text import LEVEL1, LEVEL2, normalize

DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
HEADING_STYLE = re.compile(r"^(Heading|标题)\s*(\d)?")


def max_upload_bytes() -> int:
    return int(getattr(settings, "MAX_IMPORT_BYTES", 5 * 1024 * 1024))


def human_size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, size // 1024)} KB"


@dataclass(frozen=True)
class CheckedDocx:
    name: str
    content: bytes
    size: int
    sha256: str
    text: str


def _paragraph_line(paragraph) -> str:
    text = "".join(run.text for run in paragraph.runs) or paragraph.text
    text = text.replace("\u3000", " ").strip()
    if not text:
        return ""
    style = paragraph.style.name if paragraph.style is not None else ""
    heading = HEADING_STYLE.match(style or "")
    if heading and not (LEVEL1.match(text) or LEVEL2.match(text)):
        level = 2 if heading.group(2) and int(heading.group(2)) >= 2 else 1
        return "#" * level + " " + text
    return text


def extract_text(document) -> str:
    """Paragraphs and table cells in document order; a heading style becomes a heading line."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines: list[str] = []
    for item in document.iter_inner_content():
        if isinstance(item, Paragraph):
            lines.append(_paragraph_line(item))
        elif isinstance(item, Table):
            seen: list = []  # kept alive, so lxml hands back the same proxy for the same cell
            for row in item.rows:
                for cell in row.cells:
                    if any(cell._tc is tc for tc in seen):  # a merged cell comes once per grid column
                        continue
                    seen.append(cell._tc)
                    lines.extend(_paragraph_line(p) for p in cell.paragraphs)
    return normalize("\n".join(line for line in lines if line))


def check_docx(*, name: str, content: bytes) -> CheckedDocx:
    field = "file"
    shown = name or "（未命名）"
    if not name.lower().endswith(".docx"):
        raise ValidationError(
            {field: f"文件“{shown}”不是Word文档：只接受 .docx 格式（旧版 .doc 请在Word中另存为 .docx）"}
        )
    limit = max_upload_bytes()
    if len(content) > limit:
        raise ValidationError({field: f"文件“{shown}”大小为{human_size(len(content))}，超过上限{human_size(limit)}"})
    if not content:
        raise ValidationError({field: f"文件“{shown}”是空文件"})
    bad = ValidationError({field: f"文件“{shown}”不是有效的Word文档（.docx），可能是改了扩展名的其他文件或已损坏"})
    if not content.startswith(b"PK\x03\x04"):
        raise bad
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
            if "word/document.xml" not in names or "[Content_Types].xml" not in names:
                raise bad
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise bad
    except zipfile.BadZipFile as exc:
        raise bad from exc
    try:
        import docx

        document = docx.Document(io.BytesIO(content))
        text = extract_text(document)
    except ValidationError:
        raise
    except Exception as exc:  # python-docx raises many kinds of errors on broken files
        raise bad from exc
    if not text.strip():
        raise ValidationError({field: f"文件“{shown}”中没有可提取的文字"})
    return CheckedDocx(
        name=name, content=content, size=len(content), sha256=hashlib.sha256(content).hexdigest(), text=text
    )
