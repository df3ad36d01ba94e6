"""Which year configurations a user or a unit may use."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet

from mingjing.accounts.access import Perm, access_for
from mingjing.accounts.selectors import get_scoped, require
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


def get_config_for_user(*, user: Any, pk: Any, write: bool = False) -> YearConfig:
    config = get_scoped(configs_for_user(user=user), pk, missing="没有找到该年度配置")
    if write:
        if config.organization is None:
            # Presets are shared by every unit; a unit copies one and edits its copy.
            raise PermissionDenied("系统预置配置不能直接修改，请“以此为模板新建”后修改")
        require(user, Perm.UNIT_ADMIN, config.organization)
    return config


def config_aspects(*, config: YearConfig) -> QuerySet[Aspect]:
    return config.aspects.order_by("order")
