from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "mingjing.compliance"
    verbose_name = "合规检查"
