"""The document registry: every kind of document 明镜 writes, with the function that builds it.

An app registers its kinds in `mingjing/<app>/documents.py` (imported at start-up):

    from mingjing.documents.registry import register

    def build_plan(meeting, member, overrides):
        doc = OfficialDocument(title=..., addressee=meeting.organization.addressees, overrides=overrides)
        ...
        return doc

    register("plan", "民主生活会实施方案", build_plan, order=10)

A builder takes (meeting, member, overrides) — `member` is a RosterEntry or None, `overrides` maps a
paragraph key to the user's text — and returns an OfficialDocument (formats "docx", and "pdf"
where LibreOffice is installed) or, for an xlsx-only kind, the workbook's bytes. A kind offered
both as .docx and .xlsx passes `xlsx_builder` too. Every number must come from records; a fact
not recorded is written 【待补充】 (see `mingjing.documents.slots.fill`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from mingjing.accounts.policy import Ability

Builder = Callable[[Any, Any, dict[str, str]], Any]
MemberMode = Literal[False, True, "optional"]
FORMATS = ("docx", "xlsx")


@dataclass(frozen=True)
class DocumentKind:
    kind: str
    label: str
    builder: Builder
    needs_member: MemberMode = False  # True: one document per member; "optional": team or one member
    formats: tuple[str, ...] = ("docx",)
    xlsx_builder: Builder | None = None
    order: int = 100
    description: str = ""
    # Who reads it: the policy's ability, asked with the document's member (None for the team's).
    # Kinds whose content follows narrower rules than the meeting's name theirs: a member's outline
    # (READ_DRAFTS), his feedback sheet (READ_FEEDBACK), the full opinion summary (READ_EVERY_TARGET).
    read: Ability = Ability.READ
    # Optional sections the user may leave out of this document: key → label (documents.options).
    sections: tuple[tuple[str, str], ...] = ()
    # The builder signs with the user's 成文日期 when one is set (documents.options.dated_on).
    dated: bool = False

    def visible_to(self, policy: Any, member: Any) -> bool:
        """`policy` is the reader's `accounts.policy.MeetingPolicy` for the document's meeting."""
        return policy.can(self.read, member)

    def require_read(self, policy: Any, member: Any) -> None:
        """403 with the policy's Chinese reason when the reader may not read this document."""
        policy.require(self.read, member)

    @property
    def docx(self) -> bool:
        return "docx" in self.formats

    @property
    def xlsx(self) -> bool:
        return "xlsx" in self.formats

    @property
    def per_member(self) -> bool:
        return self.needs_member is True

    @property
    def member_optional(self) -> bool:
        return self.needs_member == "optional"

    def build_docx(self, meeting: Any, member: Any, overrides: dict[str, str]):
        return self.builder(meeting, member, overrides)

    def build_xlsx(self, meeting: Any, member: Any, overrides: dict[str, str]) -> bytes:
        fn = self.xlsx_builder or self.builder
        return fn(meeting, member, overrides)


_REGISTRY: dict[str, DocumentKind] = {}


def register(
    kind: str,
    label: str,
    builder: Builder,
    needs_member: MemberMode = False,
    formats: tuple[str, ...] = ("docx",),
    *,
    xlsx_builder: Builder | None = None,
    order: int = 100,
    description: str = "",
    read: Ability = Ability.READ,
    sections: dict[str, str] | None = None,
    dated: bool = False,
) -> DocumentKind:
    """Add a kind. Registering the same kind twice with another builder is an error (two apps
    claiming one name); re-registering the same builder (a module imported twice) is harmless."""
    unknown = set(formats) - set(FORMATS)
    if not formats or unknown:
        raise ValueError(f"document kind {kind!r}: formats must be among {FORMATS}, got {formats!r}")
    if "docx" in formats and "xlsx" in formats and xlsx_builder is None:
        raise ValueError(f"document kind {kind!r}: give xlsx_builder when offering both docx and xlsx")
    if not kind.replace("_", "").replace("-", "").isalnum() or not kind.isascii():
        raise ValueError(f"document kind {kind!r}: use ASCII letters, digits, - and _")
    entry = DocumentKind(
        kind, label, builder, needs_member, tuple(formats), xlsx_builder, order, description, read,
        tuple((sections or {}).items()), dated,
    )  # fmt: skip
    existing = _REGISTRY.get(kind)
    if existing is not None and existing.builder is not builder:
        raise ValueError(f"document kind {kind!r} registered twice")
    _REGISTRY[kind] = entry
    return entry


def unregister(kind: str) -> None:
    """For tests that register a kind of their own."""
    _REGISTRY.pop(kind, None)


def kinds() -> list[DocumentKind]:
    return sorted(_REGISTRY.values(), key=lambda k: (k.order, k.kind))


def get_kind(kind: str) -> DocumentKind | None:
    return _REGISTRY.get(kind)
