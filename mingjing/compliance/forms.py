"""The compliance rules' settings as fields of the year-configuration form: added at its end by
`add_compliance_fields(form)`, turned back into the `compliance_rules` dict by `compliance_rules_from(form)`
(only what differs from a rule's default is stored; {} = every rule on with its default)."""

from __future__ import annotations

from typing import Any

from django import forms

from mingjing.compliance.rules import RULE_BY_CODE, RULES, settings_of
from mingjing.minutes.rules import parse_share

QUORUM, OFF = "compliance_quorum", "compliance_off"
TALKS, OUTLINES = "compliance_talks_days", "compliance_outlines_days"
DAYS = {TALKS: "talk_coverage", OUTLINES: "outline_approval"}


def _share(value: str) -> None:
    try:
        parse_share(value)
    except ValueError as exc:
        raise forms.ValidationError(str(exc)) from None


def add_compliance_fields(form: forms.Form) -> None:
    stored = (form.initial or {}).get("compliance_rules") or {}
    current = settings_of(stored)
    form.fields[QUORUM] = forms.CharField(
        label="合规检查：到会人数不少于",
        max_length=10,
        required=False,
        initial=current["quorum"]["share"],
        validators=[_share],
        help_text="占班子成员的比例，如“2/3”（中央规定，不填即此）或“90%”（部分地方规定）",
    )
    for name, code, label in (
        (TALKS, "talk_coverage", "合规检查：谈心谈话全覆盖须早于会议（天）"),
        (OUTLINES, "outline_approval", "合规检查：发言提纲审核通过须早于会议（天）"),
    ):
        form.fields[name] = forms.IntegerField(
            label=label,
            min_value=0,
            max_value=90,
            required=False,
            initial=current[code]["days_before"],
            help_text="0或不填表示会前完成即可",
        )
    form.fields[OFF] = forms.MultipleChoiceField(
        label="不启用的合规检查项",
        choices=[(r.code, r.name) for r in RULES],
        required=False,
        initial=[code for code, s in current.items() if not s.get("enabled", True)],
        widget=forms.CheckboxSelectMultiple,
        help_text="请示提前天数和情况报告期限按本配置上面两项检查",
    )


def compliance_rules_from(form: forms.Form) -> dict[str, Any]:
    """The `compliance_rules` dict for the cleaned form (entries of rules it does not show are kept)."""
    data = form.cleaned_data
    stored = (form.initial or {}).get("compliance_rules") or {}
    result = {code: dict(entry) for code, entry in stored.items() if isinstance(entry, dict)}

    def put(code: str, key: str, value: Any) -> None:
        entry = result.setdefault(code, {})
        entry.pop(key, None)
        if value != dict(RULE_BY_CODE[code].defaults).get(key, True):
            entry[key] = value
        if not entry:
            result.pop(code)

    numerator, denominator = parse_share(data.get(QUORUM) or dict(RULE_BY_CODE["quorum"].defaults)["share"])
    put("quorum", "share", f"{numerator}%" if denominator == 100 else f"{numerator}/{denominator}")
    for name, code in DAYS.items():
        put(code, "days_before", data.get(name) or 0)
    off = set(data.get(OFF) or [])
    for rule in RULES:
        put(rule.code, "enabled", rule.code not in off)
    return result
