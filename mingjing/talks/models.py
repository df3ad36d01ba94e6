"""One-to-one talks (谈心谈话) before the meeting.

A talk is between a team member of the frozen roster and either another team member, the heads
of one division he supervises, the party-member representatives of one branch, or the heads of a
包保/联系单位 (a unit outside the bureau, named in words). Which kinds a year offers is the year
configuration's `counterpart_kinds`.
"""

from __future__ import annotations

from django.db import models

# The catalogue lives with the year configuration, which offers some of its kinds.
from mingjing.yearconfigs.models import CounterpartKind as Counterpart


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
    liaison_unit = models.CharField(
        "包保/联系单位", max_length=100, blank=True, help_text="与包保/联系单位负责同志谈话时填写单位名称，如“青山镇”"
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
        if self.counterpart_kind == Counterpart.LIAISON_UNITS and self.liaison_unit:
            return f"{self.liaison_unit}负责同志"
        return "【待补充】"
