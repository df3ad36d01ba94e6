from django.apps import AppConfig


class TalksConfig(AppConfig):
    name = "mingjing.talks"
    verbose_name = "谈心谈话"
