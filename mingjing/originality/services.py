"""Writes for 查重: the template corpus, and the check the review flow asks before approving."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from mingjing.audit.services import audit_record
from mingjing.materials.models import Material
from mingjing.materials.selectors import current_version_of
from mingjing.originality.index import build_report, index_template, thresholds
from mingjing.originality.models import TemplateText
from mingjing.originality.selectors import may_manage_templates

MAX_TEMPLATE_BYTES = 10 * 1024 * 1024


def template_text(*, name: str, content: bytes) -> str:
    """The text of an uploaded .docx or .txt (UTF-8, or GB18030 as Chinese Windows saves it)."""
    lower = name.lower()
    if len(content) > MAX_TEMPLATE_BYTES:
        raise ValidationError({"file": f"文件“{name}”超过10MB"})
    if lower.endswith(".docx"):
        from mingjing.materials.docx_import import check_docx

        return check_docx(name=name, content=content).text
    if lower.endswith(".txt"):
        for encoding in ("utf-8-sig", "gb18030"):
            try:
                return content.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ValidationError({"file": f"文件“{name}”不是UTF-8或GB18030编码的文本"})
    raise ValidationError({"file": f"文件“{name}”不是.docx或.txt文件"})


@transaction.atomic
def template_add(*, actor: Any, name: str, content: bytes) -> TemplateText:
    if not may_manage_templates(actor):
        raise PermissionDenied("只有单位管理员或系统管理员可以维护查重模板库")
    text = template_text(name=name, content=content).strip()
    if not text:
        raise ValidationError({"file": f"文件“{name}”没有文字"})
    template = TemplateText.objects.create(name=name[-255:], text=text, uploaded_by=actor, uploaded_at=timezone.now())
    index_template(template)
    audit_record(actor=actor, event_type="originality.template_added", obj=template, extra={"name": template.name})
    return template


@transaction.atomic
def template_delete(*, actor: Any, template: TemplateText) -> None:
    if not may_manage_templates(actor):
        raise PermissionDenied("只有单位管理员或系统管理员可以维护查重模板库")
    audit_record(actor=actor, event_type="originality.template_deleted", obj=template, extra={"name": template.name})
    template.delete()


def require_reason_to_approve(*, material: Material, comments: str) -> None:
    """Approving a material whose 复制比 reaches the high threshold needs a written reason (the
    review's comments, kept in its history)."""
    version = current_version_of(material)
    if version is None or comments.strip():
        return
    report = build_report(version)
    if report.level == "high":
        _, high = thresholds()
        raise ValidationError(
            {"comments": f"查重复制比为{report.percent}，达到高度疑似复制（{high:.0%}），审核通过须在意见中写明理由"}
        )
