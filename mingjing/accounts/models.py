"""A user's roles, each held in one unit."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "管理员"
    PREPARER = "preparer", "党务工作人员"
    PRINCIPAL = "principal", "主要负责同志"
    MEMBER = "member", "班子成员"
    SUPERVISOR = "supervisor", "督导组成员"
    SUPERIOR = "superior", "上级组织部门"
    # 三员分立 (等保 第三级): the deployment's three administrators. One account never holds two of
    # them, and none reads a meeting's content through such a role.
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


THREE_ADMINS = (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)


class Membership(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.CASCADE, related_name="memberships", verbose_name="单位"
    )
    role = models.CharField("角色", max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "角色"
        ordering = ["organization_id", "role", "user_id"]
        constraints = [models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique_role")]

    def __str__(self) -> str:
        return f"{self.get_role_display()}"
