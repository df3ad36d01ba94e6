"""The ledger as an .xlsx in the customary 台账 layout, and the progress round trip.

Export: 序号, 问题, 整改措施, 责任领导, 责任科室, 责任人, 整改时限, 进展情况, 状态, then 完成比例（%）,
所属清单 and the stable key 编号. The owner updates 进展情况 / 完成比例 (and may mark 未开始 → 整改中)
and imports the sheet back: rows are matched by 编号, every row is checked first, a preview shows
what will change, and the confirmed import changes exactly those items, all or nothing.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from mingjing.accounts.policy import Ability, MeetingPolicy, policy_for
from mingjing.audit.services import audit_record
from mingjing.lib.bulk import update_rows
from mingjing.lib.xlsx import XlsxError, read_sheet, write_sheet
from mingjing.meetings.models import Meeting
from mingjing.rectification.models import RectificationItem, Status
from mingjing.rectification.selectors import Ledger
from mingjing.rectification.services import MAX_PROGRESS_NOTE, TRANSITIONS
from mingjing.rectification.tally import refresh_tallies

NUMBER, PROBLEM, MEASURES, LEADER, DIVISION, PERSON, DEADLINE, NOTE, STATUS, PROGRESS, LIST, KEY = COLUMNS = (
    "序号",
    "问题",
    "整改措施",
    "责任领导",
    "责任科室",
    "责任人",
    "整改时限",
    "进展情况",
    "状态",
    "完成比例（%）",
    "所属清单",
    "编号",
)
SHEET_TITLE = "整改台账"
UPDATED_FIELDS = ("progress", "progress_note", "status", "updated_at")
STATUS_FROM_LABEL = {label: value for value, label in Status.choices}
STATUS_LABEL = {value: str(label) for value, label in Status.choices}
# What checking a row needs of its item (the key, the owners the policy asks about, the progress)
# and what the preview shows of it.
PLAN_FIELDS = (
    "meeting_id",
    "number",
    "problem_text",
    "owner_id",
    "responsible_leader_id",
    "responsible_person_id",
    "status",
    "progress",
    "progress_note",
)
PERCENT = re.compile(r"^(\d{1,3})(?:\.0+)?\s*%?$")


def _notes() -> list[tuple[str, ...] | str]:
    return [
        ("列名", "说明"),
        (NOTE, f"填写整改进展，最多{MAX_PROGRESS_NOTE}字。"),
        (PROGRESS, "填0到100的整数，如“60”；留空表示不修改。"),
        (STATUS, "只能把“未开始”或“退回”改为“整改中”。申请销号和销号须在系统中提交并经审核，不能在表格中修改。"),
        (KEY, "每项整改事项的固定编号，导入时据此对应事项，请勿修改。"),
        ("已结转", "已结转到下一年度的事项在下一年度台账中更新进展，本表中不能修改。"),
        ("其他列", "问题、整改措施、责任领导、责任科室、责任人、整改时限等以系统为准，在表格中修改不会导入。"),
        (),
        ("导入规则",),
        ("1. 导入前先预览将要修改的内容，确认后才写入。",),
        ("2. 只要有一行有错，整张表都不导入，请按提示修改后重新上传。",),
        ("3. 已销号的事项不能修改；表中删去的行保持不变。",),
    ]


def _person(entry_or_person: Any) -> str:
    return entry_or_person.name if entry_or_person is not None else ""


def export_xlsx(ledger: Ledger) -> bytes:
    rows = []
    for n, row in enumerate(ledger.rows, start=1):
        i = row.item
        group = "领导班子整改方案" if i.owner_id is None else f"{i.owner.name}同志整改清单"
        rows.append(
            (
                n,
                i.problem_text,
                i.measures,
                _person(i.responsible_leader),
                i.responsible_division.name if i.responsible_division else "",
                _person(i.responsible_person),
                i.deadline_label,
                i.progress_note,
                i.get_status_display(),
                i.progress,
                group,
                i.key,
            )
        )
    return write_sheet(COLUMNS, rows, title=SHEET_TITLE, notes=_notes())


# --- import -----------------------------------------------------------------------------------------


class LedgerImportError(Exception):
    def __init__(self, errors: list[str]) -> None:
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass
class PlannedItem:
    row: int
    item: RectificationItem
    progress: int
    progress_note: str
    start: bool
    changes: list[Change] = field(default_factory=list)


@dataclass
class ImportPlan:
    rows: list[dict[str, Any]]  # what the sheet says, kept between preview and confirmation
    changed: list[PlannedItem]
    unchanged: int

    @property
    def digest(self) -> str:
        """Identifies the previewed changes, so the confirmation applies exactly those."""
        data = [
            (p.item.pk, p.item.progress, p.item.progress_note, p.item.status, p.progress, p.progress_note, p.start)
            for p in self.changed
        ]
        return hashlib.sha256(json.dumps(data, ensure_ascii=False).encode()).hexdigest()


def parse_sheet(fileobj: IO[bytes] | bytes) -> list[dict[str, Any]]:
    """The sheet's rows as plain data: [{"row": 5, "key": "ZG3-001", "note": …, "progress": …, "status": …}]."""
    try:
        # No row limit: the ledger's export imports back whatever its size (the upload's bytes are limited).
        records = read_sheet(fileobj, required=(KEY, NOTE, STATUS, PROGRESS), max_rows=None)
    except XlsxError as exc:
        raise LedgerImportError([exc.message]) from exc
    if not records:
        raise LedgerImportError(["表格中没有数据行"])
    return [
        {"row": n, "key": r[KEY], "note": r[NOTE], "progress": r[PROGRESS], "status": r[STATUS]} for n, r in records
    ]


def plan_import(*, policy: MeetingPolicy, meeting: Meeting, rows: list[dict[str, Any]]) -> ImportPlan:
    """Check every row against the ledger as it is now, for the user of `policy` (each row an item
    he may update); LedgerImportError lists every problem."""
    policy.require(Ability.LEDGER_IMPORT)
    items = {i.key: i for i in RectificationItem.objects.filter(meeting=meeting).only(*PLAN_FIELDS)}
    errors: list[str] = []
    seen: dict[str, int] = {}
    changed: list[PlannedItem] = []
    unchanged = 0
    for r in rows:
        n, key = r["row"], r["key"].strip()
        if not key:
            errors.append(f"第{n}行「{KEY}」：编号为空。新增整改事项请在系统中添加，不能通过表格导入")
            continue
        if key in seen:
            errors.append(f"第{n}行「{KEY}」：编号“{key}”与第{seen[key]}行重复")
            continue
        seen[key] = n
        item = items.get(key)
        if item is None:
            errors.append(f"第{n}行「{KEY}」：本台账中没有编号为“{key}”的整改事项")
            continue
        if not policy.can(Ability.LEDGER_READ_ITEM, item) or not policy.can(Ability.LEDGER_UPDATE, item):
            errors.append(f"第{n}行「{KEY}」：您只能更新本人的整改事项，不能更新“{key}”")
            continue
        row_errors: list[str] = []
        note = r["note"].strip()
        if len(note) > MAX_PROGRESS_NOTE:
            row_errors.append(f"第{n}行「{NOTE}」：不能超过{MAX_PROGRESS_NOTE}字（现有{len(note)}字）")
        progress = item.progress
        text = r["progress"].strip()
        if text:
            match = PERCENT.match(text)
            if not match or int(match.group(1)) > 100:
                row_errors.append(f"第{n}行「{PROGRESS}」：应为0到100之间的整数，现为“{text}”")
            else:
                progress = int(match.group(1))
        status_text = r["status"].strip()
        start = False
        if status_text and status_text != STATUS_LABEL[item.status]:
            target = STATUS_FROM_LABEL.get(status_text)
            if target is None:
                allowed = "、".join(label for _, label in Status.choices)
                row_errors.append(f"第{n}行「{STATUS}」：应为{allowed}之一，现为“{status_text}”")
            elif target == Status.IN_PROGRESS and item.status in TRANSITIONS["start"][0]:
                start = True
            elif target in (Status.CLOSED, Status.REQUESTED):
                row_errors.append(
                    f"第{n}行「{STATUS}」：不能在表格中改为“{status_text}”，申请销号须在系统中提交佐证材料并经审核"
                )
            else:
                row_errors.append(f"第{n}行「{STATUS}」：不能由“{STATUS_LABEL[item.status]}”改为“{status_text}”")
        if (
            not start
            and item.status in TRANSITIONS["start"][0]
            and (note != item.progress_note or progress != item.progress)
            and (progress > 0 or note)
        ):
            start = True  # as when progress is updated on the page
        changes = []
        if note != item.progress_note:
            changes.append(Change(NOTE, item.progress_note, note))
        if progress != item.progress:
            changes.append(Change(PROGRESS, str(item.progress), str(progress)))
        if start:
            changes.append(Change(STATUS, STATUS_LABEL[item.status], STATUS_LABEL[Status.IN_PROGRESS]))
        if changes and item.status == Status.CLOSED:
            row_errors.append(f"第{n}行：编号“{key}”的事项已销号，不能再修改进展")
        elif changes and item.is_carried:
            row_errors = [f"第{n}行：编号“{key}”的事项已结转到下一年度，请在下一年度整改台账中更新进展"]
        if row_errors:
            errors.extend(row_errors)
            continue
        if changes:
            changed.append(
                PlannedItem(row=n, item=item, progress=progress, progress_note=note, start=start, changes=changes)
            )
        else:
            unchanged += 1
    if errors:
        raise LedgerImportError(errors)
    return ImportPlan(rows=rows, changed=changed, unchanged=unchanged)


@transaction.atomic
def apply_import(*, actor: Any, meeting: Meeting, rows: list[dict[str, Any]], digest: str) -> ImportPlan:
    """Re-check the previewed rows against the ledger now (and the actor's rights to each item)
    and write them, all or nothing; one audit event on the meeting with the count and each item's
    changes."""
    plan = plan_import(policy=policy_for(user=actor, meeting=meeting), meeting=meeting, rows=rows)
    if plan.digest != digest:
        raise LedgerImportError(["预览之后台账已有变化，请重新上传表格并确认"])
    if not plan.changed:
        raise LedgerImportError(["表格与台账一致，没有需要导入的修改"])
    per_item: dict[str, list[dict[str, str]]] = {}
    now = timezone.now()
    for p in plan.changed:
        item = p.item
        if item.status == Status.CLOSED:  # closed meanwhile: plan_import would have refused
            raise ValidationError({"file": f"第{p.row}行的事项已销号"})
        item.progress = p.progress
        item.progress_note = p.progress_note
        if p.start:  # plan_import checked that TRANSITIONS allows it from the item's status
            item.status = TRANSITIONS["start"][1]
        item.updated_at = now
        per_item[str(item.pk)] = [{"label": c.label, "old": c.old, "new": c.new} for c in p.changes]
    # One statement for all rows. It sends no signals: the archive guard does not see it (plan_import
    # asked the policy about each item: LEDGER_UPDATE refuses a frozen ledger), and the roll-up the
    # overview reads is recounted for the meeting.
    update_rows(RectificationItem, [p.item for p in plan.changed], UPDATED_FIELDS)
    refresh_tallies([meeting.pk])
    audit_record(
        actor=actor,
        event_type="rectification.imported",
        obj=meeting,
        organization=meeting.organization,
        extra={"count": len(plan.changed), "unchanged": plan.unchanged, "items": per_item},
    )
    return plan
