"""A meeting with `factor` times its records, for query-count tests and the archive benchmark.

Every row of a record kind that a meeting can hold many of (RECORDS: opinions, problems, measures,
items, milestones, evidence, talks, study sessions, criticisms …) is copied `factor - 1` times with
bulk creates, its many-to-many links too; a copy's links to other copied rows point to the copy of
the same round. Kinds a meeting holds once per person or once at all (the roster, the minutes, a
material per owner, campaigns with their public tokens, the step list) are left as they are: they
are the meeting's shape, not its records.
"""

from __future__ import annotations

from django.db import models

from mingjing.archive.bundle import owned_models
from mingjing.meetings.models import Meeting

# Unique per meeting, but renumbered for each round; the copy is nobody's carry-over.
RENUMBERED = {"rectification.rectificationitem": "number"}
CLEARED_UNIQUE = {"rectification.rectificationitem": ("carried_from",)}


RECORDS = {
    "minutes.agendaitem",
    "minutes.criticism",
    "minutes.observer",
    "opinions.opinion",
    "opinions.opinionitem",
    "plans.plantask",
    "problems.cause",
    "problems.measure",
    "problems.problem",
    "rectification.evidencefile",
    "rectification.milestone",
    "rectification.notice",
    "rectification.rectificationitem",
    "studies.studysession",
    "talks.talk",
}


def _copyable(model: type[models.Model]) -> bool:
    return model._meta.label_lower in RECORDS


def multiply_records(*, meeting: Meeting, factor: int) -> dict[str, int]:
    """Copy the meeting's records so each kind holds `factor` times its rows; returns the rows
    added per kind."""
    if factor < 2:
        return {}
    copies: dict[tuple[type, int], list[int]] = {}  # (model, original pk) → pk of its copy per round
    added: dict[str, int] = {}
    for owned in owned_models():
        model = owned.model
        if not _copyable(model):
            continue
        originals = list(model.objects.filter(**{owned.path: meeting}).order_by("pk"))
        if not originals:
            continue
        label = model._meta.label_lower
        top = 0
        if label in RENUMBERED:
            top = max(getattr(o, RENUMBERED[label]) for o in originals)
        made: list[tuple[int, int, models.Model]] = []  # (round, original pk, copy)
        for round_ in range(1, factor):
            for obj in originals:
                copy = _clone(obj)
                for f in model._meta.concrete_fields:
                    if f.is_relation and (f.related_model, getattr(obj, f.attname)) in copies:
                        setattr(copy, f.attname, copies[(f.related_model, getattr(obj, f.attname))][round_ - 1])
                if label in RENUMBERED:
                    name = RENUMBERED[label]
                    setattr(copy, name, getattr(obj, name) + top * round_)
                for name in CLEARED_UNIQUE.get(label, ()):
                    setattr(copy, model._meta.get_field(name).attname, None)
                made.append((round_, obj.pk, copy))
        model.objects.bulk_create([c for _, _, c in made], batch_size=500)
        for _, pk, copy in made:
            copies.setdefault((model, pk), []).append(copy.pk)
        added[label] = len(made)
        for f in model._meta.many_to_many:
            through = f.remote_field.through
            source = f.m2m_field_name()
            target = f.m2m_reverse_field_name()
            links = list(through.objects.filter(**{f"{source}__in": [o.pk for o in originals]}))
            rows = []
            for link in links:
                own = getattr(link, f"{source}_id")
                other = getattr(link, f"{target}_id")
                for round_ in range(1, factor):
                    mapped = copies.get((f.related_model, other))
                    rows.append(
                        through(
                            **{
                                f"{source}_id": copies[(model, own)][round_ - 1],
                                f"{target}_id": mapped[round_ - 1] if mapped else other,
                            }
                        )
                    )
            through.objects.bulk_create(rows, batch_size=500)
    return added


def _clone(obj: models.Model) -> models.Model:
    model = type(obj)
    copy = model()
    for f in model._meta.concrete_fields:
        if not f.primary_key:
            setattr(copy, f.attname, getattr(obj, f.attname))
    return copy
