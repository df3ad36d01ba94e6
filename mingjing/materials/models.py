"""对照检查材料 (the team's examination material) and 发言提纲 (each member's outline).

The text of a material is **plain text, one paragraph per line**; a line is a heading when it
starts with official 公文 numbering — "一、" (level 1), "（一）" (level 2) — or with "#" / "##"
(level 1 / 2 headings without numbering, e.g. from a Word "标题 1" paragraph; the marks are not
shown). Everything else is a body paragraph. `mingjing.materials.text.blocks(text)` turns a text
into blocks for documents; the format survives copy/paste to and from Word and needs no editor.

Every save of the text is a MaterialVersion (nothing is overwritten), except that an autosave
may refresh the author's own latest autosave version while no one else has saved and the
material has not been submitted since.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import Q


class Kind(models.TextChoices):
    TEAM = "team", "领导班子对照检查材料"
    OUTLINE = "outline", "个人发言提纲"


class Status(models.TextChoices):
    DRAFT = "draft", "起草中"
    SUBMITTED = "submitted", "已提交审核"
    RETURNED = "returned", "已退回修改"
    APPROVED = "approved", "审核通过"
    REVIEWED = "reviewed", "督导组已审阅"
    REVISED = "revised", "会后已修改"


# Statuses in which the owner may change the text before the meeting.
EDITABLE = (Status.DRAFT, Status.RETURNED)
# Statuses counted as "approved" for the timeline (the 督导组's comment and the revision come later).
APPROVED_OR_LATER = (Status.APPROVED, Status.REVIEWED, Status.REVISED)


class Material(models.Model):
    meeting = models.ForeignKey("meetings.Meeting", on_delete=models.CASCADE, related_name="materials")
    owner = models.ForeignKey(
        "meetings.RosterEntry",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="materials",
        verbose_name="班子成员",
        help_text="为空表示领导班子对照检查材料",
    )
    kind = models.CharField("类型", max_length=10, choices=Kind.choices)
    status = models.CharField("状态", max_length=12, choices=Status.choices, default=Status.DRAFT)
    current_version = models.PositiveIntegerField("当前版本", default=0)  # 0: nothing written yet
    last_number = models.PositiveIntegerField(default=0)  # the highest version number (conflict copies too)
    # Bumped on every save, in-place autosaves included: a save based on an older stamp is a conflict.
    revision = models.PositiveIntegerField(default=0)
    # Autosaves never rewrite a version at or below this number (it was submitted or reviewed).
    sealed_version = models.PositiveIntegerField(default=0)
    last_saved_at = models.DateTimeField("最后保存时间", null=True, blank=True)
    last_saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "对照检查材料"
        ordering = ["meeting_id", "kind", "id"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "owner"], name="material_once_per_owner"),
            models.UniqueConstraint(
                fields=["meeting"], condition=Q(owner__isnull=True), name="material_one_team_material"
            ),
        ]

    def __str__(self) -> str:
        if self.owner_id is None:
            return "领导班子对照检查材料"
        return f"{self.owner.name}同志个人发言提纲"

    @property
    def slot(self) -> str:
        """The URL segment: "team" or the roster entry's id."""
        return "team" if self.owner_id is None else str(self.owner_id)


class Reason(models.TextChoices):
    AUTOSAVE = "autosave", "自动保存"
    MANUAL = "manual", "手动保存"
    UPLOAD = "upload", "上传Word文档"
    SKELETON = "skeleton", "依据记录生成框架"
    CONFLICT = "conflict", "冲突稿"
    REVISION = "revision", "会后修改"


class MaterialVersion(models.Model):
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField("版本号")
    text = models.TextField("正文", blank=True)
    reason = models.CharField("保存方式", max_length=10, choices=Reason.choices)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    author_name = models.CharField("保存人", max_length=100)
    based_on = models.PositiveIntegerField("基于版本", default=0)
    saved_at = models.DateTimeField("保存时间")

    class Meta:
        verbose_name = "材料版本"
        ordering = ["material_id", "number"]
        constraints = [models.UniqueConstraint(fields=["material", "number"], name="material_version_unique")]

    def __str__(self) -> str:
        return f"第{self.number}版"

    @property
    def char_count(self) -> int:
        return sum(len(line.strip()) for line in self.text.splitlines())


class Action(models.TextChoices):
    SUBMIT = "submit", "提交审核"
    WITHDRAW = "withdraw", "撤回"
    RETURN = "return", "退回修改"
    APPROVE = "approve", "审核通过"
    REVIEW = "review", "督导组审阅"
    REVISE = "revise", "会后修改"


class ReviewEvent(models.Model):
    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="review_events")
    action = models.CharField("操作", max_length=10, choices=Action.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    actor_name = models.CharField("操作人", max_length=100)
    comments = models.TextField("意见", blank=True)
    version = models.PositiveIntegerField("针对版本", default=0)
    status_after = models.CharField(max_length=12, choices=Status.choices)
    created_at = models.DateTimeField("时间")
    # The day the approval or review happened (entered, today by default) and the body that gave it
    # (“局党组会议”, “市委第三督导组”): what the report states, not the click.
    happened_on = models.DateField("日期", null=True, blank=True)
    body = models.CharField("审核机关", max_length=200, blank=True, help_text="如“局党组会议”“市民主生活会督导组”")

    class Meta:
        verbose_name = "审核记录"
        ordering = ["material_id", "created_at", "id"]

    def __str__(self) -> str:
        return f"{self.actor_name}{self.get_action_display()}"


def upload_path(instance: UploadedFile, filename: str) -> str:
    # The stored name never comes from the user (the original name is kept in a field): it is the
    # content's SHA-256, so the same document uploaded twice is stored once.
    return f"materials/{instance.sha256[:2]}/{instance.sha256}.docx"


class ContentAddressedStorage(FileSystemStorage):
    """Files named by their content hash: an existing name already holds the same bytes."""

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        return name

    def _save(self, name: str, content) -> str:
        if self.exists(name):
            return name
        return super()._save(name, content)


def content_storage() -> ContentAddressedStorage:
    return ContentAddressedStorage()


class UploadedFile(models.Model):
    """A .docx uploaded as a version of a material; its extracted text is that version's text."""

    material = models.ForeignKey(Material, on_delete=models.CASCADE, related_name="files")
    version = models.OneToOneField(MaterialVersion, on_delete=models.CASCADE, related_name="upload")
    file = models.FileField("文件", upload_to=upload_path, storage=content_storage, max_length=300)
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveBigIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64)
    content_type = models.CharField("文件类型", max_length=150)
    extracted_text = models.TextField("提取的文本", blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "上传的Word文档"
        ordering = ["material_id", "-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.original_name


class CaseStudy(models.Model):
    """The typical case the team analysed (典型案例剖析), when the year requires one: which case and
    what was learned. The material's section and the report's sentence come from it."""

    meeting = models.OneToOneField("meetings.Meeting", on_delete=models.CASCADE, related_name="case_study")
    case_name = models.CharField("典型案例", max_length=200, help_text="如“某局原局长某某严重违纪违法案”")
    lessons = models.TextField("剖析和警示", max_length=2000, blank=True, help_text="以案为鉴，班子从中汲取的教训")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "典型案例剖析"

    def __str__(self) -> str:
        return self.case_name
