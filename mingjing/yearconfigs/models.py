"""One year's (or one 专题 meeting's) configuration: theme, aspects, talk rules, deadlines.

Everything a superior may change from year to year lives here as data, never in code.
"""

from __future__ import annotations

from django.db import models


class MeetingKind(models.TextChoices):
    ANNUAL = "annual", "年度"
    SPECIAL = "special", "专题"
    THEME_EDUCATION = "theme_education", "主题教育"


class TalkRule(models.TextChoices):
    """The 四个必谈: which pairs must have a one-to-one talk before the meeting."""

    PRINCIPAL_MEMBER = "principal_member", "主要负责同志与每位班子成员"
    MEMBER_MEMBER = "member_member", "班子成员相互之间"
    MEMBER_DIVISION_HEADS = "member_division_heads", "班子成员与分管科室负责同志"
    MEMBER_BRANCH_REPS = "member_branch_reps", "班子成员与所在党支部党员代表"


class ProblemSource(models.TextChoices):
    """Where a problem was found (问题来源): the catalogue; a configuration offers some of them."""

    OPINION = "opinion", "征求意见"
    TALK = "talk", "谈心谈话"
    STUDY = "study", "学习研讨"
    INSPECTION = "inspection", "巡视巡察、审计等反馈"
    SUPERIOR = "superior", "上级通报"
    SELF = "self", "自己查摆"
    CHARTER = "charter", "对照党章党规"
    RESEARCH = "research", "调研"


class MaterialName(models.TextChoices):
    """What the notice calls the team's material (and what the pages call it)."""

    EXAMINATION = "examination", "对照检查材料"
    INSPECTION = "inspection", "检视剖析材料"


class StudyKind(models.TextChoices):
    """How a study session was held (学习研讨的形式): the catalogue; a configuration offers some of them."""

    COLLECTIVE = "collective", "集中学习"
    CENTRAL_GROUP = "central_group", "中心组学习"
    SEMINAR = "seminar", "研讨"
    SELF = "self", "个人自学"


DEFAULT_STUDY_KINDS = ("collective", "seminar", "self")


def default_study_kinds() -> list[str]:
    return list(DEFAULT_STUDY_KINDS)


class CounterpartKind(models.TextChoices):
    """Whom a member talks with (谈话对象类型): the catalogue; a configuration offers some of them.

    包保/联系单位 are units outside the bureau's own divisions and branches (townships, enterprises,
    villages a member is answerable for), so a talk with their heads names the unit in words."""

    MEMBER = "member", "班子成员"
    DIVISION_HEADS = "division_heads", "分管科室负责同志"
    BRANCH_REPS = "branch_reps", "党支部党员代表"
    LIAISON_UNITS = "liaison_units", "包保/联系单位负责同志"


DEFAULT_COUNTERPART_KINDS = ("member", "division_heads", "branch_reps")


def default_counterpart_kinds() -> list[str]:
    return list(DEFAULT_COUNTERPART_KINDS)


# Local practice: a yellow reminder 20 and 10 days before a deadline, red once it has passed.
DEFAULT_REMINDER_DAYS = (20, 10)


def default_reminder_days() -> list[int]:
    return list(DEFAULT_REMINDER_DAYS)


DEFAULT_PROBLEM_SOURCES = ("opinion", "talk", "study", "inspection", "superior", "self")


def default_problem_sources() -> list[str]:
    return list(DEFAULT_PROBLEM_SOURCES)


def _choices(codes: list[str], catalogue: type[models.TextChoices], keep: str | None) -> list[tuple[str, str]]:
    """The catalogue's (code, label) pairs a configuration offers, in the catalogue's order; `keep` (the
    value a record being edited already has) stays offered even when the configuration no longer lists it."""
    offered = set(codes) | ({keep} if keep else set())
    return [(value, str(label)) for value, label in catalogue.choices if value in offered]


# What a configuration consists of, besides its aspects: copied, imported and edited as one set.
CONFIG_FIELDS = (
    "year",
    "kind",
    "name",
    "theme",
    "talk_rules",
    "extra_agenda_items",
    "requires_case_analysis",
    "plan_lead_days",
    "report_deadline_days",
    "source_note",
    "problem_sources",
    "study_kinds",
    "material_name",
    "case_analysis_title",
    "counterpart_kinds",
    "reminder_days",
    "compliance_rules",
)


class YearConfig(models.Model):
    # Shipped presets have a code and no owner; units add their own (owner set, no code).
    preset_code = models.CharField(max_length=40, blank=True, default="", editable=False)
    organization = models.ForeignKey(
        "organizations.Organization",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="year_configs",
        verbose_name="适用单位",
        help_text="为空表示系统预置，所有单位可用；否则本单位及下级单位可用",
    )
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("类型", max_length=20, choices=MeetingKind.choices, default=MeetingKind.ANNUAL)
    name = models.CharField("名称", max_length=100, help_text="如“2025年度民主生活会”")
    theme = models.TextField("主题", blank=True)
    talk_rules = models.JSONField("谈心谈话必谈范围", default=list, blank=True)
    extra_agenda_items = models.JSONField("增加的会议议程", default=list, blank=True)
    requires_case_analysis = models.BooleanField("须作典型案例剖析", default=False)
    plan_lead_days = models.PositiveSmallIntegerField("请示提前天数", default=15)
    report_deadline_days = models.PositiveSmallIntegerField("情况报告期限（会后天数）", default=15)
    source_note = models.TextField("依据与说明", blank=True)
    problem_sources = models.JSONField("问题来源可选项", default=default_problem_sources, blank=True)
    study_kinds = models.JSONField("学习研讨形式可选项", default=default_study_kinds, blank=True)
    material_name = models.CharField(
        "班子材料名称", max_length=20, choices=MaterialName.choices, default=MaterialName.EXAMINATION
    )
    case_analysis_title = models.CharField(
        "案例剖析部分标题", max_length=30, default="典型案例剖析", help_text="如“典型案例剖析”“反面典型案例剖析”"
    )
    # Codes of CounterpartKind the year's talks may be held with.
    counterpart_kinds = models.JSONField("谈话对象类型可选项", default=default_counterpart_kinds, blank=True)
    reminder_days = models.JSONField("提醒提前天数", default=default_reminder_days, blank=True)
    # Named compliance rules' settings by rule code (mingjing.compliance); a rule not listed keeps its default.
    compliance_rules = models.JSONField("合规检查规则", default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "年度配置"
        ordering = ["-year", "kind", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["preset_code"], condition=~models.Q(preset_code=""), name="yearconfig_unique_preset"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_preset(self) -> bool:
        return bool(self.preset_code)

    def talk_rule_labels(self) -> list[str]:
        labels = dict(TalkRule.choices)
        return [str(labels.get(code, code)) for code in self.talk_rules]

    def problem_source_choices(self, keep: str | None = None) -> list[tuple[str, str]]:
        return _choices(self.problem_sources, ProblemSource, keep)

    def study_kind_choices(self, keep: str | None = None) -> list[tuple[str, str]]:
        return _choices(self.study_kinds, StudyKind, keep)

    def counterpart_kind_choices(self, keep: str | None = None) -> list[tuple[str, str]]:
        return _choices(self.counterpart_kinds, CounterpartKind, keep)


class Aspect(models.Model):
    """One 对照检查重点方面, in the order the notice lists them.

    Opinions, problems and the like point to an aspect by primary key, so an aspect is edited in
    place and never recreated; one that records use cannot be deleted, only retired: it stays for
    those records (and their documents) and is no longer offered for new ones (selectors.active_aspects).
    """

    config = models.ForeignKey(YearConfig, on_delete=models.CASCADE, related_name="aspects")
    order = models.PositiveSmallIntegerField("序号")
    title = models.CharField("标题", max_length=300)
    text = models.TextField("全文", blank=True)
    retired = models.BooleanField("已停用", default=False, help_text="停用后保留在已有记录中，新填写的记录不再可选")

    class Meta:
        verbose_name = "重点方面"
        ordering = ["config_id", "order"]
        constraints = [models.UniqueConstraint(fields=["config", "order"], name="aspect_unique_order")]

    def __str__(self) -> str:
        return self.title
