"""Reads for 查重: the report a user may see. A matched passage shows its source's text only to a
user the policy lets read that source (READ_DRAFTS on its owner in its meeting); otherwise only
its kind and share are shown — "与其他单位材料相似" for another unit's material."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from mingjing.accounts.access import Perm, access_for
from mingjing.accounts.policy import Ability, policy_for
from mingjing.materials.models import Material, MaterialVersion
from mingjing.originality.hints import Hint, hints_of_version
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
    hints: list[Hint] = field(default_factory=list)  # quality hints on the same version (hints.py)


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


def report_for(
    *, user: Any, material: Material, number: int | None = None, version: MaterialVersion | None = None
) -> ShownReport | None:
    """The report of one version (the current one by default; `version` when the caller has read
    it) as the user may see it. The caller opened the material for the user (READ_DRAFTS)."""
    if material.pk is None or not material.current_version:
        return None
    if version is None or version.material_id != material.pk:
        number = number or material.current_version
        version = MaterialVersion.objects.filter(material=material, number=number).first()
    if version is None:
        raise Http404("没有找到该版本")
    if material.meeting_id is not None and "meeting" in material._state.fields_cache:
        # The opened material (its meeting, unit and configuration loaded): not read again.
        version.material = material
    shown = shown_report(user=user, report=build_report(version, material=version.material))
    shown.hints = hints_of_version(version)
    return shown


def may_manage_templates(user: Any) -> bool:
    return access_for(user).can_anywhere(Perm.UNIT_ADMIN)


def templates() -> list[TemplateText]:
    return list(TemplateText.objects.select_related("uploaded_by"))


# --- the superior's table -------------------------------------------------------------------------

LEVELS = {"high": "高度疑似复制", "suspect": "疑似复制", "low": "有少量相似", "none": "未发现复制"}


@dataclass
class TableRow:
    material: Material
    result: Any  # models.Result or None (no text yet)
    source_visible: bool

    @property
    def percent(self) -> str:
        return f"{self.result.ratio * 100:.1f}%" if self.result else "—"

    @property
    def level_label(self) -> str:
        return LEVELS.get(self.result.level, "") if self.result else "尚无内容"

    @property
    def source(self) -> str:
        """The highest source as this reviewer may name it: a unit he does not review stays anonymous."""
        r = self.result
        if r is None or not r.source_relation:
            return ""
        if r.source_material_id and not self.source_visible:
            return hidden_label(r.source_relation)
        src = r.source_material
        if src is None:
            return f"{r.source_relation}：{r.source_title}"
        org = src.meeting.organization
        year = src.meeting.config.year if src.meeting.config_id else None
        where = "，".join(x for x in (f"{year}年度" if year else "", org.short_name or org.name) if x)
        return f"{r.source_relation}：{r.source_title}（{where}）"


def materials_table(*, user: Any, year: int | None = None, unit: int | None = None, level: str = ""):
    """Every written material of the meetings the user reviews across units, highest 复制比 first, as a
    queryset to page through (`table_rows` wraps a page). 403 for whom reviews no other unit."""
    from django.core.exceptions import PermissionDenied
    from django.db.models import Exists, F, OuterRef

    from mingjing.accounts.policy import reviewed_meetings_q, reviews_across_units
    from mingjing.meetings.models import Meeting
    from mingjing.organizations.models import Organization

    if not reviews_across_units(user):
        raise PermissionDenied("只有上级组织部门和督导组可以查看各单位材料的查重汇总")
    reviewed = reviewed_meetings_q(user)
    materials = Material.objects.filter(
        reviewed_meetings_q(user, "meeting__"), meeting__cancelled_on__isnull=True, current_version__gt=0
    )
    if year:
        materials = materials.filter(meeting__config__year=year)
    if unit:
        top = Organization.objects.filter(pk=unit).values_list("path", flat=True).first() or "-"
        materials = materials.filter(meeting__organization__path__startswith=top)
    if level in LEVELS:
        materials = materials.filter(originality_result__level=level)
    materials = materials.annotate(
        source_visible=Exists(
            Meeting.objects.filter(reviewed, pk=OuterRef("originality_result__source_material__meeting_id"))
        )
    ).select_related(
        "meeting__organization",
        "meeting__config",
        "owner",
        "originality_result__source_material__meeting__organization",
        "originality_result__source_material__meeting__config",
        "originality_result__source_material__owner",
    )
    return materials.order_by(
        F("originality_result__ratio").desc(nulls_last=True), "meeting__organization__path", "meeting_id", "pk"
    )


def table_rows(materials: Iterable[Material]) -> list[TableRow]:
    return [
        TableRow(material=m, result=getattr(m, "originality_result", None), source_visible=m.source_visible)
        for m in materials
    ]
