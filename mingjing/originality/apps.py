from django.apps import AppConfig


class OriginalityConfig(AppConfig):
    name = "mingjing.originality"
    verbose_name = "查重"

    def ready(self) -> None:
        from mingjing.originality import signals  # noqa: F401
