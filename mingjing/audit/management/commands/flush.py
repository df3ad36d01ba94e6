"""Django's `flush`, which empties the whole database, the audit log included.

The audit table refuses DELETE and TRUNCATE (mingjing/audit/triggers.py); emptying every table is
the one operation that removes its rows with them (a fresh deployment; the tests' TransactionTestCase
between tests), so the triggers are lifted for that moment and put back after.
"""

from __future__ import annotations

from django.core.management.commands.flush import Command as FlushCommand
from django.db import DEFAULT_DB_ALIAS, connections

from mingjing.audit import triggers


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options.get("database") or DEFAULT_DB_ALIAS]
        had_triggers = triggers.installed(connection)
        if had_triggers:
            triggers.remove(connection)
        try:
            return super().handle(**options)
        finally:
            if had_triggers:
                triggers.install(connection)
