"""Appending rows to ordered lists in bulk (each list its own 1, 2, 3 … in an `order` field)."""

from __future__ import annotations

from collections.abc import Callable, Hashable

from django.db.models import Max, QuerySet


def order_counter(queryset: QuerySet, group: str) -> Callable[[Hashable], int]:
    """A function giving the next `order` of the list `key` (a value of the `group` field) among the
    rows of `queryset`, counting on from the last one saved: one query for any number of rows."""
    counted = queryset.order_by().values(group).annotate(last=Max("order"))
    last = {c[group]: c["last"] or 0 for c in counted}

    def take(key: Hashable) -> int:
        last[key] = last.get(key, 0) + 1
        return last[key]

    return take
