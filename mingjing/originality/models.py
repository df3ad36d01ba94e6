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
