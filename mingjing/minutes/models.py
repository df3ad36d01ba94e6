"""The meeting record (会议记录): what happened at the 民主生活会, filled in by the recorder during it.

One MeetingRecord per meeting. Who attended is kept against the frozen roster; supervisors and
non-voting attendees (列席) are free text, since they are not members of the unit. Counts (problems
found, criticisms exchanged) and the quorum statement are computed, never stored.
"""

from __future__ import annotations

from django.db import models

from mingjing.meetings.models import HalfDay


class RecordStatus(models.TextChoices):
    DRAFT = "draft", "记录中"
    FINAL = "final", "已定稿"


class Presence(models.TextChoices):
    PRESENT = "present", "出席"
    LEAVE = "leave", "请假"


class MeetingRecord(models.Model):
    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="minutes_record")
    held_on = models.DateField("召开日期")
    half_day = models.CharField("上午/下午", max_length=2, choices=HalfDay.choices, default=HalfDay.MORNING)
    place = models.CharField("地点", max_length=200, blank=True)
    chair = models.ForeignKey(
        "meetings.RosterEntry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="主持人",
    )
    recorder = models.CharField("记录人", max_length=50, blank=True)
    # The share of the roster that must attend (2/3 by the rules most units follow, 90 % by some).
    quorum_numerator = models.PositiveSmallIntegerField("应到比例（分子）", default=2)
    quorum_denominator = models.PositiveSmallIntegerField("应到比例（分母）", default=3)
    status = models.CharField("状态", max_length=10, choices=RecordStatus.choices, default=RecordStatus.DRAFT)
    team_examination_given = models.BooleanField("已代表班子作对照检查", default=False)
    team_examination_note = models.TextField("班子对照检查要点", max_length=2000, blank=True)
    inquiry_report = models.TextField("谈话函询情况通报", max_length=1000, blank=True)
    supervisor_comments = models.TextField("督导组点评", max_length=2000, blank=True)
    supervisor_requirements = models.JSONField("督导组提出的要求", default=list, blank=True)
    principal_summary = models.TextField("主要负责同志总结", max_length=3000, blank=True)
    principal_requirements = models.JSONField("主要负责同志提出的要求", default=list, blank=True)
    finalised_at = models.DateTimeField("定稿时间", null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "会议记录"

    def __str__(self) -> str:
        return f"{self.meeting.title}会议记录"

    @property
    def is_final(self) -> bool:
        return self.status == RecordStatus.FINAL

    @property
    def supervisor_requirements_text(self) -> str:
        return "\n".join(self.supervisor_requirements)

    @property
    def principal_requirements_text(self) -> str:
        return "\n".join(self.principal_requirements)

    @property
    def quorum_label(self) -> str:
        return f"{self.quorum_numerator}/{self.quorum_denominator}"


class Attendance(models.Model):
    record = models.ForeignKey(MeetingRecord, on_delete=models.CASCADE, related_name="attendances")
    entry = models.ForeignKey(
        "meetings.RosterEntry", on_delete=models.CASCADE, related_name="+", verbose_name="班子成员"
    )
    status = models.CharField("出席情况", max_length=10, choices=Presence.choices, default=Presence.PRESENT)
    leave_reason = models.CharField("请假事由", max_length=200, blank=True)

    class Meta:
        verbose_name = "出席情况"
        constraints = [models.UniqueConstraint(fields=["record", "entry"], name="minutes_attendance_once")]

    def __str__(self) -> str:
        return f"{self.entry.name}{self.get_status_display()}"

    @property
    def present(self) -> bool:
        return self.status == Presence.PRESENT


class SupervisorPresent(models.Model):
    """A 督导组 member or 纪检监察 official at the meeting, as the report names him."""

    record = models.ForeignKey(MeetingRecord, on_delete=models.CASCADE, related_name="supervisors")
    name = models.CharField("姓名", max_length=50, blank=True)
    title = models.CharField("职务", max_length=200, blank=True, help_text="如“组长”")
    body = models.CharField("所在机构", max_length=200, blank=True, help_text="如“市纪委监委驻市政府办公室纪检监察组”")
    order = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = "到会督导人员"
        ordering = ["record_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.body}{self.title}{self.name}" or "督导人员"


class Observer(models.Model):
    """A non-voting attendee (列席人员)."""

    record = models.ForeignKey(MeetingRecord, on_delete=models.CASCADE, related_name="observers")
    name = models.CharField("姓名", max_length=50, blank=True)
    post = models.CharField("职务", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = "列席人员"
        ordering = ["record_id", "order", "id"]

    def __str__(self) -> str:
        return f"{self.post}{self.name}" or "列席人员"


class AgendaItem(models.Model):
    record = models.ForeignKey(MeetingRecord, on_delete=models.CASCADE, related_name="agenda_items")
    order = models.PositiveSmallIntegerField("序号", default=0)
    text = models.CharField("议程", max_length=300, blank=True)

    class Meta:
        verbose_name = "会议议程"
        ordering = ["record_id", "order", "id"]

    def __str__(self) -> str:
        return self.text or "议程"


class MemberSpeech(models.Model):
    """One member's turn: self-examination, his response to the criticism (表态), personal matters."""

    record = models.ForeignKey(MeetingRecord, on_delete=models.CASCADE, related_name="speeches")
    entry = models.ForeignKey(
        "meetings.RosterEntry", on_delete=models.CASCADE, related_name="+", verbose_name="班子成员"
    )
    self_examination_given = models.BooleanField("已作对照检查发言", default=False)
    self_examination_note = models.TextField("对照检查要点", max_length=2000, blank=True)
    response = models.TextField("表态发言", max_length=1000, blank=True)
    personal_matters = models.TextField("个人有关事项说明", max_length=1000, blank=True)

    class Meta:
        verbose_name = "对照检查发言"
        constraints = [models.UniqueConstraint(fields=["record", "entry"], name="minutes_speech_once")]

    def __str__(self) -> str:
        return f"{self.entry.name}的发言"


class Criticism(models.Model):
    """One member's criticism of another: how many points (条), and what was said."""

    record = models.ForeignKey(MeetingRecord, on_delete=models.CASCADE, related_name="criticisms")
    from_entry = models.ForeignKey(
        "meetings.RosterEntry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="提出人",
    )
    to_entry = models.ForeignKey(
        "meetings.RosterEntry", on_delete=models.CASCADE, related_name="+", verbose_name="被批评人"
    )
    points = models.PositiveSmallIntegerField("条数", default=1)
    text = models.TextField("批评意见", max_length=1000, blank=True)
    order = models.PositiveSmallIntegerField("序号", default=0)

    class Meta:
        verbose_name = "批评意见"
        ordering = ["record_id", "order", "id"]

    def __str__(self) -> str:
        who = self.from_entry.name if self.from_entry_id else "【待补充】"
        return f"{who}对{self.to_entry.name}的批评意见"
