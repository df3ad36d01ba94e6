from django.apps import AppConfig


class StudiesConfig(AppConfig):
    name = "mingjing.studies"
    verbose_name = "学习研讨"
