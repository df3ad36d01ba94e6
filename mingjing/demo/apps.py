from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "mingjing.demo"
    verbose_name = "演示数据"
