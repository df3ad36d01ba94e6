from django.apps import AppConfig


class ArchiveConfig(AppConfig):
    name = "mingjing.archive"
    verbose_name = "归档与交换"

    def ready(self) -> None:
        from mingjing.archive import guard

        guard.connect()
