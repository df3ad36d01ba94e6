"""Fonts for generated documents, with a fallback map for machines without the official fonts.

GB/T 9704 names the fonts of the government typesetting system (仿宋_GB2312, 方正小标宋简体,
楷体_GB2312). Many office PCs have only the fonts Windows ships (仿宋, 楷体, 黑体, 宋体). The
setting `MINGJING_DOC_FONTS` chooses:

- ``official`` (default): the GB/T names; each font also carries its fallbacks as ``w:altName`` in
  the document's font table, so Word/WPS on a machine without it substitute the nearest one;
- ``common``: the fonts every Windows/WPS machine has, for units without the official set.

Latin letters and digits use Times New Roman (common practice; GB/T leaves it open).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class FontFamily:
    role: str
    official: str
    common: str
    fallbacks: tuple[str, ...]  # in order of preference, after the official name
    common_bold: bool = False  # the common stand-in needs bold to look like the official face

    def name(self, mode: str) -> str:
        return self.common if mode == "common" else self.official

    def bold(self, mode: str) -> bool:
        return self.common_bold and mode == "common"


FONTS: dict[str, FontFamily] = {
    f.role: f
    for f in (
        FontFamily("fangsong", "仿宋_GB2312", "仿宋", ("仿宋", "FangSong", "STFangsong")),
        FontFamily(
            "title", "方正小标宋简体", "宋体", ("方正小标宋_GBK", "小标宋", "华文中宋", "宋体"), common_bold=True
        ),
        FontFamily("kaiti", "楷体_GB2312", "楷体", ("楷体", "KaiTi", "STKaiti")),
        FontFamily("heiti", "黑体", "黑体", ("SimHei", "STHeiti")),
        FontFamily("songti", "宋体", "宋体", ("SimSun", "STSong")),
    )
}
LATIN = "Times New Roman"
MODES = ("official", "common")


def font_mode() -> str:
    mode = getattr(settings, "DOC_FONTS", "official") or "official"
    if mode not in MODES:
        raise ValueError(f"MINGJING_DOC_FONTS 只能是 official 或 common（现为“{mode}”）")
    return mode


def font_name(role: str, mode: str | None = None) -> str:
    return FONTS[role].name(mode or font_mode())


# --- fonts missing on this machine ---------------------------------------------------------------
# The PDF is set by LibreOffice on the server: a font the document names but the server lacks is
# replaced (through the fallback chain of `pdf._fontconfig`) without a word. `font_warning` says so.
CHECKED_ROLES = ("fangsong", "title", "kaiti", "heiti")  # 仿宋_GB2312, 方正小标宋简体, 楷体_GB2312, 黑体


@dataclass(frozen=True)
class FontCheck:
    role: str
    name: str  # the font the documents name
    found: bool
    fallback: str  # the family fontconfig gives instead ("" when found or unknown)


def _fc_match(name: str, env: dict[str, str]) -> str | None:
    import subprocess

    try:
        result = subprocess.run(
            ["fc-match", "-f", "%{family}", name], capture_output=True, text=True, timeout=10, env=env, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


@functools.lru_cache(maxsize=4)
def font_checks(mode: str) -> tuple[FontCheck, ...]:
    """What this machine has of the fonts the documents name, and what LibreOffice uses instead
    (fc-match with the PDF's own fallback chain). Empty where fontconfig is not installed (Windows:
    nothing to say). Cached for the process."""
    import os
    import shutil
    import tempfile
    from pathlib import Path

    if shutil.which("fc-match") is None:
        return ()
    from mingjing.documents.pdf import _fontconfig

    checks = []
    with tempfile.TemporaryDirectory(prefix="mingjing-fonts-") as tmp:
        plain, chained = dict(os.environ), {**os.environ, "FONTCONFIG_FILE": str(_fontconfig(Path(tmp)))}
        for role in CHECKED_ROLES:
            name = FONTS[role].name(mode)
            matched = _fc_match(name, plain)
            if matched is None:
                return ()
            found = name.casefold() in (f.strip().casefold() for f in matched.split(","))
            fallback = "" if found else (_fc_match(name, chained) or matched).split(",")[0].strip()
            checks.append(FontCheck(role, name, found, fallback))
    return tuple(checks)


def font_warning(mode: str | None = None) -> str:
    """A Chinese warning naming the official fonts this machine lacks and the font used instead in
    the PDF; "" when all are installed (or fontconfig cannot tell)."""
    mode = mode or font_mode()
    missing = [c for c in font_checks(mode) if not c.found]
    if not missing:
        return ""
    names = "、".join(f"{c.name}（以“{c.fallback or '默认字体'}”代替）" for c in missing)
    common_ok = mode == "official" and all(c.found for c in font_checks("common"))
    return (
        f"本服务器缺少公文字体：{names}。导出的 PDF 用代替字体排版，字形和笔画粗细与正式公文不同；"
        "下载的 .docx 在装有这些字体的电脑上用 WPS/Word 打开时仍按公文字体显示。"
        "请管理员在服务器上安装这些字体" + ("，或设置 MINGJING_DOC_FONTS=common 改用常用字体。" if common_ok else "。")
    )
