"""Quality hints beside the 查重 report (issue 14 §4): what reviewers send materials back for,
besides copying. Read from the material's text alone, paragraph by paragraph, so they work for a
typed, an uploaded and an imported material alike. Hints never block; they point at a line.

- a problem without a concrete example (比如…);
- a problem that does not name the author's own conduct — an outline that speaks only of the team,
  or a problem put down to objective reasons only;
- a criticism that is only a hope or praise;
- 【待补充】 left;
- a paragraph that only repeats the aspect's text (the notice's words, nothing of one's own).

The problems are the paragraphs of the section whose heading names 问题 (seed 002's “二、检视查摆问题”),
numbered 一是/二是 or set apart under the aspects' headings; criticisms are the paragraphs of a
section whose heading names 批评.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from mingjing.compliance.rules import is_hope_only  # the one classifier, shared with the compliance rule
from mingjing.originality import engine
from mingjing.yearconfigs.selectors import aspect_titles_and_texts

SECTION = re.compile(r"^[一二三四五六七八九十]+、")
SUBHEADING = re.compile(r"^（[一二三四五六七八九十]+）")
POINT = re.compile(r"^[一二三四五六七八九十]+是")
MISSING = re.compile(r"【[^】]{0,20}】")
# A concrete example: 比如…, or a time, a count or a place that only a real case has.
EXAMPLE = re.compile(
    r"比如|例如|譬如|如在|像在|有一次|多次|去年|今年|前年|上半年|下半年|季度|\d{4}年|\d+月"
    r"|[\d一二两三四五六七八九十]+(?:个|次|项|名|人|家|所|座|天|周|月|年|起|批)"
)
OWN = re.compile(r"我|本人|自己|自身|个人")
TEAM_ONLY = re.compile(r"班子|党组|党委|我们|单位|部分同志|有的同志|个别同志")
OBJECTIVE = re.compile(
    r"客观|任务重|任务繁重|工作忙|事务多|时间紧|人手少|人员少|条件限制|上级要求|历史原因|经费|编制少"
)
SUBJECTIVE = re.compile(r"主观|思想|认识|意识|站位|担当|作风|能力|不够|不足|不强|不深|不实|缺乏|欠缺|放松|满足于")
ASPECT_SHARE = 0.8  # a paragraph whose compared characters are at least this share the notice's words


@dataclass(frozen=True)
class Hint:
    line: int  # 0-based, as the 查重 report counts
    kind: str
    message: str
    excerpt: str

    @property
    def number(self) -> int:
        return self.line + 1


def _excerpt(raw: str) -> str:
    return raw if len(raw) <= 40 else raw[:40] + "…"


def _section_of(heading: str) -> str:
    if "批评" in heading:
        return "criticism"
    if "问题" in heading and "整改" not in heading:
        return "problems"
    return ""


def hints_for(text: str, *, outline: bool, aspect_texts: list[str]) -> list[Hint]:
    """The hints of one material's text; `outline` — a member's outline (his own conduct) rather
    than the team's material; `aspect_texts` — the year's aspects' titles and texts."""
    aspect_shingles = engine.excluded_shingles(aspect_texts)
    found: list[Hint] = []
    section = ""
    for line, raw in enumerate(text.splitlines()):
        raw = raw.strip()
        if not raw:
            continue
        if MISSING.search(raw):
            found.append(Hint(line, "missing", "仍有【待补充】内容", _excerpt(raw)))
        if SECTION.match(raw):
            section = _section_of(raw)
            continue
        heading = SUBHEADING.match(raw)
        body = raw[heading.end() :] if heading else raw
        if heading and len(body) <= 40 and not POINT.search(body):
            continue  # an aspect's heading: its words are the notice's, rightly
        hashes = engine.normalized(body)[1]
        if len(hashes) >= 10 and sum(h in aspect_shingles for h in hashes) >= ASPECT_SHARE * len(hashes):
            found.append(Hint(line, "aspect", "只是重复重点方面的原文，没有写出自己的内容", _excerpt(raw)))
            continue
        if section == "problems" and (POINT.match(body) or len(body) > 40):
            if not EXAMPLE.search(body):
                found.append(Hint(line, "example", "问题没有具体事例（比如……）", _excerpt(raw)))
            if outline and not OWN.search(body) and TEAM_ONLY.search(body):
                found.append(Hint(line, "own", "只讲班子或别人的问题，没有讲本人的表现", _excerpt(raw)))
            elif OBJECTIVE.search(body) and not SUBJECTIVE.search(body):
                found.append(Hint(line, "objective", "只讲客观原因，没有从主观上找差距", _excerpt(raw)))
        elif section == "criticism" and is_hope_only(body):
            found.append(Hint(line, "hope", "批评意见只是希望、建议或表扬，没有指出具体问题", _excerpt(raw)))
    return found


def hints_of_version(version: Any) -> list[Hint]:
    material = version.material
    config = material.meeting.config
    texts = [t for pair in aspect_titles_and_texts(config) for t in pair] if config else []
    return hints_for(version.text, outline=material.owner_id is not None, aspect_texts=texts)
