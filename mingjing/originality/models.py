"""The 查重 index: paragraph signatures per material version (and per loaded template), their
LSH band keys, and per shingle the number of materials that contain it (to tell boilerplate).

Everything here is derived: `mingjing originality --rebuild` recreates it from the materials'
versions and the templates; only TemplateText holds data of its own.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class TemplateText(models.Model):
    """A known web template (.docx / .txt) loaded by an administrator: a source to compare with."""

    name = models.CharField("文件名", max_length=255)
    text = models.TextField("正文")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField("上传时间")

    class Meta:
        verbose_name = "查重模板"
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Paragraph(models.Model):
    version = models.ForeignKey("materials.MaterialVersion", null=True, on_delete=models.CASCADE, related_name="+")
    material = models.ForeignKey("materials.Material", null=True, on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(TemplateText, null=True, on_delete=models.CASCADE, related_name="paragraphs")
    line = models.PositiveIntegerField()
    raw = models.TextField()
    norm = models.TextField()
    signature = models.BinaryField()
    # The paragraph belongs to its material's current version (or to a template): a source.
    current = models.BooleanField(default=True)

    class Meta:
        indexes = [models.Index(fields=["material", "current"])]

    def __str__(self) -> str:
        return self.raw[:30]


class BandKey(models.Model):
    key = models.BigIntegerField(db_index=True)
    paragraph = models.ForeignKey(Paragraph, on_delete=models.CASCADE, related_name="keys")

    def __str__(self) -> str:
        return str(self.key)


class ShingleCount(models.Model):
    """How many materials' current versions (and templates) contain a shingle."""

    hash = models.BigIntegerField(primary_key=True)
    materials = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.hash}: {self.materials}"


class Result(models.Model):
    """The 查重 figure of a material's current version as of when it was indexed: what the
    superior's table lists (recomputing every report for a whole province per page view would not do).
    Derived like the rest: `mingjing originality --rebuild` recomputes it."""

    material = models.OneToOneField(
        "materials.Material", primary_key=True, on_delete=models.CASCADE, related_name="originality_result"
    )
    version_number = models.PositiveIntegerField("版本")
    ratio = models.FloatField("复制比", default=0.0)
    level = models.CharField("判定", max_length=10, default="none")
    matches = models.PositiveIntegerField("相似段落数", default=0)
    source_relation = models.CharField("主要来源类别", max_length=30, blank=True, default="")
    source_title = models.CharField("主要来源", max_length=200, blank=True, default="")
    source_material = models.ForeignKey(
        "materials.Material", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    source_template = models.ForeignKey(
        TemplateText, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    computed_at = models.DateTimeField("计算时间")

    class Meta:
        verbose_name = "查重结果"
        indexes = [models.Index(fields=["-ratio"])]

    def __str__(self) -> str:
        return f"{self.material_id}: {self.ratio:.3f}"
