"""Chinese numbering as official documents write it.

>>> cn_number(3), cn_number(10), cn_number(21), cn_number(105)
('三', '十', '二十一', '一百零五')
>>> heading_prefix(1, 2), heading_prefix(2, 2), heading_prefix(3, 2), heading_prefix(4, 2)
('二、', '（二）', '2.', '（2）')
>>> point_prefix(2), point_prefix(3, "要")
('二是', '三要')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from mingjing.documents.slots import MISSING
from mingjing.lib.dates import cn_date

DIGITS = "零一二三四五六七八九"
UNITS = ((1000, "千"), (100, "百"), (10, "十"))


def cn_number(n: int) -> str:
    """An integer 0–9999 in Chinese numerals (一, 十, 十一, 二十, 一百零五 …)."""
    if not isinstance(n, int) or n < 0 or n > 9999:
        raise ValueError(f"cn_number: 0–9999 only, got {n!r}")
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n - 10] if n > 10 else "")
    out, zero = "", False
    for value, unit in UNITS:
        digit, n = divmod(n, value)
        if digit:
            if zero:
                out += "零"
            out += DIGITS[digit] + unit
            zero = False
        elif out:
            zero = True
    if n:
        out += ("零" if zero else "") + DIGITS[n]
    return out


def heading_prefix(level: int, n: int) -> str:
    """一、 （一） 1. （1） for levels 1–4 (GB/T 9704 §7.3.3)."""
    if level == 1:
        return f"{cn_number(n)}、"
    if level == 2:
        return f"（{cn_number(n)}）"
    if level == 3:
        return f"{n}."
    if level == 4:
        return f"（{n}）"
    raise ValueError(f"heading level must be 1–4, got {level}")


def point_prefix(n: int, verb: str = "是") -> str:
    """“一是”“二是” (or “一要”, “一抓” …) for points inside a paragraph."""
    return f"{cn_number(n)}{verb}"


def numbered_points(items: Iterable[str], verb: str = "是") -> str:
    """Join points as “一是……。二是……。”; each item gets a closing 。 unless it ends in punctuation."""
    parts = []
    for i, item in enumerate((s.strip() for s in items if s and s.strip()), start=1):
        parts.append(point_prefix(i, verb) + (item if item[-1] in "。；！？" else item + "。"))
    return "".join(parts)


def doc_date(value: dt.date | dt.datetime | None) -> str:
    """2026年1月5日; a date not recorded is 【待补充】."""
    return cn_date(value, missing=MISSING)


def doc_number(prefix: str, year: int | None, serial: int | None) -> str:
    """发文字号 “明农党组〔2026〕3号” with 六角括号; a part not recorded is 【待补充】."""
    return f"{prefix or MISSING}〔{year or MISSING}〕{serial or MISSING}号"
