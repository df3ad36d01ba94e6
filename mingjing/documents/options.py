"""A document's own settings, delivered to its builder with the paragraph edits.

A user sets, per meeting and document kind (and member, for a member's document): the 成文日期 the
document is signed with, and which of the kind's optional sections (`register(..., sections=…)`)
are left out. `selectors.overrides_for` adds them to the overrides under reserved keys, so every
path that builds a document (page, download, CLI, archive) sees them without a new argument:

    dated_on(overrides)            → the date the user set, or None (the builder's own default)
    section_on(overrides, "notice") → False when the user switched the section off

A paragraph whose override is the empty text is dropped by the builder (`emptied`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

DATE_KEY = "@dated_on"
OFF_KEY = "@sections_off"


def is_option_key(key: str) -> bool:
    return key.startswith("@")


def dated_on(overrides: Mapping[str, str]) -> dt.date | None:
    value = overrides.get(DATE_KEY, "")
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def sections_off(overrides: Mapping[str, str]) -> set[str]:
    return {s for s in overrides.get(OFF_KEY, "").split(",") if s}


def section_on(overrides: Mapping[str, str], key: str) -> bool:
    return key not in sections_off(overrides)


def emptied(overrides: Mapping[str, str], key: str) -> bool:
    """The user emptied this paragraph: it is left out of the document."""
    return key in overrides and not overrides[key].strip()


def encode(*, dated: dt.date | None, off: list[str] | set[str]) -> dict[str, str]:
    out = {}
    if dated is not None:
        out[DATE_KEY] = dated.isoformat()
    if off:
        out[OFF_KEY] = ",".join(sorted(off))
    return out
