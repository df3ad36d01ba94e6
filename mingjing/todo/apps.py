from django.apps import AppConfig


class TodoConfig(AppConfig):
    name = "mingjing.todo"
    verbose_name = "待办"
