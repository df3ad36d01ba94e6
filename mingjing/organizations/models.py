"""Units (党组织) in a tree, their divisions and party branches, and the people in them."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class OrgKind(models.TextChoices):
    PARTY_GROUP = "party_group", "党组"
    PARTY_COMMITTEE = "party_committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    BRANCH = "branch", "党支部"
    OTHER = "other", "其他"


class Organization(models.Model):
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children", verbose_name="上级单位"
    )
    kind = models.CharField("组织类型", max_length=20, choices=OrgKind.choices, default=OrgKind.PARTY_GROUP)
    name = models.CharField("全称", max_length=200)
    short_name = models.CharField("简称", max_length=100, help_text="公文中使用的简称，如“市农业农村局党组”")
    addressees = models.CharField(
        "主送机关", max_length=300, blank=True, help_text="向上级报送时的主送机关，如“市纪委监委、市委组织部”"
    )
    doc_number_prefix = models.CharField("发文字号前缀", max_length=50, blank=True, help_text="如“明农党组”")
    # Materialised path "/1/7/12/": the whole subtree is one indexed prefix query.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "单位"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part][:-1]

    @property
    def depth(self) -> int:
        return max(self.path.count("/") - 2, 0)


class Division(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="divisions")
    name = models.CharField("科室名称", max_length=100)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "科室"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="division_unique_name",
                violation_error_message="本单位已有同名科室",
            )
        ]

    def __str__(self) -> str:
        return self.name


class PartyBranch(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="branches")
    name = models.CharField("党支部名称", max_length=100)
    order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "党支部"
        ordering = ["order", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="branch_unique_name",
                violation_error_message="本单位已有同名党支部",
            )
        ]

    def __str__(self) -> str:
        return self.name


class TeamRole(models.TextChoices):
    PRINCIPAL = "principal", "主要负责同志"
    MEMBER = "member", "班子成员"
    NONE = "none", "非班子成员"


def team_rank() -> models.Case:
    """Order by place in the team: the principal first, then members, then everyone else.

    (Ordering by the stored codes would sort alphabetically: member, none, principal.)"""
    return models.Case(
        models.When(team_role=TeamRole.PRINCIPAL, then=0),
        models.When(team_role=TeamRole.MEMBER, then=1),
        default=2,
        output_field=models.IntegerField(),
    )


class Person(models.Model):
    organization = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="people")
    name = models.CharField("姓名", max_length=50)
    post = models.CharField("职务", max_length=200, blank=True, help_text="按公文写法，如“局党组书记、局长”")
    team_role = models.CharField("班子角色", max_length=20, choices=TeamRole.choices, default=TeamRole.NONE)
    precedence = models.PositiveSmallIntegerField("班子排序", default=0, help_text="数字越小越靠前")
    supervised_divisions = models.ManyToManyField(
        Division, blank=True, related_name="supervisors", verbose_name="分管科室"
    )
    heads_division = models.ForeignKey(
        Division, null=True, blank=True, on_delete=models.SET_NULL, related_name="heads", verbose_name="负责科室"
    )
    branch = models.ForeignKey(
        PartyBranch, null=True, blank=True, on_delete=models.SET_NULL, related_name="people", verbose_name="所在党支部"
    )
    is_active = models.BooleanField("在职", default=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name="登录账号",
    )

    class Meta:
        verbose_name = "人员"
        ordering = ["organization_id", "precedence", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "name"],
                name="person_unique_name_per_org",
                # Names identify people in rosters and imports; namesakes get a mark, e.g. 张伟（大）.
                violation_error_message="本单位已有同名人员，请在姓名后加以区分，如“张伟（大）”",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def in_team(self) -> bool:
        return self.team_role in {TeamRole.PRINCIPAL, TeamRole.MEMBER}
