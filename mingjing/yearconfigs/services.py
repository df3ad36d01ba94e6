"""Writes for year configurations: an administrator adds next year's list with no code change.

Aspects are edited in place: opinions, problems and the like point to them by primary key, so a
save renames, reorders, retires, adds and removes rows but never recreates one. An aspect that
records use is not deleted (the records would fall back to "未归入方面"); it can be retired.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F

from mingjing.accounts.access import Perm
from mingjing.accounts.selectors import require
from mingjing.audit.services import apply_changes, audit_record
from mingjing.organizations.models import Organization
from mingjing.yearconfigs.models import (
    CONFIG_FIELDS,
    Aspect,
    CounterpartKind,
    ProblemSource,
    StudyKind,
    TalkRule,
    YearConfig,
)
from mingjing.yearconfigs.selectors import aspect_usage, may_copy_into, require_config_edit, usage_text

TITLE_MAX = Aspect._meta.get_field("title").max_length
RETIRED_MARK = "（已停用）"


def _check_talk_rules(rules: list[str]) -> None:
    unknown = [r for r in rules if r not in TalkRule.values]
    if unknown:
        raise ValidationError({"talk_rules": f"未知的谈话范围：{'、'.join(unknown)}"})


# The lists a configuration offers out of a catalogue: (field, catalogue, what an entry is called).
OFFERED_LISTS = (
    ("problem_sources", ProblemSource, "问题来源"),
    ("study_kinds", StudyKind, "学习研讨形式"),
    ("counterpart_kinds", CounterpartKind, "谈话对象类型"),
)


def _check_lists(config: YearConfig) -> None:
    errors = {}
    for field, catalogue, noun in OFFERED_LISTS:
        codes = getattr(config, field)
        if not isinstance(codes, list) or not codes:
            errors[field] = f"请至少选择一项{noun}"
            continue
        unknown = [str(c) for c in codes if c not in catalogue.values]
        if unknown:
            errors[field] = f"未知的{noun}：{'、'.join(unknown)}"
    if errors:
        raise ValidationError(errors)


def _check_config(config: YearConfig) -> None:
    _check_talk_rules(config.talk_rules)
    _check_lists(config)


@dataclass
class _Row:
    number: int  # the row as the page shows it, for error messages
    aspect: Aspect | None  # the existing aspect this row edits; None: a new one
    title: str
    text: str
    retired: bool


def _describe(aspects: list[tuple[str, bool]]) -> str:
    return "；".join(title + (RETIRED_MARK if retired else "") for title, retired in aspects)


def _plan_aspects(config: YearConfig, rows: list[dict[str, Any]]) -> tuple[list[_Row], list[Aspect]]:
    """Check the submitted rows against the configuration's aspects.

    `rows` is the whole list in its new order; each row is a dict with `title`, optional `text`,
    `retired`, `delete`, `id` (the aspect it edits) and `row` (its number on the page, for errors).
    A row without `id` whose title equals an existing aspect not claimed by another row edits that
    aspect, so a caller that passes titles only keeps the links too. An existing aspect that no row
    keeps is removed. Returns the kept rows in order and the aspects to delete."""
    existing = {a.pk: a for a in config.aspects.order_by("order")} if config.pk else {}
    errors: list[str] = []
    claimed: dict[int, int] = {}
    for i, raw in enumerate(rows, start=1):
        number = int(raw.get("row") or i)
        pk = raw.get("id")
        if not pk:
            continue
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            pk = None
        if pk not in existing:
            errors.append(f"第{number}行：该方面已不在本年度配置中（可能已被他人删除），请刷新页面后重新填写")
        elif pk in claimed:
            errors.append(f"第{number}行：与第{claimed[pk]}行是同一个方面")
        else:
            claimed[pk] = number
    by_title = {a.title: a for pk, a in existing.items() if pk not in claimed}

    kept: list[_Row] = []
    removed: dict[int, int | None] = {}  # aspect pk -> row number (None: left out of the list)
    for i, raw in enumerate(rows, start=1):
        number = int(raw.get("row") or i)
        title = (raw.get("title") or "").strip()
        text = (raw.get("text") or "").strip()
        delete = bool(raw.get("delete"))
        aspect = existing.get(int(raw["id"])) if raw.get("id") and str(raw["id"]).isdigit() else None
        if raw.get("id") and aspect is None:
            continue  # reported above
        if aspect is None:
            if delete or not (title or text):
                continue  # a blank (or struck-out) new row
            aspect = by_title.pop(title, None)
            if aspect is not None:
                claimed[aspect.pk] = number
        if aspect is not None and delete:
            removed[aspect.pk] = number
            continue
        if not title:
            hint = "；如要删除此方面，请勾选“删除”" if aspect is not None else ""
            errors.append(f"第{number}行“标题”：不能为空{hint}")
            continue
        if len(title) > TITLE_MAX:
            errors.append(f"第{number}行“标题”：不能超过{TITLE_MAX}字（现有{len(title)}字）")
            continue
        kept.append(_Row(number, aspect, title, text, bool(raw.get("retired"))))
    for pk in existing:
        if pk not in claimed:
            removed[pk] = None

    first_with: dict[str, int] = {}
    for row in kept:
        if row.title in first_with:
            errors.append(f"第{row.number}行“标题”：与第{first_with[row.title]}行相同")
        else:
            first_with[row.title] = row.number

    usage = aspect_usage(list(removed))
    for pk, number in removed.items():
        if usage[pk]:
            where = f"第{number}行" if number else "方面"
            errors.append(
                f"{where}“{existing[pk].title}”已有{usage_text(usage[pk])}归入，不能删除；"
                "可勾选“停用”：已有记录保留此方面，新记录不再可选"
            )
    if not errors and not any(not r.retired for r in kept):
        errors.append("至少需要一个对照检查重点方面" if not kept else "至少需要一个未停用的对照检查重点方面")
    if errors:
        raise ValidationError({"aspects": errors})
    return kept, [existing[pk] for pk in removed]


def _save_aspects(config: YearConfig, rows: list[dict[str, Any]]) -> dict[str, str] | None:
    """Apply the rows in place; return the change for the audit line (None: nothing changed)."""
    kept, removed = _plan_aspects(config, rows)
    current = list(config.aspects.order_by("order"))
    before = [(a.title, a.retired) for a in current]
    before_full = [(a.pk, a.title, a.text, a.retired) for a in current]
    after_full = [(r.aspect.pk if r.aspect else None, r.title, r.text, r.retired) for r in kept]
    if before_full == after_full:
        return None
    if removed:
        Aspect.objects.filter(pk__in=[a.pk for a in removed]).delete()
    updated = [r for r in kept if r.aspect is not None]
    if updated:
        # Move the kept rows clear of the final numbers first: (config, order) is unique.
        offset = max(a.order for a in (r.aspect for r in updated)) + len(kept) + 1
        Aspect.objects.filter(pk__in=[r.aspect.pk for r in updated]).update(order=F("order") + offset)
    changed, created = [], []
    for order, row in enumerate(kept, start=1):
        if row.aspect is None:
            created.append(Aspect(config=config, order=order, title=row.title, text=row.text, retired=row.retired))
            continue
        row.aspect.order, row.aspect.title, row.aspect.text, row.aspect.retired = (
            order,
            row.title,
            row.text,
            row.retired,
        )
        changed.append(row.aspect)
    if changed:
        Aspect.objects.bulk_update(changed, ["order", "title", "text", "retired"])
    if created:
        Aspect.objects.bulk_create(created)
    return {
        "field": "aspects",
        "label": "对照检查重点方面",
        "old": _describe(before),
        "new": _describe([(r.title, r.retired) for r in kept]),
    }


@transaction.atomic
def yearconfig_create(
    *, actor: Any, organization: Organization, aspects: list[dict[str, Any]], **fields: Any
) -> YearConfig:
    if actor is not None:
        require(actor, Perm.UNIT_ADMIN, organization)
    config = YearConfig(organization=organization, **{k: v for k, v in fields.items() if k in CONFIG_FIELDS})
    _check_config(config)
    config.full_clean()
    _plan_aspects(config, aspects)  # refuse before anything is written
    config.save()
    _save_aspects(config, aspects)
    audit_record(
        actor=actor,
        event_type="created",
        obj=config,
        organization=organization,
        extra={"aspect_count": config.aspects.count()},
    )
    return config


@transaction.atomic
def yearconfig_copy(*, actor: Any, source: YearConfig, organization: Organization, year: int, name: str) -> YearConfig:
    """A unit's own copy of a preset (or of another config), to edit for next year or a 专题 meeting.

    Retired aspects are left behind: the copy is for new records. The unit's administrators copy any
    configuration; its preparer copies a shipped preset (selectors.may_copy_into)."""
    if actor is not None and not may_copy_into(actor, source, organization):
        raise PermissionDenied(
            "只有单位管理员可以为本单位新建年度配置；党务工作人员可以以系统预置配置为模板为本单位新建"
        )
    config = YearConfig(
        organization=organization,
        year=year,
        name=name.strip(),
        **{k: getattr(source, k) for k in CONFIG_FIELDS if k not in {"year", "name"}},
    )
    config.full_clean()
    config.save()
    Aspect.objects.bulk_create(
        Aspect(config=config, order=i, title=a.title, text=a.text)
        for i, a in enumerate(source.aspects.filter(retired=False).order_by("order"), start=1)
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
    *, actor: Any, config: YearConfig, data: dict[str, Any], aspects: list[dict[str, Any]] | None = None
) -> YearConfig:
    """Change a configuration; `aspects`, when given, is the whole list in its new order (see
    _plan_aspects for a row's keys). Aspects keep their primary keys, so records keep their aspect."""
    require_config_edit(actor, config)
    # One editor at a time: two saves of the same list must not interleave their renumbering.
    list(YearConfig.objects.select_for_update().filter(pk=config.pk).values_list("pk"))
    changes = apply_changes(config, {k: v for k, v in data.items() if k in CONFIG_FIELDS})
    _check_config(config)
    if changes:
        config.full_clean()
    if aspects is not None:
        change = _save_aspects(config, aspects)
        if change:
            changes.append(change)
    if changes:
        scalar = [c["field"] for c in changes if c["field"] != "aspects"]
        if scalar:
            config.save(update_fields=scalar)
        audit_record(actor=actor, event_type="updated", obj=config, organization=config.organization, changes=changes)
    return config
