"""Dates as Chinese documents write them: Arabic numerals, no leading zeros (2026年1月5日)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def cn_date(value: dt.date | dt.datetime | None, missing: str = "") -> str:
    if value is None:
        return missing
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return f"{value.year}年{value.month}月{value.day}日"


def today() -> dt.date:
    """Today in the configured time zone (Asia/Shanghai by default), not the server's UTC date."""
    return timezone.localdate()
