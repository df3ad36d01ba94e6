"""From the live page's posted strings to typed values and a service call.

The page posts `kind` (record, attendance, speech, supervisor, observer, agenda, criticism), `id`
(the row's, absent for the record) and the fields of that row by name. Each bad value is refused
with a Chinese message naming the field (and the member or row), and nothing is saved.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

from mingjing.meetings.models import HalfDay, RosterEntry
from mingjing.minutes.models import (
    AgendaItem,
    Attendance,
    Criticism,
    MeetingRecord,
    MemberSpeech,
    Observer,
    Presence,
    SupervisorPresent,
)
from mingjing.minutes.rules import parse_share
from mingjing.minutes.services import RECORD_FIELDS, ROW_FIELDS, minutes_row_update, minutes_update

ROW_KINDS: dict[str, type[models.Model]] = {
    "attendance": Attendance,
    "speech": MemberSpeech,
    "supervisor": SupervisorPresent,
    "observer": Observer,
    "agenda": AgendaItem,
    "criticism": Criticism,
}
BOOLEAN = {"team_examination_given", "self_examination_given"}
TRUE = {"on", "true", "1", "yes"}
LABELS = {
    "held_on": "召开日期",
    "half_day": "上午/下午",
    "place": "地点",
    "chair": "主持人",
    "recorder": "记录人",
    "quorum": "应到比例",
    "status": "出席情况",
    "leave_reason": "请假事由",
    "from_entry": "提出人",
    "points": "条数",
    "text": "内容",
    "name": "姓名",
    "title": "职务",
    "body": "所在机构",
    "post": "职务",
}


def _entry(record: MeetingRecord, value: str, field: str) -> RosterEntry | None:
    if not value:
        return None
    try:
        return RosterEntry.objects.get(meeting_id=record.meeting_id, pk=int(value))
    except (ValueError, RosterEntry.DoesNotExist):
        raise ValidationError({field: "只能选择本次会议班子名单中的成员"}) from None


def _convert(record: MeetingRecord, name: str, value: str) -> Any:
    value = value if value is not None else ""
    if name in BOOLEAN:
        return value.strip().lower() in TRUE
    if name == "held_on":
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError({name: "请填写有效日期，如“2026-11-23”"}) from None
    if name == "half_day":
        if value not in HalfDay.values:
            raise ValidationError({name: "请选择上午或下午"})
        return value
    if name == "status":
        if value not in Presence.values:
            raise ValidationError({name: "请选择“出席”或“请假”"})
        return value
    if name in ("chair", "from_entry"):
        return _entry(record, value.strip(), name)
    if name == "points":
        try:
            points = int(value.strip())
        except ValueError:
            raise ValidationError({name: "请填写整数，如“2”"}) from None
        if not 1 <= points <= 50:
            raise ValidationError({name: "条数应在1到50之间"})
        return points
    return value  # text: its limit is checked by the service, with the field's name


def autosave(*, actor: Any, record: MeetingRecord, kind: str, row_id: str, values: dict[str, str]) -> models.Model:
    """Save one field of the record or one row; returns the saved object (the record or the row)."""
    if kind == "record":
        data: dict[str, Any] = {}
        for name, value in values.items():
            if name == "quorum":
                try:
                    data["quorum_numerator"], data["quorum_denominator"] = parse_share(value)
                except ValueError as exc:
                    raise ValidationError({"quorum": str(exc)}) from None
            elif name in RECORD_FIELDS:
                data[name] = _convert(record, name, value)
        if not data:
            raise ValidationError({"kind": "没有可保存的内容"})
        minutes_update(actor=actor, record=record, data=data)
        return record
    model = ROW_KINDS.get(kind)
    if model is None:
        raise ValidationError({"kind": "无法识别的记录类型"})
    try:
        row = model.objects.select_related("record").get(record=record, pk=int(row_id))
    except (ValueError, model.DoesNotExist):
        raise ValidationError({"id": "该行已被删除，请刷新页面"}) from None
    row.record = record
    fields = ROW_FIELDS[model]
    data = {name: _convert(record, name, value) for name, value in values.items() if name in fields}
    if not data:
        raise ValidationError({"kind": "没有可保存的内容"})
    minutes_row_update(actor=actor, row=row, data=data)
    return row


def error_message(exc: ValidationError, row: str = "") -> str:
    """'请假事由：赵强请假，须填写请假事由' — one line for the page's status bar."""
    if hasattr(exc, "error_dict"):
        parts = []
        for field, messages in exc.message_dict.items():
            label = LABELS.get(field, "")
            text = "；".join(messages)
            parts.append(f"{label}：{text}" if label and not text.startswith(label) else text)
        text = "；".join(parts)
    else:
        text = "；".join(exc.messages)
    return f"{row}{text}" if row else text
