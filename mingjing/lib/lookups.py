"""`field__in_ints=values`: membership in a long list of integers, sent as one parameter.

Django's `__in` walks, prepares and binds every value and writes one placeholder each: for the
thousand shingle hashes and band keys a 查重 report looks up, that costs about a millisecond of CPU
per view and a long statement the database parses anew. This lookup sends the list as one JSON
array (SQLite: `json_each`) or one array (PostgreSQL: `= ANY`); both use the column's index.
Pass a set (a list or tuple is walked value by value by Django before the lookup sees it).
"""

from __future__ import annotations

import json

from django.db.models import ForeignKey, IntegerField, Lookup


@ForeignKey.register_lookup  # a foreign key's column: `meeting_id__in_ints`
@IntegerField.register_lookup  # and so BigIntegerField and the integer primary keys
class InInts(Lookup):
    lookup_name = "in_ints"
    prepare_rhs = False  # integers already; nothing to prepare one by one

    def values(self) -> list[int]:
        return [int(v) for v in self.rhs]

    def as_sql(self, compiler, connection):  # SQLite
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(self.values())]

    def as_postgresql(self, compiler, connection):
        lhs, params = self.process_lhs(compiler, connection)
        return f"{lhs} = ANY(%s::bigint[])", [*params, self.values()]
