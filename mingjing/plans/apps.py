from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "mingjing.plans"
    verbose_name = "方案与请示"
