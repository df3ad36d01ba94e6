"""Chinese ordinals as examination materials number their items: 一是/二是, （一）（二）.

The numerals are the documents app's (`mingjing.documents.numbering`), so a page and the document
printed from it number alike."""

from __future__ import annotations

from mingjing.documents.numbering import cn_number as cn_numeral
from mingjing.documents.numbering import heading_prefix, point_prefix

__all__ = ["cn_numeral", "paren", "shi"]


def shi(n: int) -> str:
    """一是, 二是 … — how problems under an aspect and causes are numbered (seed 002)."""
    return point_prefix(n)


def paren(n: int) -> str:
    """（一）, （二） … — aspects and measures."""
    return heading_prefix(2, n)
