"""One-to-one talks (谈心谈话) before the meeting.

A talk is between a team member of the frozen roster and either another team member, the heads
of one division he supervises, or the party-member representatives of one branch.
"""

from __future__ import annotations

from django.db import models


class Counterpart(models.TextChoices):
    MEMBER = "member", "班子成员"
    DIVISION_HEADS = "division_heads", "分管科室负责同志"
    BRANCH_REPS = "branch_reps", "党支部党员代表"


class Talk(models.Model):
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="talks")
    talk_date = models.DateField("谈话日期")
    member = models.ForeignKey(
        "meetings.RosterEntry", on_delete=models.CASCADE, related_name="talks", verbose_name="班子成员"
    )
    counterpart_kind = models.CharField("谈话对象类型", max_length=20, choices=Counterpart.choices)
    other_member = models.ForeignKey(
        "meetings.RosterEntry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="talks_received",
        verbose_name="谈话对象（班子成员）",
    )
    division = models.ForeignKey(
        "organizations.Division", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="科室"
    )
    branch = models.ForeignKey(
        "organizations.PartyBranch",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="党支部",
    )
    participants = models.CharField("参加人员", max_length=300, blank=True, help_text="如“孙丽、周伟”")
    topics = models.TextField("谈话内容", max_length=2000)
    # A division talk is with a division the member supervises; another one needs its reason.
    exception_reason = models.CharField(
        "非分管科室谈话说明", max_length=200, blank=True, help_text="与非分管科室负责同志谈话时填写原因"
    )
    criticism_discussed = models.BooleanField("已沟通拟在会上提出的批评意见", default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "谈心谈话"
        ordering = ["meeting_id", "talk_date", "id"]

    def __str__(self) -> str:
        return f"{self.member.name}与{self.counterpart_label}的谈话"

    @property
    def counterpart_label(self) -> str:
        if self.counterpart_kind == Counterpart.MEMBER and self.other_member_id:
            return self.other_member.name
        if self.counterpart_kind == Counterpart.DIVISION_HEADS and self.division_id:
            return f"{self.division.name}负责同志"
        if self.counterpart_kind == Counterpart.BRANCH_REPS and self.branch_id:
            return f"{self.branch.name}党员代表"
        return "【待补充】"
