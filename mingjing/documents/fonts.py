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
