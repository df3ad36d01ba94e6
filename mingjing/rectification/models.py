"""The rectification ledger (整改台账): the team's plan (整改方案, owner None) and each member's list
(整改清单) of items, each answering a problem with measures, people responsible and a deadline,
closed only after verification (销号管理); dated milestones with evidence files; notices (公示/通报).

Overdue and the warnings before a deadline are computed from dates (see `deadlines.py`), never stored.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models

from mingjing.lib.dates import cn_date


class Status(models.TextChoices):
    NOT_STARTED = "not_started", "未开始"
    IN_PROGRESS = "in_progress", "整改中"
    REQUESTED = "requested", "申请销号"
    CLOSED = "closed", "已销号"
    RETURNED = "returned", "退回"
    CARRIED = "carried", "已结转"  # copied into next year's ledger, where it now lives and counts


OPEN_STATUSES = (Status.NOT_STARTED, Status.IN_PROGRESS, Status.REQUESTED, Status.RETURNED)
DONE_HERE = (Status.CLOSED, Status.CARRIED)  # no longer open in this ledger: closed, or carried on


class RectificationSettings(models.Model):
    """Per-meeting settings; a meeting without a row uses the defaults below."""

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="rectification_settings")
    first_warning_days = models.PositiveSmallIntegerField(
        "第一次提醒（到期前天数）", default=20, help_text="整改时限前多少天开始提醒，地方惯例为20天"
    )
    second_warning_days = models.PositiveSmallIntegerField(
        "第二次提醒（到期前天数）", default=10, help_text="整改时限前多少天再次提醒，地方惯例为10天"
    )
    team_needs_review = models.BooleanField(
        "班子整改事项销号须经督导组审核",
        default=False,
        help_text="勾选后，班子整改方案中的事项经主要负责同志审核后，还须督导组（或上级组织部门）审核才能销号",
    )

    class Meta:
        verbose_name = "整改台账设置"

    def __str__(self) -> str:
        return f"{self.meeting}的整改台账设置"


class RectificationItem(models.Model):
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="rectification_items")
    number = models.PositiveIntegerField("序号", editable=False)
    owner = models.ForeignKey(
        "meetings.RosterEntry",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="rectification_items",
        verbose_name="所属清单",
        help_text="为空表示领导班子整改方案中的事项",
    )
    problem = models.ForeignKey(
        "problems.Problem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="rectification_items",
        verbose_name="对应的查摆问题",
    )
    problem_text = models.TextField("问题", max_length=1000)
    measures = models.TextField("整改措施", max_length=2000)
    responsible_leader = models.ForeignKey(
        "meetings.RosterEntry",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="责任领导",
    )
    responsible_division = models.ForeignKey(
        "organizations.Division",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="责任科室",
    )
    responsible_person = models.ForeignKey(
        "organizations.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="责任人",
    )
    deadline = models.DateField("整改时限", null=True, blank=True)
    long_term = models.BooleanField("长期坚持", default=False)
    status = models.CharField("状态", max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    progress = models.PositiveSmallIntegerField("完成比例（%）", default=0)
    progress_note = models.TextField("进展情况", max_length=2000, blank=True)
    principal_verified_at = models.DateTimeField("主要负责同志审核时间", null=True, blank=True)
    principal_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    closed_on = models.DateField("销号日期", null=True, blank=True)
    return_reason = models.TextField("退回理由", max_length=500, blank=True)
    carried_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="carried_to",
        verbose_name="结转自上年度事项",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "整改事项"
        ordering = ["meeting_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="rectification_item_number_once"),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="rectification_progress_max_100"),
            # An item is carried to next year once: one copy, never two.
            models.UniqueConstraint(fields=["carried_from"], name="rectification_item_carried_once"),
        ]

    def __str__(self) -> str:
        text = " ".join(self.problem_text.split())
        return f"{self.key} {text[:30]}"

    TALLY_FIELDS = ("meeting_id", "status", "deadline")

    def tally_key(self) -> tuple | None:
        """The item's roll-up key (rectification.tally) as it stands; None when a key field was not
        loaded (.only/.defer)."""
        values = self.__dict__
        if any(f not in values for f in self.TALLY_FIELDS):
            return None
        return tuple(values[f] for f in self.TALLY_FIELDS)

    @classmethod
    def from_db(cls, db: Any, field_names: Any, values: Any) -> RectificationItem:
        # The roll-up key as loaded, so a save moves its count from there. Kept here rather than by
        # a post_init receiver: any post_init receiver makes every model's construction send it,
        # which costs the pages that load thousands of rows of other models.
        instance = super().from_db(db, field_names, values)
        instance._tally_key = instance.tally_key()
        return instance

    @property
    def key(self) -> str:
        """The stable key shown in the .xlsx sheet: meeting and number, never reused."""
        return f"ZG{self.meeting_id}-{self.number:03d}"

    @property
    def is_team(self) -> bool:
        return self.owner_id is None

    @property
    def is_open(self) -> bool:
        return self.status not in DONE_HERE

    @property
    def is_carried(self) -> bool:
        """Carried to next year's ledger (its copy is `carried_to`): it no longer counts here."""
        return self.status == Status.CARRIED

    @property
    def deadline_label(self) -> str:
        if self.long_term:
            return f"长期坚持（{cn_date(self.deadline)}前见效）" if self.deadline else "长期坚持"
        return f"{cn_date(self.deadline)}前" if self.deadline else "【待补充】"


class Milestone(models.Model):
    """A dated step of progress, with evidence files (会议记录、制度文件、照片 …)."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="milestones")
    date = models.DateField("日期")
    text = models.TextField("进展内容", max_length=1000)
    is_closure_request = models.BooleanField("销号申请", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "整改进展节点"
        ordering = ["item_id", "date", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class EvidenceFile(models.Model):
    """An uploaded evidence file, stored content-addressed under the data dir (MEDIA_ROOT) with its
    size, SHA-256 and the content type fixed by its checked extension; always downloaded as an
    attachment, never served inline."""

    item = models.ForeignKey(RectificationItem, on_delete=models.CASCADE, related_name="evidence_files")
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.CASCADE, related_name="files", verbose_name="进展节点"
    )
    file = models.FileField("文件", upload_to="rectification/", max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    content_type = models.CharField("文件类型", max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        ordering = ["item_id", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def size_label(self) -> str:
        if self.size >= 1024 * 1024:
            return f"{self.size / 1024 / 1024:.1f} MB"
        return f"{max(1, round(self.size / 1024))} KB"


class NoticeKind(models.TextChoices):
    PUBLICITY = "publicity", "公示"
    BRIEFING = "briefing", "通报"


class Notice(models.Model):
    """A 公示 or 通报 of the meeting and its rectification plan, within a scope, through a channel."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField("类型", max_length=20, choices=NoticeKind.choices, default=NoticeKind.PUBLICITY)
    scope = models.CharField("范围", max_length=200, help_text="如“全局党员干部”“各基层党组织”")
    channel = models.CharField("方式", max_length=200, help_text="如“党支部工作群”“局一楼公示栏”")
    place = models.CharField("地点", max_length=200, blank=True, help_text="张贴公示时填写，如“局机关一楼”")
    published_on = models.DateField("公示（通报）日期")
    until = models.DateField("公示截止日期", null=True, blank=True)
    contact = models.CharField("意见反馈方式", max_length=200, blank=True, help_text="如“局机关党委办公室，电话…”")
    text = models.TextField("公示（通报）内容", max_length=30000, blank=True, help_text="留空则根据台账自动生成")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "公示通报"
        ordering = ["meeting_id", "published_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}（{self.channel}）"


# --- last year held on paper -------------------------------------------------------------------


class PreviousState(models.TextChoices):
    DONE = "done", "已完成"
    IN_PROGRESS = "in_progress", "整改中"
    LONG_TERM = "long_term", "需长期坚持"


class PreviousYearSummary(models.Model):
    """Last year's rectification in summary, for a unit whose previous meeting was held outside 明镜
    (on paper): attached to this year's meeting, read where 上年度整改落实情况 is printed when no
    ledger of last year's meeting is in the system."""

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="previous_year_summary")
    previous_name = models.CharField(
        "上年度会议名称", max_length=60, help_text="如“2024年度民主生活会”“2021年党史学习教育专题民主生活会”"
    )
    note = models.TextField("补充说明", max_length=1000, blank=True, help_text="如整改台账的保存位置，不印入材料")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "上年度整改情况（纸质台账）"

    def __str__(self) -> str:
        return f"{self.previous_name}整改情况"


class PreviousYearLine(models.Model):
    """One item (its problem, owner and state), or a count of items under one theme."""

    summary = models.ForeignKey(PreviousYearSummary, on_delete=models.CASCADE, related_name="lines")
    order = models.PositiveSmallIntegerField("序号", default=0)
    owner_name = models.CharField("所属", max_length=20, blank=True, help_text="班子成员姓名；留空为领导班子")
    theme = models.CharField("方面", max_length=60, blank=True, help_text="按方面汇总时填写，如“深化理论武装”")
    text = models.TextField("问题或整改事项", max_length=300, blank=True)
    count = models.PositiveSmallIntegerField("事项数", default=1)
    state = models.CharField("状态", max_length=20, choices=PreviousState.choices, default=PreviousState.DONE)

    class Meta:
        verbose_name = "上年度整改事项（纸质台账）"
        ordering = ["summary_id", "order", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(count__gte=1), name="previous_year_line_count_positive"),
        ]

    def __str__(self) -> str:
        return self.text[:30] or self.theme


class LedgerTally(models.Model):
    """The superior's overview reads the ledgers of thousands of meetings through this roll-up: the
    number of a meeting's items with one status and deadline (overdue is computed from the deadline
    at reading time). Kept by `rectification.tally` as items are saved and deleted (and recounted per
    meeting after bulk writes); never edited by hand. Rows may repeat a key: the overview sums them."""

    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="+")
    status = models.CharField(max_length=20, choices=Status.choices)
    deadline = models.DateField(null=True, blank=True)
    count = models.IntegerField(default=0)

    class Meta:
        verbose_name = "整改台账汇总"
        indexes = [models.Index(fields=["meeting", "status", "deadline"], name="ledger_tally_key")]

    def __str__(self) -> str:
        return f"{self.meeting_id} {self.status} {self.deadline}: {self.count}"
