from django.apps import AppConfig


class ProblemsConfig(AppConfig):
    name = "mingjing.problems"
    verbose_name = "查摆问题"
