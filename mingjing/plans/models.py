"""The plan (实施方案) of a meeting and the request (请示) to the superior for its approval.

One Plan per meeting: theme, agenda, participants, the method steps with their dates and a task
table (seed 001's 任务推进表: task, person responsible, due date, done). The request goes to the
superior in rounds: a returned request is revised and sent again as a new round, and every round
is kept with its reply (given in the system by a 督导组 member or the superior's organization
department, or recorded by the preparer when it came on paper).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Plan(models.Model):
    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="plan")
    title = models.CharField("方案名称", max_length=200)
    document_number = models.CharField("文号", max_length=100, blank=True)
    # The superior's notice the meeting answers: the plan, the request and the report open with it.
    basis_issuer = models.CharField("上级通知发文机关", max_length=200, blank=True)
    basis_title = models.CharField("上级通知名称", max_length=300, blank=True)
    basis_number = models.CharField("上级通知文号", max_length=100, blank=True)
    theme = models.TextField("会议主题", max_length=500, blank=True)
    agenda = models.JSONField("会议议程", default=list, blank=True)
    participants = models.TextField("参会人员", max_length=1000, blank=True)
    observers = models.TextField("列席人员", max_length=500, blank=True)
    agreed_on = models.DateField("班子研究通过日期", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "民主生活会方案"

    def __str__(self) -> str:
        return self.title

    @property
    def basis(self) -> str:
        """“市委组织部《关于…的通知》（明组通〔2025〕30号）”, or "" when no notice is recorded."""
        if not self.basis_title:
            return ""
        number = f"（{self.basis_number}）" if self.basis_number else ""
        return f"{self.basis_issuer}《{self.basis_title.strip('《》')}》{number}"


class PlanStage(models.Model):
    """One of the plan's 方法步骤 (征求意见, 谈心谈话 …) with its dates."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="stages")
    order = models.PositiveSmallIntegerField("序号")
    title = models.CharField("步骤", max_length=200)
    starts_on = models.DateField("开始日期", null=True, blank=True)
    ends_on = models.DateField("完成时限", null=True, blank=True)
    content = models.TextField("工作内容", max_length=1000, blank=True)

    class Meta:
        verbose_name = "方法步骤"
        ordering = ["plan_id", "order", "id"]

    def __str__(self) -> str:
        return self.title


class PlanTask(models.Model):
    """A row of the 任务推进表. The person responsible is a team member of the frozen roster or,
    for staff outside the team (办公室, a division), a name typed in."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="tasks")
    task = models.CharField("任务", max_length=300)
    responsible_entry = models.ForeignKey(
        "meetings.RosterEntry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="plan_tasks",
        verbose_name="责任人（班子成员）",
    )
    responsible_name = models.CharField("责任人（其他）", max_length=100, blank=True)
    # The team member's name when he was chosen: re-freezing the roster replaces its entries (the
    # link is then cleared), and the table must still say who was responsible.
    responsible_entry_name = models.CharField(max_length=50, blank=True, editable=False)
    due_on = models.DateField("完成时限")
    done_on = models.DateField("完成日期", null=True, blank=True)
    note = models.CharField("备注", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "任务"
        ordering = ["plan_id", "due_on", "id"]

    def __str__(self) -> str:
        return self.task

    @property
    def responsible(self) -> str:
        if self.responsible_entry_id:
            return self.responsible_entry.name
        return self.responsible_name or self.responsible_entry_name or "【待补充】"


class RequestStatus(models.TextChoices):
    PENDING = "pending", "待答复"
    APPROVED = "approved", "已同意"
    RETURNED = "returned", "退回修改"


class PlanRequest(models.Model):
    """One round of the 请示 sent to the superior, with its reply."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="plan_requests")
    round = models.PositiveSmallIntegerField("轮次")
    title = models.CharField("请示标题", max_length=200)
    addressees = models.CharField("主送机关", max_length=300)
    document_number = models.CharField("文号", max_length=100, blank=True)
    sent_on = models.DateField("报送日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField("答复情况", max_length=20, choices=RequestStatus.choices, default=RequestStatus.PENDING)
    reply_comments = models.TextField("答复意见", max_length=2000, blank=True)
    # Given in the system: the reviewer's account; on paper: None, and the preparer who recorded it.
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    replier_name = models.CharField("答复人", max_length=200, blank=True)
    # The body that approved, as reports name it (“市民主生活会督导组”, “市委组织部”), not a person.
    replier_body = models.CharField("答复机关", max_length=200, blank=True, help_text="如“市民主生活会督导组”")
    replied_on = models.DateField("答复日期", null=True, blank=True)
    reply_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "请示"
        ordering = ["meeting_id", "round"]
        constraints = [models.UniqueConstraint(fields=["meeting", "round"], name="plan_request_unique_round")]

    def __str__(self) -> str:
        return f"第{self.round}轮请示：{self.title}"

    @property
    def is_pending(self) -> bool:
        return self.status == RequestStatus.PENDING

    @property
    def reply_on_paper(self) -> bool:
        return not self.is_pending and self.replied_by_id is None
