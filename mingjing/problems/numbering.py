"""Chinese ordinals as examination materials number their items: 一是/二是, （一）（二）."""

from __future__ import annotations

DIGITS = "零一二三四五六七八九"


def cn_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 20 → 二十, 105 → 一百零五 (enough for any list of problems)."""
    if n < 0:
        raise ValueError(n)
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return DIGITS[n // 10] + "十" + (DIGITS[n % 10] if n % 10 else "")
    if n >= 1000:
        return str(n)
    rest = n % 100
    if rest == 0:
        tail = ""
    elif rest < 10:
        tail = "零" + DIGITS[rest]
    else:
        tail = DIGITS[rest // 10] + "十" + (DIGITS[rest % 10] if rest % 10 else "")
    return DIGITS[n // 100] + "百" + tail


def shi(n: int) -> str:
    """一是, 二是 … — how problems under an aspect and causes are numbered (seed 002)."""
    return f"{cn_numeral(n)}是"


def paren(n: int) -> str:
    """（一）, （二） … — aspects and measures."""
    return f"（{cn_numeral(n)}）"
