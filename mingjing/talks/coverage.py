"""The 四个必谈 coverage: which talks the year's rules require for the frozen roster, and which
of them have a record. Pure functions over plain values, so the rules are easy to test."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import combinations

from mingjing.yearconfigs.models import TalkRule


@dataclass(frozen=True)
class Member:
    entry_id: int
    name: str
    is_principal: bool
    division_ids: tuple[int, ...]
    branch_id: int | None


@dataclass(frozen=True)
class Required:
    rule: str
    member_id: int
    label: str  # "张明 — 李华", "李华 — 计划财务科负责同志"
    key: tuple  # what a talk record must match


@dataclass(frozen=True)
class Coverage:
    rows: list[tuple[Required, bool]]

    @property
    def required(self) -> int:
        return len(self.rows)

    @property
    def done(self) -> int:
        return sum(1 for _, ok in self.rows if ok)

    @property
    def missing(self) -> list[Required]:
        return [r for r, ok in self.rows if not ok]

    @property
    def percent(self) -> int:
        return 100 if not self.rows else self.done * 100 // self.required

    @property
    def complete(self) -> bool:
        return self.done == self.required


def member_key(a: int, b: int) -> tuple:
    return ("member", min(a, b), max(a, b))


def required_talks(
    *,
    rules: Iterable[str],
    members: list[Member],
    division_names: dict[int, str],
    branch_names: dict[int, str],
) -> list[Required]:
    rules = set(rules)
    names = {m.entry_id: m.name for m in members}
    principals = [m for m in members if m.is_principal]
    others = [m for m in members if not m.is_principal]
    result: list[Required] = []
    if TalkRule.PRINCIPAL_MEMBER in rules:
        for p in principals:
            for m in others:
                result.append(
                    Required(
                        TalkRule.PRINCIPAL_MEMBER,
                        p.entry_id,
                        f"{p.name} — {m.name}",
                        member_key(p.entry_id, m.entry_id),
                    )
                )
    if TalkRule.MEMBER_MEMBER in rules:
        for a, b in combinations(others, 2):
            result.append(
                Required(TalkRule.MEMBER_MEMBER, a.entry_id, f"{a.name} — {b.name}", member_key(a.entry_id, b.entry_id))
            )
    if TalkRule.MEMBER_DIVISION_HEADS in rules:
        for m in members:
            for d in m.division_ids:
                label = f"{names[m.entry_id]} — {division_names.get(d, '')}负责同志"
                result.append(Required(TalkRule.MEMBER_DIVISION_HEADS, m.entry_id, label, ("division", m.entry_id, d)))
    if TalkRule.MEMBER_BRANCH_REPS in rules:
        for m in members:
            if m.branch_id:
                label = f"{m.name} — {branch_names.get(m.branch_id, '')}党员代表"
                result.append(
                    Required(TalkRule.MEMBER_BRANCH_REPS, m.entry_id, label, ("branch", m.entry_id, m.branch_id))
                )
    return result


def coverage(required: list[Required], done_keys: set[tuple]) -> Coverage:
    return Coverage(rows=[(r, r.key in done_keys) for r in required])
