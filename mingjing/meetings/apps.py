from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "mingjing.meetings"
    verbose_name = "民主生活会"
