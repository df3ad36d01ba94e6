"""The named compliance rules of a meeting: what each checks, its Chinese name, its threshold and
where the year configuration overrides it.

A configuration's `compliance_rules` is a dict by rule code ({} = every rule on, with its default);
an entry may turn a rule off (`{"enabled": false}`) or set its threshold (`{"quorum": {"share": "90%"}}`).
The request's lead days and the report's deadline are the configuration's own fields
(`plan_lead_days`, `report_deadline_days`): the timeline and the rules read the same numbers.

The judging itself is in `selectors.py` (many meetings at once, a fixed number of queries).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from mingjing.minutes.rules import PROBLEM_WORDS, SUGGESTION_OPENERS, parse_share
from mingjing.minutes.rules import setting as minutes_setting

OK, BROKEN, PENDING, OFF = "ok", "broken", "pending", "off"
STATUS_LABELS = {OK: "符合", BROKEN: "不符合", PENDING: "尚不能判断", OFF: "未启用"}


@dataclass(frozen=True)
class RuleDef:
    code: str
    name: str
    url_name: str  # where it is fixed (takes the meeting's id)
    fix_label: str
    defaults: tuple[tuple[str, Any], ...] = ()


RULES: tuple[RuleDef, ...] = (
    RuleDef("request_lead", "会前按时报送请示", "plans:plan", "方案与请示"),
    RuleDef("quorum", "到会人数符合要求", "minutes:detail", "会议记录", (("share", "2/3"),)),
    RuleDef("talk_coverage", "会前谈心谈话全覆盖", "talks:list", "谈心谈话", (("days_before", 0),)),
    RuleDef("criticism", "相互批评全覆盖且点出问题", "minutes:detail", "会议记录"),
    RuleDef("problem_examples", "查摆问题均有具体事例", "problems:overview", "查摆问题"),
    RuleDef(
        "outline_approval", "发言提纲会前经主要负责同志审核", "materials:list", "对照检查材料", (("days_before", 0),)
    ),
    RuleDef("no_placeholders", "材料中没有【待补充】", "materials:list", "对照检查材料"),
    RuleDef("report_deadline", "按时报送情况报告", "meetings:detail", "会议进度"),
    RuleDef("rectification_fields", "整改事项明确责任人和时限", "rectification:ledger", "整改台账"),
)  # fmt: skip
RULE_BY_CODE = {r.code: r for r in RULES}


def rule_settings(config: Any) -> dict[str, dict[str, Any]]:
    """Every rule's settings for a configuration: its defaults overlaid with the configuration's entry."""
    return settings_of(getattr(config, "compliance_rules", None) or {})


def settings_of(stored: dict) -> dict[str, dict[str, Any]]:
    """Every rule's settings from a stored `compliance_rules` dict ({} = all defaults)."""
    stored = stored if isinstance(stored, dict) else {}
    result = {}
    for rule in RULES:
        own = stored.get(rule.code) if isinstance(stored.get(rule.code), dict) else {}
        result[rule.code] = {"enabled": True, **dict(rule.defaults), **own}
    return result


def quorum_share(value: Any) -> tuple[int, int]:
    """The configured quorum as (numerator, denominator); a value that cannot be read falls back to 2/3."""
    try:
        return parse_share(str(value))
    except ValueError:
        return 2, 3


def days_setting(value: Any) -> int:
    try:
        return max(0, int(value))
    except (TypeError, ValueError):
        return 0


CLAUSE_END = re.compile(r"[。！？；!?;\n，,：:]+")


def is_hope_only(text: str) -> bool:
    """The one classifier for "不以提希望代替点问题": a criticism counts only when it names a concrete
    problem, that is when at least one of its clauses does not open with a wish or a suggestion
    (希望…、建议…、要进一步…) and holds a word that names a shortcoming (问题、不够、缺乏、少 …).
    Nothing recorded, only wishes, suggestions or praise: it does not count.

    The word lists are the meeting record's (`minutes.rules`, each replaceable by a setting), read
    clause by clause here: "要进一步加强学习，目前对新理论学得不深" names a problem in its second clause."""
    return hope_classifier()(text)


def hope_classifier() -> Callable[[str], bool]:
    """`is_hope_only` with the word lists read once (for judging many criticisms)."""
    openers = tuple(minutes_setting("SUGGESTION_OPENERS", SUGGESTION_OPENERS))
    problem = re.compile("|".join(map(re.escape, minutes_setting("PROBLEM_WORDS", PROBLEM_WORDS))))

    def hope_only(text: str) -> bool:
        clauses = (c.strip(" 、“”\"'　") for c in CLAUSE_END.split(text or ""))
        return not any(c and not c.startswith(openers) and problem.search(c) for c in clauses)

    return hope_only
