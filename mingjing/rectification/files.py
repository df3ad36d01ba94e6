"""Evidence files: checked (size, extension, content matching the extension), hashed and stored
content-addressed under MEDIA_ROOT (the data dir), so the same file uploaded twice is kept once.

The content type is fixed by the checked extension, never taken from the browser, and downloads are
always attachments (mingjing.lib.http.attachment), so nothing uploaded is ever rendered as HTML.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from mingjing.lib.http import XLSX

DEFAULT_MAX_EVIDENCE_BYTES = 20 * 1024 * 1024
MAX_FILES_PER_UPLOAD = 10
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": XLSX,
}
ALLOWED_LABEL = "、".join(sorted({e for e in CONTENT_TYPES if e != "jpeg"}))


def max_evidence_bytes() -> int:
    """settings.MAX_EVIDENCE_BYTES (MINGJING_MAX_EVIDENCE_BYTES), 20 MB unless configured."""
    return getattr(settings, "MAX_EVIDENCE_BYTES", DEFAULT_MAX_EVIDENCE_BYTES)


def size_label(size: int) -> str:
    return f"{size / 1024 / 1024:g} MB" if size >= 1024 * 1024 else f"{size // 1024} KB"


@dataclass(frozen=True)
class CheckedFile:
    name: str  # original name, cleaned
    extension: str
    content: bytes
    sha256: str
    content_type: str

    @property
    def size(self) -> int:
        return len(self.content)


def clean_name(name: str) -> str:
    name = os.path.basename(name.replace("\\", "/"))
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    return name[-150:] or "未命名文件"


def _ooxml_part(content: bytes) -> str:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return ""
    if "[Content_Types].xml" not in names:
        return ""
    if any(n.startswith("word/") for n in names):
        return "docx"
    if any(n.startswith("xl/") for n in names):
        return "xlsx"
    return ""


def _content_matches(extension: str, content: bytes) -> bool:
    if extension == "pdf":
        return content.startswith(b"%PDF-")
    if extension in ("jpg", "jpeg"):
        return content.startswith(b"\xff\xd8\xff")
    if extension == "png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if extension in ("docx", "xlsx"):
        return _ooxml_part(content) == extension
    return False


def check_file(upload: IO[bytes] | Any, *, field: str = "files") -> CheckedFile:
    """Read and check one upload; a ValidationError on `field` names the file and the problem."""
    name = clean_name(getattr(upload, "name", "") or "")
    limit = max_evidence_bytes()
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise ValidationError({field: f"「{name}」超过大小限制（每个文件最大{size_label(limit)}）"})
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in CONTENT_TYPES:
        raise ValidationError({field: f"「{name}」的文件类型不允许上传，只能上传{ALLOWED_LABEL}文件"})
    hasher = hashlib.sha256()
    buffer = io.BytesIO()
    chunks = upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(64 * 1024), b"")
    for chunk in chunks:
        buffer.write(chunk)
        hasher.update(chunk)
        if buffer.tell() > limit:
            raise ValidationError({field: f"「{name}」超过大小限制（每个文件最大{size_label(limit)}）"})
    content = buffer.getvalue()
    if not content:
        raise ValidationError({field: f"「{name}」是空文件"})
    if not _content_matches(extension, content):
        raise ValidationError({field: f"「{name}」的内容与扩展名 .{extension} 不符，请上传真实的{extension}文件"})
    return CheckedFile(
        name=name,
        extension=extension,
        content=content,
        sha256=hasher.hexdigest(),
        content_type=CONTENT_TYPES[extension],
    )


SAFE_EXT = re.compile(r"^[a-z]{1,5}$")


def store(checked: CheckedFile) -> str:
    """Save the content once under rectification/<aa>/<sha256>.<ext>; returns the storage name."""
    assert SAFE_EXT.match(checked.extension)
    path = f"rectification/{checked.sha256[:2]}/{checked.sha256}.{checked.extension}"
    if not default_storage.exists(path):
        saved = default_storage.save(path, ContentFile(checked.content))
        assert saved == path, saved
    return path


def read(path: str) -> bytes:
    with default_storage.open(path, "rb") as handle:
        return handle.read()


def delete_if_unused(path: str) -> None:
    from mingjing.rectification.models import EvidenceFile

    if not EvidenceFile.objects.filter(file=path).exists() and default_storage.exists(path):
        default_storage.delete(path)
