from django.apps import AppConfig


class MinutesConfig(AppConfig):
    name = "mingjing.minutes"
    verbose_name = "会议记录"
