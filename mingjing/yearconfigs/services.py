"""Writes for year configurations: an administrator adds next year's list with no code change."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mingjing.audit.services import apply_changes, audit_record
from mingjing.organizations.models import Organization
from mingjing.yearconfigs.models import CONFIG_FIELDS, Aspect, TalkRule, YearConfig


def _clean_aspects(aspects: list[dict[str, str]]) -> list[dict[str, str]]:
    cleaned = [{"title": a["title"].strip(), "text": a.get("text", "").strip()} for a in aspects]
    cleaned = [a for a in cleaned if a["title"]]
    if not cleaned:
        raise ValidationError({"aspects": "至少需要一个对照检查重点方面"})
    return cleaned


def _check_talk_rules(rules: list[str]) -> None:
    unknown = [r for r in rules if r not in TalkRule.values]
    if unknown:
        raise ValidationError({"talk_rules": f"未知的谈话范围：{'、'.join(unknown)}"})


@transaction.atomic
def yearconfig_create(
    *, actor: Any, organization: Organization, aspects: list[dict[str, str]], **fields: Any
) -> YearConfig:
    cleaned = _clean_aspects(aspects)
    config = YearConfig(organization=organization, **{k: v for k, v in fields.items() if k in CONFIG_FIELDS})
    _check_talk_rules(config.talk_rules)
    config.full_clean()
    config.save()
    Aspect.objects.bulk_create(
        Aspect(config=config, order=i, title=a["title"], text=a["text"]) for i, a in enumerate(cleaned, start=1)
    )
    audit_record(
        actor=actor, event_type="created", obj=config, organization=organization, extra={"aspect_count": len(cleaned)}
    )
    return config


@transaction.atomic
def yearconfig_copy(*, actor: Any, source: YearConfig, organization: Organization, year: int, name: str) -> YearConfig:
    """A unit's own copy of a preset (or of another config), to edit for next year or a 专题 meeting."""
    config = YearConfig(
        organization=organization,
        year=year,
        name=name.strip(),
        **{k: getattr(source, k) for k in CONFIG_FIELDS if k not in {"year", "name"}},
    )
    config.full_clean()
    config.save()
    Aspect.objects.bulk_create(
        Aspect(config=config, order=a.order, title=a.title, text=a.text) for a in source.aspects.order_by("order")
    )
    audit_record(
        actor=actor,
        event_type="yearconfig.copied",
        obj=config,
        organization=organization,
        extra={"source": source.name},
    )
    return config


@transaction.atomic
def yearconfig_update(
    *, actor: Any, config: YearConfig, data: dict[str, Any], aspects: list[dict[str, str]] | None = None
) -> YearConfig:
    changes = apply_changes(config, {k: v for k, v in data.items() if k in CONFIG_FIELDS})
    _check_talk_rules(config.talk_rules)
    if aspects is not None:
        cleaned = _clean_aspects(aspects)
        old = [{"title": a.title, "text": a.text} for a in config.aspects.order_by("order")]
        if old != cleaned:
            config.aspects.all().delete()
            Aspect.objects.bulk_create(
                Aspect(config=config, order=i, title=a["title"], text=a["text"]) for i, a in enumerate(cleaned, start=1)
            )
            changes.append(
                {
                    "field": "aspects",
                    "label": "对照检查重点方面",
                    "old": "；".join(a["title"] for a in old),
                    "new": "；".join(a["title"] for a in cleaned),
                }
            )
    if changes:
        config.full_clean()
        scalar = [c["field"] for c in changes if c["field"] != "aspects"]
        if scalar:
            config.save(update_fields=scalar)
        audit_record(actor=actor, event_type="updated", obj=config, organization=config.organization, changes=changes)
    return config
