from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "mingjing.documents"
    verbose_name = "文书"
