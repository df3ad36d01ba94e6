"""Query shapes built once per process, and queries compiled once per process.

Building a Django query (its filters, annotations, subqueries and values) costs about as much CPU as
compiling it to SQL, and together they cost more than SQLite takes to answer a page's small queries
(about 0.25 ms a query against 0.05 ms). Two helpers:

- `@query_shape` builds a shape once; each request only adds its own filter (`QuerySet.filter` clones
  the shape). A shape is never evaluated itself, so it holds no rows and is safe to share between
  threads. It must hold no `Prefetch`: prefetching writes hints on the Prefetch's queryset, so each
  query makes its own.
- `@prepared_query` goes one step further for a query that differs between calls only in ids: it is
  built and compiled once per process and database, and each call only binds its ids (see below).
"""

from __future__ import annotations

import copy
import inspect
import json
from collections.abc import Callable
from functools import cache
from typing import Any, ClassVar, Generic, TypeVar

from django.db import connections, router
from django.db.models import Prefetch, QuerySet
from django.db.models.sql.query import Query

from mingjing.lib import lookups  # noqa: F401 - registers __in_ints, which sets of ids are sent as

T = TypeVar("T")


def query_shape(build: Callable[[], T]) -> Callable[[], T]:
    return cache(build)


# --- prepared queries ---------------------------------------------------------------------------------
# The query is built once with a marker id in place of each argument and compiled with Django's own
# compiler; where each marker landed among the statement's parameters is noted. A call copies the
# compiled parameters, puts its ids in those places, and evaluates a clone of the built queryset whose
# compiler returns that statement: Django's own iterables turn the rows into models, dicts or tuples
# (select_related, annotations, converters and string prefetches as usual).
#
# Markers sit inside a 32-bit integer column's range: Django empties a lookup whose value a column
# cannot hold, and a marker it dropped would be noticed (every argument must land somewhere).
MARKER_BASE = 2_147_480_000
ID_RANGE = range(-(2**63), 2**63)  # what a database's integer column can hold; a caller checks ids from outside


class _BoundQuery(Query):
    """A compiled query with one call's parameters: its compiler returns the statement as compiled."""

    prepared: _Compiled
    bound: list

    def get_compiler(self, using=None, connection=None, elide_empty=True):
        compiled = self.prepared
        compiler = copy.copy(compiled.compiler)  # the compiled state, shared read-only
        compiler.connection = connection or connections[using]  # this thread's connection
        compiler.using = using
        sql, params = compiled.sql, tuple(self.bound)
        compiler.as_sql = lambda *args, **kwargs: (sql, params)
        return compiler


class _Compiled:
    def __init__(self, queryset: QuerySet, alias: str, markers: dict[str, int], label: str) -> None:
        if any(isinstance(lookup, Prefetch) for lookup in queryset._prefetch_related_lookups):
            raise TypeError(f"{label}: a prepared query cannot hold a Prefetch (prefetch after the call)")
        self.queryset = queryset
        self.query = queryset.query.chain()
        self.compiler = self.query.get_compiler(using=alias)
        self.sql, params = self.compiler.as_sql()
        self.params = list(params)
        self.slots: list[tuple[int, str, str]] = []  # (parameter index, argument, how it is sent)
        for index, value in enumerate(self.params):
            for name, marker in markers.items():
                # An int, or the database's own int type (psycopg's Int4 for an IntegerField on PostgreSQL).
                if isinstance(value, int) and not isinstance(value, bool) and value == marker:
                    self.slots.append((index, name, "id"))
                elif value == json.dumps([marker]):  # lib/lookups.InInts on SQLite
                    self.slots.append((index, name, "json"))
                elif value == [marker]:  # lib/lookups.InInts on PostgreSQL
                    self.slots.append((index, name, "array"))
        if unused := set(markers) - {name for _index, name, _how in self.slots}:
            raise TypeError(f"{label}: the query does not use {', '.join(sorted(unused))} as a parameter")
        if walked := {name for _index, name, how in self.slots if how == "id" and name.endswith("_ids")}:
            raise TypeError(f"{label}: {', '.join(sorted(walked))} must be used as field__in_ints")


class PreparedQuery(Generic[T]):
    """`build(**ids) -> QuerySet`, compiled once per database; calling it returns the rows as a list.

    The rules, checked where they can be: arguments named `*_ids` are sets of ids, used as
    `field__in_ints` (lib/lookups.py); every other argument is one id (int), used in a plain comparison.
    The query may depend on nothing but its arguments (no clock, no setting read per call: pass such a
    value as an argument). It holds no Prefetch objects; a list comes back, so it cannot be filtered
    further (a call that needs another filter needs another prepared query)."""

    every: ClassVar[list[PreparedQuery]] = []  # each one made, so a test can compile them all

    def __init__(self, build: Callable[..., QuerySet]) -> None:
        PreparedQuery.every.append(self)
        self.build = build
        self.label = f"{build.__module__}.{build.__qualname__} (line {build.__code__.co_firstlineno})"
        self.names = tuple(inspect.signature(build).parameters)
        self.model: type | None = None
        self._compiled: dict[str, _Compiled] = {}

    def __call__(self, **ids: Any) -> list[T]:
        if set(ids) != set(self.names):
            raise TypeError(f"{self.label}: takes {', '.join(self.names)}")
        alias = router.db_for_read(self.model) if self.model is not None else None
        compiled = self._compiled.get(alias) if alias is not None else None
        if compiled is None:
            compiled = self._compile()
        params = list(compiled.params)
        for index, name, how in compiled.slots:
            value = self._checked(name, ids[name])
            if how == "id":
                params[index] = type(params[index])(value)  # as the compiler adapted it (int, Int4 …)
            else:
                params[index] = json.dumps(list(value)) if how == "json" else list(value)
        query = copy.copy(compiled.query)
        query.__class__ = _BoundQuery
        query.prepared, query.bound = compiled, params
        queryset = compiled.queryset._chain()
        queryset._query = query  # not the `query` setter: it would turn a values_list into dicts
        return list(queryset)

    def _compile(self) -> _Compiled:
        markers = {name: MARKER_BASE + i for i, name in enumerate(self.names)}
        queryset = self.build(**{name: {m} if name.endswith("_ids") else m for name, m in markers.items()})
        self.model = queryset.model
        alias = queryset.db
        compiled = self._compiled[alias] = _Compiled(queryset, alias, markers, self.label)
        return compiled

    def _checked(self, name: str, value: Any) -> Any:
        if name.endswith("_ids"):
            if not isinstance(value, set | frozenset) or any(type(v) is not int or v not in ID_RANGE for v in value):
                raise TypeError(f"{self.label}: {name} must be a set of ids, not {value!r}")
        elif type(value) is not int or value not in ID_RANGE:
            raise TypeError(f"{self.label}: {name} must be an id (int), not {value!r}")
        return value


def prepared_query(build: Callable[..., QuerySet]) -> PreparedQuery:
    return PreparedQuery(build)
