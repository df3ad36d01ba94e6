"""Writes for units, divisions, branches and people. Each runs in a transaction, validates,
and records one audit event."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mingjing.audit.services import apply_changes, audit_record
from mingjing.organizations.models import Division, Organization, OrgKind, PartyBranch, Person, TeamRole

UNIT_FIELDS = ("kind", "name", "short_name", "addressees", "doc_number_prefix")
DUPLICATE_PERSON = "本单位已有同名人员，请在姓名后加以区分，如“张伟（大）”"
PERSON_FIELDS = ("name", "post", "team_role", "precedence", "heads_division", "branch", "is_active")


@transaction.atomic
def organization_create(
    *,
    actor: Any,
    parent: Organization | None,
    name: str,
    short_name: str,
    kind: str = OrgKind.PARTY_GROUP,
    addressees: str = "",
    doc_number_prefix: str = "",
) -> Organization:
    unit = Organization(
        parent=parent,
        name=name.strip(),
        short_name=short_name.strip(),
        kind=kind,
        addressees=addressees.strip(),
        doc_number_prefix=doc_number_prefix.strip(),
    )
    unit.full_clean()
    unit.save()
    # The path needs the new id, so it is written right after the insert.
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.save(update_fields=["path"])
    audit_record(actor=actor, event_type="created", obj=unit, organization=parent or unit)
    return unit


@transaction.atomic
def organization_update(*, actor: Any, organization: Organization, data: dict[str, Any]) -> Organization:
    changes = apply_changes(organization, {k: v for k, v in data.items() if k in UNIT_FIELDS})
    if changes:
        organization.full_clean()
        organization.save(update_fields=[c["field"] for c in changes])
        audit_record(actor=actor, event_type="updated", obj=organization, organization=organization, changes=changes)
    return organization


@transaction.atomic
def division_create(*, actor: Any, organization: Organization, name: str, order: int = 0) -> Division:
    division = Division(organization=organization, name=name.strip(), order=order)
    _check_name_free(Division, organization, division.name, "本单位已有同名科室")
    division.full_clean()
    division.save()
    audit_record(actor=actor, event_type="created", obj=division, organization=organization)
    return division


@transaction.atomic
def branch_create(*, actor: Any, organization: Organization, name: str, order: int = 0) -> PartyBranch:
    branch = PartyBranch(organization=organization, name=name.strip(), order=order)
    _check_name_free(PartyBranch, organization, branch.name, "本单位已有同名党支部")
    branch.full_clean()
    branch.save()
    audit_record(actor=actor, event_type="created", obj=branch, organization=organization)
    return branch


@transaction.atomic
def division_rename(*, actor: Any, division: Division, name: str, order: int) -> Division:
    _check_name_free(Division, division.organization, name.strip(), "本单位已有同名科室", pk=division.pk)
    changes = apply_changes(division, {"name": name.strip(), "order": order})
    if changes:
        division.full_clean()
        division.save(update_fields=[c["field"] for c in changes])
        audit_record(
            actor=actor, event_type="updated", obj=division, organization=division.organization, changes=changes
        )
    return division


@transaction.atomic
def branch_rename(*, actor: Any, branch: PartyBranch, name: str, order: int) -> PartyBranch:
    _check_name_free(PartyBranch, branch.organization, name.strip(), "本单位已有同名党支部", pk=branch.pk)
    changes = apply_changes(branch, {"name": name.strip(), "order": order})
    if changes:
        branch.full_clean()
        branch.save(update_fields=[c["field"] for c in changes])
        audit_record(actor=actor, event_type="updated", obj=branch, organization=branch.organization, changes=changes)
    return branch


def _check_name_free(model: type, organization: Organization, name: str, message: str, pk: int | None = None) -> None:
    """Report a taken name on the name field (a multi-field constraint would report it on the form)."""
    if model.objects.filter(organization=organization, name=name).exclude(pk=pk).exists():
        raise ValidationError({"name": message})


def _check_links(organization: Organization, person: Person, divisions: Iterable[Division]) -> None:
    """Divisions and branches must belong to the person's own unit."""
    errors: dict[str, str] = {}
    if any(d.organization_id != organization.pk for d in divisions):
        errors["supervised_divisions"] = "分管科室必须是本单位的科室"
    if person.heads_division and person.heads_division.organization_id != organization.pk:
        errors["heads_division"] = "负责科室必须是本单位的科室"
    if person.branch and person.branch.organization_id != organization.pk:
        errors["branch"] = "所在党支部必须是本单位的党支部"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def person_create(
    *,
    actor: Any,
    organization: Organization,
    name: str,
    post: str = "",
    team_role: str = TeamRole.NONE,
    precedence: int = 0,
    supervised_divisions: Iterable[Division] = (),
    heads_division: Division | None = None,
    branch: PartyBranch | None = None,
    is_active: bool = True,
    user: Any = None,
    audit: bool = True,
) -> Person:
    person = Person(
        organization=organization,
        name=name.strip(),
        post=post.strip(),
        team_role=team_role,
        precedence=precedence,
        heads_division=heads_division,
        branch=branch,
        is_active=is_active,
        user=user,
    )
    divisions = list(supervised_divisions)
    _check_name_free(Person, organization, person.name, DUPLICATE_PERSON)
    _check_links(organization, person, divisions)
    person.full_clean()
    person.save()
    person.supervised_divisions.set(divisions)
    if audit:
        audit_record(actor=actor, event_type="created", obj=person, organization=organization)
    return person


@transaction.atomic
def person_update(
    *,
    actor: Any,
    person: Person,
    data: dict[str, Any],
    supervised_divisions: Iterable[Division] | None = None,
    audit: bool = True,
) -> list[dict[str, str]]:
    """Apply the changes and return them (empty when nothing changed)."""
    changes = apply_changes(person, {k: v for k, v in data.items() if k in PERSON_FIELDS})
    divisions = None if supervised_divisions is None else list(supervised_divisions)
    _check_name_free(Person, person.organization, person.name, DUPLICATE_PERSON, pk=person.pk)
    _check_links(person.organization, person, divisions or [])
    if divisions is not None:
        old = sorted(d.name for d in person.supervised_divisions.all())
        new = sorted(d.name for d in divisions)
        if old != new:
            person.supervised_divisions.set(divisions)
            changes.append(
                {
                    "field": "supervised_divisions",
                    "label": "分管科室",
                    "old": "、".join(old) or "（空）",
                    "new": "、".join(new) or "（空）",
                }
            )
    if changes:
        person.full_clean()
        scalar = [c["field"] for c in changes if c["field"] != "supervised_divisions"]
        if scalar:
            person.save(update_fields=scalar)
        if audit:
            audit_record(
                actor=actor, event_type="updated", obj=person, organization=person.organization, changes=changes
            )
    return changes
