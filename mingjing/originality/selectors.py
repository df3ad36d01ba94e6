"""Reads for 查重: the report a user may see. A matched passage shows its source's text only to a
user the policy lets read that source (READ_DRAFTS on its owner in its meeting); otherwise only
its kind and share are shown — "与其他单位材料相似" for another unit's material."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from mingjing.accounts.access import Perm, access_for
from mingjing.accounts.policy import Ability, policy_for
from mingjing.materials.models import Material, MaterialVersion
from mingjing.originality.index import CROSS_UNIT, Match, Report, Source, build_report
from mingjing.originality.models import TemplateText


def can_read_source(user: Any, source: Source, cache: dict | None = None) -> bool:
    if source.template is not None or user is None:
        return True
    material = source.material
    key = (material.meeting_id, material.owner_id)
    cache = {} if cache is None else cache
    if key not in cache:
        owner = material.owner if material.owner_id else None
        cache[key] = policy_for(user=user, meeting=material.meeting).can(Ability.READ_DRAFTS, owner)
    return cache[key]


@dataclass
class Hidden:
    label: str
    share: float

    @property
    def percent(self) -> str:
        return f"{self.share * 100:.1f}%"


@dataclass
class ShownReport:
    report: Report
    matches: list[Match] = field(default_factory=list)  # shown with their source text
    hidden: list[Hidden] = field(default_factory=list)  # sources the user may not read: share only


def hidden_label(relation: str) -> str:
    return "与其他单位材料相似" if relation == CROSS_UNIT else f"与{relation}相似"


def shown_report(*, user: Any, report: Report) -> ShownReport:
    cache: dict = {}
    shown = ShownReport(report=report)
    hidden: dict[str, list[Match]] = {}
    for m in report.matches:
        if can_read_source(user, m.source, cache):
            shown.matches.append(m)
        else:
            hidden.setdefault(hidden_label(m.source.relation), []).append(m)
    shown.hidden = [Hidden(label, report.share_of(ms)) for label, ms in hidden.items()]
    return shown


def report_for(*, user: Any, material: Material, number: int | None = None) -> ShownReport | None:
    """The report of one version (the current one by default) as the user may see it. The caller
    opened the material for the user (READ_DRAFTS)."""
    if material.pk is None or not material.current_version:
        return None
    number = number or material.current_version
    version = MaterialVersion.objects.filter(material=material, number=number).first()
    if version is None:
        raise Http404("没有找到该版本")
    return shown_report(user=user, report=build_report(version))


def may_manage_templates(user: Any) -> bool:
    return access_for(user).can_anywhere(Perm.UNIT_ADMIN)


def templates() -> list[TemplateText]:
    return list(TemplateText.objects.select_related("uploaded_by"))
