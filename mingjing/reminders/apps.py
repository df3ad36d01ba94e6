from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "mingjing.reminders"
    verbose_name = "提醒"
