"""The text format of a material: one paragraph per line, headings marked by 公文 numbering.

- "一、…" is a level-1 heading, "（一）…" a level-2 heading (full-width or ASCII brackets);
- "# …" / "## …" are level-1 / level-2 headings without numbering (the marks are not shown);
- every other non-empty line is a body paragraph; empty lines are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CN_DIGITS = "零一二三四五六七八九"
NUMERAL = "[一二三四五六七八九十百]+"
LEVEL1 = re.compile(rf"^{NUMERAL}、")
LEVEL2 = re.compile(rf"^[（(]{NUMERAL}[）)]")
MARKED = re.compile(r"^(#{1,2})\s*(.*)$")


@dataclass(frozen=True)
class Block:
    kind: str  # "heading" or "paragraph"
    level: int  # 1 or 2 for headings, 0 for paragraphs
    text: str

    @property
    def is_heading(self) -> bool:
        return self.kind == "heading"


def classify(line: str) -> Block | None:
    line = line.strip()
    if not line:
        return None
    marked = MARKED.match(line)
    if marked:
        return Block("heading", len(marked.group(1)), marked.group(2).strip())
    if LEVEL1.match(line):
        return Block("heading", 1, line)
    if LEVEL2.match(line):
        return Block("heading", 2, line)
    return Block("paragraph", 0, line)


def blocks(text: str) -> list[Block]:
    """The material's text as headings and paragraphs, in order (for pages and documents)."""
    return [b for b in map(classify, text.splitlines()) if b is not None]


def normalize(text: str) -> str:
    """Line endings unified, trailing spaces dropped, runs of empty lines collapsed."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    out: list[str] = []
    for line in lines:
        if line or (out and out[-1]):
            out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out)


def cn_number(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for headings and 一是/二是)."""
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)
