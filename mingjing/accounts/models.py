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


class SecurityPolicy(models.Model):
    """The identity controls (等保 第三级 8.1.4.1), one row, set by the security administrator."""

    lockout_failures = models.PositiveSmallIntegerField(
        "连续登录失败锁定次数", default=5, help_text="同一账号或同一地址连续输错密码达到此次数即锁定"
    )
    lockout_minutes = models.PositiveSmallIntegerField("锁定时长（分钟）", default=15)
    min_length = models.PositiveSmallIntegerField("密码最短长度", default=8)
    min_classes = models.PositiveSmallIntegerField(
        "密码至少包含的字符类别数", default=3, help_text="大写字母、小写字母、数字、符号四类中的几类（1—4）"
    )
    max_age_days = models.PositiveSmallIntegerField(
        "密码有效期（天）", default=90, help_text="到期后须修改密码才能继续使用；0 表示不限"
    )
    warn_days = models.PositiveSmallIntegerField("到期前提醒（天）", default=7)
    idle_minutes = models.PositiveSmallIntegerField(
        "无操作自动退出（分钟）", default=30, help_text="另有登录后最长有效时间（MINGJING_SESSION_AGE_SECONDS）"
    )
    max_sessions = models.PositiveSmallIntegerField("同一账号同时在线数", default=2, help_text="超过时最早的登录被退出")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "身份鉴别策略"

    def __str__(self) -> str:
        return "身份鉴别策略"


class AccountSecurity(models.Model):
    """What the identity controls keep about one account."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="security")
    # The unit whose administrators manage the account (set when an administrator creates it).
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="accounts",
        verbose_name="所属单位",
    )
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)
    # Demo accounts keep the documented password: no forced change, no expiry.
    is_demo = models.BooleanField("演示账号", default=False)
    last_login_at = models.DateTimeField("最近登录时间", null=True, blank=True)
    last_login_ip = models.GenericIPAddressField("最近登录地址", null=True, blank=True)

    class Meta:
        verbose_name = "账号安全信息"

    def __str__(self) -> str:
        return str(self.user)


class SessionRecord(models.Model):
    """One signed-in session of an account, so that parallel sessions can be counted and ended."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="session_records")
    # SHA-256 of the session key: the key itself stays only in the session table.
    key_hash = models.CharField(max_length=64, unique=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.user_id}@{self.ip or '-'}"
