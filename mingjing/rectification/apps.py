from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "mingjing.rectification"
    verbose_name = "整改台账"

    def ready(self) -> None:
        from mingjing.rectification import tally  # noqa: F401 (the roll-up's signals)
