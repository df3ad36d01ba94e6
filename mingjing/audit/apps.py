from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate


class AuditConfig(AppConfig):
    name = "mingjing.audit"
    verbose_name = "审计"

    def ready(self) -> None:
        from mingjing.audit import signals

        signals.connect()
        # A later migration that rebuilds the table on SQLite drops its triggers with it.
        post_migrate.connect(_reinstall_triggers, sender=self, dispatch_uid="audit-triggers")
        # Each domain app may declare its own event types in `<app>/events.py` (EVENT_PHRASES),
        # so apps add phrases without editing one shared file.
        from mingjing.audit.events import EVENT_PHRASES

        for config in apps.get_app_configs():
            if config.name.startswith("mingjing.") and config.name != self.name:
                module_name = f"{config.name}.events"
                if find_spec(module_name) is not None:
                    for key, phrase in import_module(module_name).EVENT_PHRASES.items():
                        if key in EVENT_PHRASES and EVENT_PHRASES[key] != phrase:
                            raise RuntimeError(f"event type {key!r} declared twice")
                        EVENT_PHRASES[key] = phrase


def _reinstall_triggers(sender, using, plan=None, **kwargs) -> None:
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from mingjing.audit import triggers

    connection = connections[using]
    if MigrationRecorder(connection).migration_qs.filter(app="audit", name__startswith="0002").exists():
        triggers.install(connection)
