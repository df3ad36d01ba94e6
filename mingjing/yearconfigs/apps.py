from django.apps import AppConfig
from django.db.models.signals import post_migrate


class YearConfigsConfig(AppConfig):
    name = "mingjing.yearconfigs"
    verbose_name = "年度配置"

    def ready(self) -> None:
        from mingjing.yearconfigs.presets import sync_presets_after_migrate

        post_migrate.connect(sync_presets_after_migrate, sender=self)
