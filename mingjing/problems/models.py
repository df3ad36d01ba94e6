"""Problems found (查摆问题), their causes (原因剖析) and the measures (整改措施) answering them,
for the team (member is None) and for each member of the frozen roster."""

from __future__ import annotations

from django.db import models

# The catalogue of sources lives with the year configuration, which offers some of them.
from mingjing.yearconfigs.models import ProblemSource as Source


class Problem(models.Model):
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="problems")
    member = models.ForeignKey(
        "meetings.RosterEntry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="problems",
        verbose_name="班子成员",
        help_text="为空表示领导班子的问题",
    )
    aspect = models.ForeignKey(
        "yearconfigs.Aspect", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="方面"
    )
    description = models.TextField("问题表现", max_length=1000)
    example = models.TextField("具体事例（比如…）", max_length=1000, blank=True)
    source = models.CharField("问题来源", max_length=20, choices=Source.choices, default=Source.SELF)
    opinions = models.ManyToManyField("opinions.Opinion", blank=True, related_name="problems", verbose_name="相关意见")
    order = models.PositiveIntegerField("序号", default=0)

    class Meta:
        verbose_name = "查摆问题"
        ordering = ["meeting_id", "member_id", "order", "id"]

    def __str__(self) -> str:
        return self.description[:40]

    @property
    def lacks_example(self) -> bool:
        return not self.example.strip()


class Cause(models.Model):
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="causes")
    member = models.ForeignKey(
        "meetings.RosterEntry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="causes",
        verbose_name="班子成员",
        help_text="为空表示领导班子的原因剖析",
    )
    heading = models.CharField("标题", max_length=200, help_text="如“理论学习不够深入”")
    text = models.TextField("剖析", max_length=2000)
    order = models.PositiveIntegerField("序号", default=0)

    class Meta:
        verbose_name = "原因剖析"
        ordering = ["meeting_id", "member_id", "order", "id"]

    def __str__(self) -> str:
        return self.heading


class Measure(models.Model):
    """A direction and its measures (努力方向和整改措施), answering one or more problems."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="measures")
    member = models.ForeignKey(
        "meetings.RosterEntry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="measures",
        verbose_name="班子成员",
        help_text="为空表示领导班子的整改措施",
    )
    heading = models.CharField("方向", max_length=200)
    text = models.TextField("措施", max_length=2000)
    problems = models.ManyToManyField(Problem, blank=True, related_name="measures", verbose_name="针对的问题")
    order = models.PositiveIntegerField("序号", default=0)

    class Meta:
        verbose_name = "整改措施"
        ordering = ["meeting_id", "member_id", "order", "id"]

    def __str__(self) -> str:
        return self.heading
