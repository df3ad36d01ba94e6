"""Pure rules of the meeting record: the quorum, the default agenda, the suggestion warning.

The wording lists and the default quorum are local practice ([P] in the domain notes), so each may
be replaced by a setting of the same name without a code change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.conf import settings

# 2/3 of the team by the central rules [V]; some local rules ask 90 % — set per record.
DEFAULT_QUORUM: tuple[int, int] = (2, 3)

# The usual order of business [V]; the year's extra items go after the first.
DEFAULT_AGENDA: tuple[str, ...] = (
    "通报上年度民主生活会整改落实情况和本次民主生活会征求意见情况",
    "主要负责同志代表领导班子作对照检查，并带头作个人对照检查发言",
    "班子成员逐一作对照检查发言，开展相互批评，被批评同志作表态发言",
    "班子成员作个人有关事项说明，主要负责同志通报班子成员受到谈话函询情况",
    "督导组点评",
    "主要负责同志作总结讲话、提出整改要求",
)

# A criticism whose every sentence opens like this is a wish, not a problem ("不以提希望代替点问题").
SUGGESTION_OPENERS: tuple[str, ...] = ("希望", "建议", "要", "继续", "期待", "期望", "盼望")
# Words that name a shortcoming; a criticism with none of them reads as praise or a suggestion.
PROBLEM_WORDS: tuple[str, ...] = (
    "问题", "不足", "不够", "欠缺", "缺乏", "缺少", "没有", "不到位", "不深", "不实", "不严", "不高", "不强",
    "不力", "不细", "不多", "不准", "不及时", "不主动", "不全面", "不充分", "不扎实", "不规范", "不敢",
    "较少", "偏少", "偏重", "偏软", "偏松", "差距", "薄弱", "滞后", "短板", "松懈", "放松", "懈怠",
    "失之于", "满足于", "习惯于", "停留在", "流于", "未能", "未", "少", "弱", "慢", "差",
)  # fmt: skip
SUGGESTION_WARNING = "批评意见不能以提希望代替点问题"

SENTENCE_END = re.compile(r"[。！？；!?;\n]+")


def setting(name: str, default):
    return getattr(settings, f"MINUTES_{name}", default)


def default_quorum() -> tuple[int, int]:
    numerator, denominator = setting("DEFAULT_QUORUM", DEFAULT_QUORUM)
    return int(numerator), int(denominator)


def default_agenda(extra_items: list[str] | None = None) -> list[str]:
    usual = list(setting("DEFAULT_AGENDA", DEFAULT_AGENDA))
    extra = [t.strip() for t in (extra_items or []) if t and t.strip()]
    return usual[:1] + extra + usual[1:]


def criticism_warning(text: str) -> str | None:
    """The warning for a criticism that only wishes, suggests or praises; None when it names a problem.

    An empty text gives no warning (the row is not written yet)."""
    sentences = [s.strip(" ，,、：:“”\"'　") for s in SENTENCE_END.split(text or "")]
    sentences = [s for s in sentences if s]
    if not sentences:
        return None
    openers = tuple(setting("SUGGESTION_OPENERS", SUGGESTION_OPENERS))
    if all(s.startswith(openers) for s in sentences):
        return SUGGESTION_WARNING
    words = tuple(setting("PROBLEM_WORDS", PROBLEM_WORDS))
    if not any(w in text for w in words):
        return SUGGESTION_WARNING
    return None


@dataclass(frozen=True)
class Quorum:
    expected: int
    present: int
    numerator: int
    denominator: int

    @property
    def required(self) -> int:
        """The fewest members who must attend: ceil(expected × share)."""
        return -(-self.expected * self.numerator // self.denominator)

    @property
    def met(self) -> bool:
        return self.expected > 0 and self.present >= self.required

    @property
    def share(self) -> str:
        return f"{self.numerator}/{self.denominator}"

    @property
    def statement(self) -> str:
        """'应到4人，实到4人，符合2/3要求' — as the report writes it."""
        head = f"应到{self.expected}人，实到{self.present}人，"
        if self.met:
            return head + f"符合{self.share}要求"
        return head + f"不符合{self.share}要求（至少应到{self.required}人）"


def parse_share(value: str) -> tuple[int, int]:
    """'2/3' or '90%' → (numerator, denominator); ValueError with a Chinese message otherwise."""
    text = (value or "").strip().replace("／", "/").replace("％", "%")
    if match := re.fullmatch(r"(\d{1,3})\s*/\s*(\d{1,3})", text):
        numerator, denominator = int(match[1]), int(match[2])
    elif match := re.fullmatch(r"(\d{1,3})\s*%", text):
        numerator, denominator = int(match[1]), 100
    else:
        raise ValueError("请按“2/3”或“90%”的格式填写")
    if denominator == 0 or numerator == 0 or numerator > denominator:
        raise ValueError("比例应大于0且不超过1，如“2/3”")
    return numerator, denominator


def split_lines(value: str | list[str]) -> list[str]:
    """A textarea of requirements (one a line; a leading 一是/1. is kept as typed) → a list."""
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [line.strip() for line in (value or "").splitlines() if line.strip()]
