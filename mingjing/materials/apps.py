from django.apps import AppConfig


class MaterialsConfig(AppConfig):
    name = "mingjing.materials"
    verbose_name = "对照检查材料"
