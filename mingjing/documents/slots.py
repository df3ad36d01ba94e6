"""Narrative paragraphs from templates with slots filled from records.

>>> fill("会议于{date}在{place}召开", date=None, place="局三楼会议室")
'会议于【待补充】在局三楼会议室召开'

A slot whose value is None or empty prints as 【待补充】: a fact not recorded is never guessed.
Numbers print as Arabic numerals, dates as 2026年1月5日, lists joined with 、. A slot missing
from the call is a programming error (KeyError), not a missing fact.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Sequence
from typing import Any

from mingjing.lib.dates import cn_date

MISSING = "【待补充】"


def slot_text(value: Any) -> str:
    if value is None or value == "" or (isinstance(value, Sequence) and not isinstance(value, str) and not value):
        return MISSING
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date | dt.datetime):
        return cn_date(value)
    if isinstance(value, str):
        return value.strip() or MISSING
    if isinstance(value, Sequence):
        return "、".join(slot_text(v) for v in value)
    return str(value)


class _SlotFormatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        return slot_text(value) if not format_spec else format(value, format_spec)


_FORMATTER = _SlotFormatter()


def fill(template: str, /, **values: Any) -> str:
    return _FORMATTER.format(template, **values)


def missing_count(text: str) -> int:
    return text.count(MISSING)
