from django.apps import AppConfig


class OpinionsConfig(AppConfig):
    name = "mingjing.opinions"
    verbose_name = "征求意见"
