"""Writing many rows at once for the imports: one prepared UPDATE sent with executemany.

Django's bulk_update builds a CASE WHEN per field and row, which costs seconds of Python at
10,000 rows; here each object's row is one parameter tuple of the same statement. Like
bulk_update it sends no signals and does not touch auto_now fields: set those before calling.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db import connections, models, router


def update_rows(model: type[models.Model], objs: Iterable[models.Model], fields: Sequence[str]) -> int:
    """Write `fields` (names, foreign keys by their field name) of each object to its row; returns
    how many objects were written."""
    alias = router.db_for_write(model)
    connection = connections[alias]
    meta = model._meta
    columns = [meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in columns)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"
    params = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in columns] + [obj.pk]
        for obj in objs
    ]
    if params:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)
    return len(params)
