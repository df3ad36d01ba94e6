from django.apps import AppConfig


class RectificationConfig(AppConfig):
    name = "mingjing.rectification"
    verbose_name = "整改台账"
