from importlib import import_module
from importlib.util import find_spec

from django.apps import AppConfig, apps


class DocumentsConfig(AppConfig):
    name = "mingjing.documents"
    verbose_name = "文书"

    def ready(self) -> None:
        # This app's own kinds, then each domain app's `<app>/documents.py`, which calls
        # mingjing.documents.registry.register(...) for the kinds it writes.
        import_module("mingjing.documents.kinds")
        for config in apps.get_app_configs():
            if config.name.startswith("mingjing.") and config.name != self.name:
                module_name = f"{config.name}.documents"
                if find_spec(module_name) is not None:
                    import_module(module_name)
