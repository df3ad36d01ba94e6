"""`{% compliance_block meeting %}`: the meeting page's 合规检查 card (the meetings app shows it without
knowing the rules), judged in the compliance selectors' fixed number of queries."""

from __future__ import annotations

from django import template

from mingjing.compliance.rules import RULES, quorum_share, rule_settings
from mingjing.compliance.selectors import Known, meeting_compliance

register = template.Library()


@register.inclusion_tag("compliance/block.html")
def compliance_block(meeting, timeline=None, roster=None) -> dict:
    """`timeline` and `roster`: the page's own, when it has read them (not read again)."""
    known = None
    if timeline is not None and roster is not None:
        known = Known(steps={v.step.key: v.completed_on for v in timeline if v.completed_on}, roster=roster)
    return {"meeting": meeting, "compliance": meeting_compliance(meeting=meeting, known=known)}


@register.simple_tag
def compliance_settings(config) -> str:
    """The configuration's compliance rules in one line: "到会不少于2/3；谈心谈话会前全覆盖；……；未启用：…"."""
    s = rule_settings(config)
    numerator, denominator = quorum_share(s["quorum"]["share"])
    parts = [f"到会人数不少于{numerator}%" if denominator == 100 else f"到会人数不少于{numerator}/{denominator}"]
    for code, label in (("talk_coverage", "谈心谈话全覆盖"), ("outline_approval", "发言提纲审核通过")):
        days = s[code]["days_before"]
        parts.append(f"{label}须在会前{days}天" if days else f"{label}须在会前")
    off = [r.name for r in RULES if not s[r.code].get("enabled", True)]
    if off:
        parts.append("未启用：" + "、".join(off))
    return "；".join(parts)
