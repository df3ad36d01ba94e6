from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "mingjing.organizations"
    verbose_name = "单位与人员"
