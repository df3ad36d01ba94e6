"""Reminders that were sent: the in-system notification (one row per person, task, level and deadline,
stored when it is sent, so a second run sends nothing twice) and each person's e-mail choice."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Level(models.TextChoices):
    TODO = "todo", "待办"
    YELLOW = "yellow", "临近时限"
    RED = "red", "已逾期"


class Notification(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    # The task (the to-do's key, e.g. "item:12"), the escalation step ("todo", "due20", "due10", "overdue",
    # "step-red" …) and the deadline it was reckoned against: a moved deadline is a new reminder.
    what = models.CharField("事项", max_length=120)
    step = models.CharField("提醒级次", max_length=20)
    deadline = models.DateField("时限", null=True, blank=True)
    level = models.CharField("级别", max_length=10, choices=Level.choices, default=Level.TODO)
    text = models.CharField("内容", max_length=300)
    mark = models.CharField("说明", max_length=60, blank=True)
    url = models.CharField("链接", max_length=300)
    created_at = models.DateTimeField("提醒时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    # Set when the e-mail that carries it is handed to the mail server (or claimed for sending).
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, default="", editable=False)

    class Meta:
        verbose_name = "提醒"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "what", "step", "deadline"],
                condition=models.Q(deadline__isnull=False),
                name="reminder_once_with_deadline",
            ),
            models.UniqueConstraint(
                fields=["user", "what", "step"],
                condition=models.Q(deadline__isnull=True),
                name="reminder_once_without_deadline",
            ),
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="reminder_user_unread")]

    def __str__(self) -> str:
        return self.text


class Preference(models.Model):
    """A person's reminder settings; no row means the defaults (e-mail on, when he has an address)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference")
    email_enabled = models.BooleanField("接收邮件提醒", default=True)

    class Meta:
        verbose_name = "提醒设置"

    def __str__(self) -> str:
        return f"{self.user}的提醒设置"
