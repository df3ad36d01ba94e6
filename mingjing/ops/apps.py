from django.apps import AppConfig


class OpsConfig(AppConfig):
    """Running a deployment: backup and restore (no models)."""

    name = "mingjing.ops"
    verbose_name = "运维"
