"""Reads of the archive app, through the meeting the user may see."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet

from mingjing.accounts.access import access_for
from mingjing.accounts.models import Role
from mingjing.archive.models import ArchiveBox
from mingjing.meetings.models import Meeting
from mingjing.meetings.selectors import get_meeting_record_for_user, meeting_access


def boxes_of_meeting(*, meeting: Meeting) -> QuerySet[ArchiveBox]:
    return ArchiveBox.objects.filter(meeting=meeting).select_related("created_by", "created_by__person")


def can_take_out(*, user: Any, meeting: Meeting) -> bool:
    """The box and the bundle hold everything of the meeting: the unit's preparers and
    administrators, the assigned 督导组 and the superior's organization department take them out,
    archived or not."""
    access = meeting_access(user=user, meeting=meeting)
    return access.writer or access.reviewer


def require_take_out(*, user: Any, meeting: Meeting) -> None:
    if not can_take_out(user=user, meeting=meeting):
        raise PermissionDenied("只有党务工作人员、单位管理员、督导组或上级组织部门可以下载归档包和数据包")


def get_box_for_user(*, user: Any, pk: Any) -> ArchiveBox:
    box = get_meeting_record_for_user(model=ArchiveBox, user=user, pk=pk, missing="没有找到该归档包")
    require_take_out(user=user, meeting=box.meeting)
    return box


def can_import_bundles(*, user: Any) -> bool:
    access = access_for(user)
    return any(h.role in (Role.ADMIN, Role.SUPERIOR, Role.PREPARER) for h in access.held)
