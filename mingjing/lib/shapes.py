"""Query shapes built once per process.

Building a Django query (its filters, annotations, subqueries and values) costs about as much CPU as
compiling it to SQL, and a page's fixed queries are built again on every view. A function decorated
with `@query_shape` builds them once; each request only adds its own filter (`QuerySet.filter`
clones the shape). A shape is never evaluated itself, so it holds no rows and is safe to share
between threads. It must hold no `Prefetch`: prefetching writes hints on the Prefetch's queryset,
so each query makes its own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import TypeVar

T = TypeVar("T")


def query_shape(build: Callable[[], T]) -> Callable[[], T]:
    return cache(build)
