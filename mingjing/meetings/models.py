"""A unit's 民主生活会: when and where, its frozen team roster, its supervisors and its steps."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from mingjing.organizations.models import TeamRole
from mingjing.yearconfigs.models import MeetingKind


class HalfDay(models.TextChoices):
    MORNING = "am", "上午"
    AFTERNOON = "pm", "下午"


class Meeting(models.Model):
    # Identity across deployments: a meeting bundle carries it, so importing the same bundle into
    # another deployment twice updates one meeting instead of creating two.
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="meetings", verbose_name="单位"
    )
    config = models.ForeignKey(
        "yearconfigs.YearConfig", on_delete=models.PROTECT, related_name="meetings", verbose_name="年度配置"
    )
    kind = models.CharField("类型", max_length=20, choices=MeetingKind.choices, default=MeetingKind.ANNUAL)
    title = models.CharField("会议名称", max_length=200)
    planned_date = models.DateField("计划召开日期")
    half_day = models.CharField("上午/下午", max_length=2, choices=HalfDay.choices, default=HalfDay.MORNING)
    place = models.CharField("地点", max_length=200, blank=True)
    previous = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="following", verbose_name="上年度会议"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Set when the materials are boxed (专盒归档): the meeting is read-only from then on, until an
    # administrator reopens it (mingjing.archive).
    archived_on = models.DateField("归档日期", null=True, blank=True, editable=False)
    # A read-only copy of another deployment's meeting, imported from its bundle (a superior reading
    # a subordinate's meeting): nobody here changes it; a newer bundle of it replaces it.
    is_copy = models.BooleanField("导入的只读副本", default=False, editable=False)
    # One meeting per unit, year and kind: a second 专题 meeting of the same year exists only when
    # the unit's administrator says so, with this reason.
    extra_reason = models.CharField("增开理由", max_length=300, blank=True, editable=False)
    # Entered after the fact (its date had passed when it was created): no step of it is late.
    entered_after = models.BooleanField("事后补录", default=False)
    # Cancelled (it has records, so it is kept): read-only, out of every list and count.
    cancelled_on = models.DateField("取消日期", null=True, blank=True, editable=False)
    cancel_reason = models.CharField("取消原因", max_length=300, blank=True, editable=False)

    class Meta:
        verbose_name = "民主生活会"
        ordering = ["-planned_date", "-id"]
        # The meetings list pages through every meeting in this order: read from the index, not sorted.
        indexes = [models.Index(fields=["-planned_date", "-id"], name="meeting_list_order")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_on is not None


class RosterEntry(models.Model):
    """A team member as he was when the roster was frozen: posts change between years."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="roster")
    person = models.ForeignKey("organizations.Person", on_delete=models.PROTECT, related_name="roster_entries")
    name = models.CharField("姓名", max_length=50)
    post = models.CharField("职务", max_length=200, blank=True)
    team_role = models.CharField("班子角色", max_length=20, choices=TeamRole.choices)
    precedence = models.PositiveSmallIntegerField("班子排序", default=0)
    branch = models.ForeignKey(
        "organizations.PartyBranch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    supervised_divisions = models.ManyToManyField("organizations.Division", blank=True, related_name="+")

    class Meta:
        verbose_name = "班子名单"
        ordering = ["meeting_id", "precedence", "id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "person"], name="roster_unique_person")]

    def __str__(self) -> str:
        return self.name


class StepCompletion(models.Model):
    """A lifecycle step marked done. Later modules derive some steps from their own records."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="step_completions")
    step = models.CharField(max_length=40)
    completed_on = models.DateField("完成日期")
    note = models.CharField("说明", max_length=300, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["meeting", "step"], name="step_done_once")]

    def __str__(self) -> str:
        return f"{self.step} {self.completed_on}"


class SupervisorAssignment(models.Model):
    """A 督导组 member sent by a superior unit to this meeting."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="supervisor_assignments")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="supervised_meetings")
    title = models.CharField("督导职务", max_length=200, blank=True, help_text="如“市委第三督导组组长”")

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["meeting", "user"], name="supervisor_once_per_meeting")]

    def __str__(self) -> str:
        return self.title
