"""Which year configurations a user or a unit may use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet

from mingjing.accounts.access import Perm, access_for
from mingjing.accounts.selectors import get_scoped, require
from mingjing.lib.shapes import prepared_query
from mingjing.organizations.models import Organization
from mingjing.yearconfigs.models import Aspect, YearConfig


def configs_for_unit(*, organization: Organization) -> QuerySet[YearConfig]:
    """Shipped presets, plus those defined by the unit itself or any unit above it."""
    own_and_above = [*organization.ancestor_ids, organization.pk]
    return YearConfig.objects.filter(Q(organization__isnull=True) | Q(organization_id__in=own_and_above))


def configs_for_user(*, user: Any) -> QuerySet[YearConfig]:
    access = access_for(user)
    above: set[int] = set()
    for held in access.held:
        above.update(int(part) for part in held.path.strip("/").split("/") if part)
    return (
        YearConfig.objects.filter(
            Q(organization__isnull=True)
            | Q(organization_id__in=sorted(above))
            | access.org_q(Perm.UNIT_READ, "organization__")
        )
        .select_related("organization")
        .annotate(aspect_count=Count("aspects"))
        .order_by("-year", "organization_id", "kind", "id")
    )


def require_config_edit(user: Any, config: YearConfig) -> None:
    """Who may change a configuration: its unit's administrators; presets nobody (copy one).

    `user` None is the system (console, preset sync), which may."""
    if user is None:
        return
    if config.organization is None:
        # Presets are shared by every unit; a unit copies one and edits its copy.
        raise PermissionDenied("系统预置配置不能直接修改，请“以此为模板新建”后修改")
    require(user, Perm.UNIT_ADMIN, config.organization)


def may_copy_into(user: Any, source: YearConfig, organization: Organization) -> bool:
    """Who may make a unit's configuration by copying `source`: the unit's administrators; for a
    shipped preset also its preparer (MEETING_WRITE on the unit), who prepares the meeting and finds
    no configuration for the year. Editing the copy stays with the administrators."""
    access = access_for(user)
    if access.can(Perm.UNIT_ADMIN, organization):
        return True
    return source.is_preset and access.can(Perm.MEETING_WRITE, organization)


def copy_target_units(*, user: Any, source: YearConfig) -> QuerySet[Organization]:
    """The units the user may copy `source` into (see may_copy_into)."""
    q = access_for(user).org_q(Perm.UNIT_ADMIN)
    if source.is_preset:
        q |= access_for(user).org_q(Perm.MEETING_WRITE)
    return Organization.objects.filter(q).select_related("parent").order_by("path")


def get_config_for_user(*, user: Any, pk: Any, write: bool = False) -> YearConfig:
    config = get_scoped(configs_for_user(user=user), pk, missing="没有找到该年度配置")
    if write:
        require_config_edit(user, config)
    return config


def config_aspects(*, config: YearConfig) -> QuerySet[Aspect]:
    """Every aspect of the configuration, retired ones included (for existing records and documents)."""
    return config.aspects.order_by("order")


def active_aspects(config: YearConfig | int, *, keep: Aspect | int | None = None) -> QuerySet[Aspect]:
    """The aspects offered for a new record: not retired, in order.

    `config` is a configuration or its id (`meeting.config_id`). `keep` is the aspect a record being
    edited already has: it stays selectable even when retired, so saving the record keeps it."""
    config_id = config.pk if isinstance(config, YearConfig) else config
    keep_id = keep.pk if isinstance(keep, Aspect) else keep
    offered = Q(retired=False) | Q(pk=keep_id) if keep_id else Q(retired=False)
    return Aspect.objects.filter(offered, config_id=config_id).order_by("order")


# How the records that point to an aspect are named on the configuration page; any other model
# with a foreign key to Aspect is counted too, under its verbose_name.
USAGE_NAMES: dict[str, tuple[str, str]] = {
    "opinions.opinion": ("意见建议", "条"),
    "opinions.opinionitem": ("意见归纳项", "项"),
    "problems.problem": ("查摆问题", "个"),
}


@dataclass(frozen=True)
class AspectUsage:
    kind: str  # 意见建议
    count: int
    measure: str  # 条

    def __str__(self) -> str:
        return f"{self.kind}{self.count}{self.measure}"


def _aspect_relations() -> list:
    """Every relation from another model to Aspect (foreign keys and many-to-many), found through
    the model registry so that a new app's records are counted without a change here."""
    return [
        rel
        for rel in Aspect._meta.get_fields(include_hidden=True)
        if rel.auto_created and not rel.concrete and rel.related_model is not Aspect
    ]


def aspect_usage(aspect_ids: list[int]) -> dict[int, list[AspectUsage]]:
    """For each aspect, the records that point to it, counted per kind ({} entry: none)."""
    usage: dict[int, list[AspectUsage]] = {pk: [] for pk in aspect_ids}
    if not aspect_ids:
        return usage
    for rel in sorted(_aspect_relations(), key=lambda r: r.related_model._meta.label_lower):
        model, field = rel.related_model, rel.field.name
        kind, measure = USAGE_NAMES.get(model._meta.label_lower, (str(model._meta.verbose_name), "条"))
        rows = (
            model._base_manager.filter(**{f"{field}__in": aspect_ids})
            .values_list(field)
            .annotate(n=Count("pk", distinct=True))
            .order_by()
        )
        for aspect_id, n in rows:
            usage[aspect_id].append(AspectUsage(kind, n, measure))
    return usage


def usage_text(usage: list[AspectUsage]) -> str:
    """'意见建议4条、查摆问题3个'."""
    return "、".join(str(u) for u in usage)


_ASPECT_TEXTS = prepared_query(
    lambda config_id: Aspect.objects.filter(config_id=config_id).values_list("title", "text")
)


def aspect_titles_and_texts(config: YearConfig) -> list[tuple[str, str]]:
    """The year's aspects as (title, text) in order, read once per configuration object (the 查重
    masks and the hints of one material both want them)."""
    cached = config.__dict__.get("_aspect_titles_and_texts")
    if cached is None:
        cached = config.__dict__["_aspect_titles_and_texts"] = _ASPECT_TEXTS(config_id=config.pk)
    return cached
