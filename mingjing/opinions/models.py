"""Opinion solicitation (征求意见): a campaign, the units it was sent to, the opinions received
and the grouped items (归纳整理) they were merged into.

Anonymity is a property of the schema: an Opinion has no author, no timestamp finer than a date,
no IP or user agent, and a BallotCode is not linked to the opinion it was spent on.
"""

from __future__ import annotations

import datetime as dt

from django.db import models


class Channel(models.TextChoices):
    PAPER = "paper", "征求意见表"
    ONLINE = "online", "网上征求意见"
    FORUM = "forum", "座谈会"
    BOX = "box", "意见箱"
    VISIT = "visit", "个别走访"
    OTHER = "other", "其他"


class SourceKind(models.TextChoices):
    """Who the opinion came from, by kind of unit or group (never by person)."""

    DIVISION = "division", "机关科室"
    SUBORDINATE = "subordinate", "下属单位"
    BRANCH = "branch", "党支部和党员"
    SERVICE = "service", "服务对象"
    DEPUTY = "deputy", "“两代表一委员”"
    MASSES = "masses", "群众"
    OTHER = "other", "其他"


class Audience(models.TextChoices):
    """Whom the anonymous form is for. A closed group can be counted, so each member gets one
    single-use code; the public (服务对象、群众) cannot be, so codes are optional there."""

    GROUP = "group", "特定范围（本单位干部职工、党员等，可逐人发放填写码）"
    PUBLIC = "public", "不特定人群（服务对象、群众等）"


class Campaign(models.Model):
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="campaigns")
    title = models.CharField("名称", max_length=200)
    channels = models.JSONField("征求渠道", default=list, blank=True)  # Channel values
    opens_on = models.DateField("开始日期")
    closes_on = models.DateField("截止日期")
    closed_on = models.DateField("实际结束日期", null=True, blank=True)  # set when the preparer closes it
    # The anonymous form's address: /o/<token>/. Random, unguessable, not the primary key.
    public_token = models.CharField(max_length=32, unique=True, editable=False)
    online_enabled = models.BooleanField("开放网上匿名填写", default=True)
    requires_ballot = models.BooleanField("须凭一次性填写码提交", default=False)
    audience = models.CharField("网上填写对象", max_length=10, choices=Audience.choices, default=Audience.GROUP)
    min_responses_shown = models.PositiveSmallIntegerField(
        "显示门槛（条）", default=5, help_text="网上匿名意见在征求结束后才显示，且某一对象不少于此数时才显示"
    )
    note = models.TextField("说明", max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "征求意见"
        ordering = ["meeting_id", "opens_on", "id"]

    def __str__(self) -> str:
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_on is not None

    def form_state(self, on: dt.date) -> str:
        """Whether the anonymous form takes responses on day `on`:
        "open", "disabled", "not_yet" (before opens_on) or "closed" (closed or past closes_on)."""
        if not self.online_enabled:
            return "disabled"
        if self.closed_on is not None or on > self.closes_on or self.meeting.archived_on is not None:
            return "closed"  # an archived meeting takes no more responses
        if on < self.opens_on:
            return "not_yet"
        return "open"

    def channel_labels(self) -> list[str]:
        labels = dict(Channel.choices)
        return [str(labels.get(c, c)) for c in self.channels]


class StateChange(models.TextChoices):
    CLOSED = "closed", "结束征求"
    REOPENED = "reopened", "重新开放"


class CampaignStateChange(models.Model):
    """Each close and reopen of a campaign, for the 督导组 and the 意见汇总: closing and reopening
    again and again (to add responses until a target passes the threshold) stays on the record."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="state_changes")
    change = models.CharField("操作", max_length=10, choices=StateChange.choices)
    on = models.DateField("日期")
    reason = models.CharField("原因", max_length=200, blank=True)  # required to reopen
    online = models.PositiveIntegerField("网上匿名意见（条）", default=0)  # at that moment

    class Meta:
        verbose_name = "征求意见结束和重新开放"
        ordering = ["campaign_id", "id"]

    def __str__(self) -> str:
        return f"{self.get_change_display()} {self.on}"


class CampaignUnit(models.Model):
    """A unit (or group) the form was sent to, and how many forms came back."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="units")
    name = models.CharField("单位名称", max_length=200)
    source_kind = models.CharField("类别", max_length=20, choices=SourceKind.choices, default=SourceKind.DIVISION)
    sent_on = models.DateField("发出日期", null=True, blank=True)
    forms_sent = models.PositiveIntegerField("发出份数", default=0)
    forms_returned = models.PositiveIntegerField("收回份数", default=0)

    class Meta:
        verbose_name = "征求对象单位"
        ordering = ["campaign_id", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="campaign_unit_unique_name")]

    def __str__(self) -> str:
        return self.name


class OpinionItem(models.Model):
    """A grouped item (归纳整理后的一项) under one aspect, for the team or one member."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="items")
    aspect = models.ForeignKey(
        "yearconfigs.Aspect", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="方面"
    )
    target = models.ForeignKey(
        "meetings.RosterEntry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="opinion_items",
        verbose_name="对象",
        help_text="为空表示对领导班子",
    )
    text = models.TextField("归纳后的意见", max_length=2000)
    order = models.PositiveIntegerField("序号", default=0)

    class Meta:
        verbose_name = "意见归纳项"
        ordering = ["campaign_id", "order", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class Opinion(models.Model):
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="opinions")
    text = models.TextField("意见内容", max_length=2000)
    target = models.ForeignKey(
        "meetings.RosterEntry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="opinions",
        verbose_name="对象",
        help_text="为空表示对领导班子",
    )
    aspect = models.ForeignKey(
        "yearconfigs.Aspect", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="方面"
    )
    channel = models.CharField("渠道", max_length=20, choices=Channel.choices, default=Channel.PAPER)
    # True only for what came in through the anonymous form at /o/<token>/: those stay hidden until
    # the campaign closes and below the campaign's threshold. Typed and imported opinions are the
    # preparer's own entries and are always visible to readers.
    from_public_form = models.BooleanField("网上匿名提交", default=False, editable=False)
    source_kind = models.CharField("来源", max_length=20, choices=SourceKind.choices, blank=True)
    received_on = models.DateField("收到日期")  # a date only: never a finer time
    item = models.ForeignKey(
        OpinionItem,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="opinions",
        verbose_name="归入",
    )
    # Shuffled display order for online responses, drawn when stored, so the id order (which
    # follows submission time) is never what a reader sees.
    shuffle_key = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = "意见"
        ordering = ["campaign_id", "id"]
        indexes = [models.Index(fields=["campaign", "target"], name="opinion_campaign_target")]

    def __str__(self) -> str:
        return self.text[:40]


class BallotCode(models.Model):
    """A single-use code for a closed group. Only a hash is kept, and nothing links a spent code
    to the opinion it was spent on: the opinion row holds no reference to it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="ballot_codes")
    code_hash = models.CharField(max_length=64, unique=True)
    spent = models.BooleanField(default=False)
    group = models.CharField("发放范围", max_length=100, blank=True)
    issued_on = models.DateField("发放日期")

    class Meta:
        verbose_name = "填写码"
        ordering = ["campaign_id", "id"]

    def __str__(self) -> str:
        return f"填写码 {self.pk}"
