"""Addresses of many records of one kind from one reverse.

A page listing fifty records with `{% url 'name' record.pk %}` reverses fifty times (about 15 µs of
CPU each). `record_url("name")` reverses once with a placeholder id and splits the address around
it; the template writes `{{ url.head }}{{ record.pk }}{{ url.tail }}`.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

PLACEHOLDER = 0


@dataclass(frozen=True)
class RecordUrl:
    head: str
    tail: str

    def of(self, pk: int) -> str:
        return f"{self.head}{pk}{self.tail}"


def record_url(viewname: str) -> RecordUrl:
    """The address of `viewname` for a record, split around the record's id (its only argument)."""
    url = reverse(viewname, args=[PLACEHOLDER])
    head, sep, tail = url.rpartition(f"/{PLACEHOLDER}/")
    if not sep:
        raise ValueError(f"{viewname}: the record's id is not a path segment of {url}")
    return RecordUrl(head + "/", "/" + tail)
