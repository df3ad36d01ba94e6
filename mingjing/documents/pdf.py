"""PDF through LibreOffice: `soffice --headless --convert-to pdf` in a throw-away directory.

Each conversion gets its own LibreOffice profile directory, so two downloads at the same moment do
not fight over one profile lock (the price is about a second of start-up).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

TIMEOUT_SECONDS = 90
MISSING_MESSAGE = (
    "本机未安装 LibreOffice（找不到 soffice 命令），无法导出 PDF。"
    "请安装 libreoffice-writer-nogui 和 fonts-noto-cjk 后重试，或下载 .docx 后用 WPS/Word 另存为 PDF。"
)


class PdfError(Exception):
    """A PDF could not be made; the message is Chinese and says what to do."""


class PdfUnavailable(PdfError):
    pass


# Where a machine lacks the official fonts, fontconfig tries the fallbacks, then Noto CJK SC (Debian's
# fonts-noto-cjk) in the matching style: without this LibreOffice may pick a Japanese or sans face.
_NOTO = {"heiti": "Noto Sans CJK SC"}


def _fontconfig(directory: Path) -> Path:
    from xml.sax.saxutils import escape

    from mingjing.documents.fonts import FONTS

    aliases = []
    for family in FONTS.values():
        chain = [family.official, family.common, *family.fallbacks, _NOTO.get(family.role, "Noto Serif CJK SC")]
        accept = "".join(f"<family>{escape(name)}</family>" for name in dict.fromkeys(chain[1:]))
        for name in dict.fromkeys((family.official, family.common)):
            aliases.append(f'<alias binding="same"><family>{escape(name)}</family><accept>{accept}</accept></alias>')
    path = directory / "fonts.conf"
    path.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>' + "".join(aliases) + "</fontconfig>",
        encoding="utf-8",
    )
    return path


def soffice_path() -> str | None:
    configured = os.environ.get("MINGJING_SOFFICE")
    if configured:
        return configured if Path(configured).exists() else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_available() -> bool:
    return soffice_path() is not None


def to_pdf(docx: bytes, *, timeout: int = TIMEOUT_SECONDS) -> bytes:
    return to_pdf_many([docx], timeout=timeout)[0]


def to_pdf_many(documents: list[bytes], *, timeout: int = TIMEOUT_SECONDS) -> list[bytes]:
    """Convert several .docx in one LibreOffice run: its start-up (about a second) is paid once,
    which is what makes an archive box with a PDF of every document affordable."""
    if not documents:
        return []
    soffice = soffice_path()
    if soffice is None:
        raise PdfUnavailable(MISSING_MESSAGE)
    with tempfile.TemporaryDirectory(prefix="mingjing-pdf-") as tmp:
        work = Path(tmp)
        sources = []
        for n, docx in enumerate(documents):
            source = work / f"document-{n:04d}.docx"
            source.write_bytes(docx)
            sources.append(source)
        command = [
            soffice,
            f"-env:UserInstallation={(work / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nologo",
            "--convert-to",
            "pdf:writer_pdf_Export",
            "--outdir",
            str(work),
            *map(str, sources),
        ]
        timeout = timeout * max(1, len(documents) // 4)
        try:
            result = subprocess.run(
                command,
                capture_output=True,
                timeout=timeout,
                cwd=work,
                env={**os.environ, "HOME": tmp, "FONTCONFIG_FILE": str(_fontconfig(work))},
                check=False,
            )
        except subprocess.TimeoutExpired as exc:
            raise PdfError(f"LibreOffice 转换 PDF 超过 {timeout} 秒未完成，已中止。请稍后重试或下载 .docx。") from exc
        targets = [source.with_suffix(".pdf") for source in sources]
        if result.returncode != 0 or not all(t.exists() for t in targets):
            detail = (result.stderr or result.stdout).decode("utf-8", "replace").strip()[-300:]
            raise PdfError(f"LibreOffice 未能生成 PDF（退出码 {result.returncode}）：{detail or '无输出'}")
        return [t.read_bytes() for t in targets]
