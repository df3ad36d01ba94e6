"""`{% compliance_block meeting %}`: the meeting page's 合规检查 card (the meetings app shows it without
knowing the rules), judged in the compliance selectors' fixed number of queries."""

from __future__ import annotations

from django import template

from mingjing.compliance.selectors import meeting_compliance

register = template.Library()


@register.inclusion_tag("compliance/block.html")
def compliance_block(meeting) -> dict:
    return {"meeting": meeting, "compliance": meeting_compliance(meeting=meeting)}
