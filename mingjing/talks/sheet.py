"""The talks .xlsx template and how its rows are read: one row a talk, the counterpart named as
people write it (“李华”, “计划财务科”, “机关第一党支部”), its kind guessed from the name unless the
row says it. The checks themselves are talk_record's (services.check_talk_rows)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from mingjing.lib.dates import cn_date
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.opinions.services import parse_date
from mingjing.organizations.models import Division, PartyBranch
from mingjing.talks.models import Counterpart, Talk

COLUMNS = (
    "日期",
    "班子成员",
    "谈话对象类型",
    "谈话对象",
    "参加人员",
    "谈话内容",
    "已沟通批评意见",
    "非分管科室谈话说明",
)
REQUIRED_COLUMNS = ("日期", "班子成员", "谈话对象", "谈话内容")
KIND_NAMES = {str(label): value for value, label in Counterpart.choices} | {
    "班子成员": Counterpart.MEMBER,
    "科室": Counterpart.DIVISION_HEADS,
    "分管科室": Counterpart.DIVISION_HEADS,
    "科室负责同志": Counterpart.DIVISION_HEADS,
    "党支部": Counterpart.BRANCH_REPS,
    "党员代表": Counterpart.BRANCH_REPS,
    "包保/联系单位": Counterpart.LIAISON_UNITS,
    "包保单位": Counterpart.LIAISON_UNITS,
    "联系单位": Counterpart.LIAISON_UNITS,
}
YES = {"是", "已沟通", "√", "1", "y", "yes", "true"}
NO = {"", "否", "—", "-", "0", "n", "no", "false"}


def _limit(name: str) -> int:
    return Talk._meta.get_field(name).max_length


def import_notes(meeting: Meeting) -> list[Any]:
    """The template's second sheet: what each column accepts, with this meeting's names."""
    roster = list(RosterEntry.objects.filter(meeting=meeting).order_by("precedence", "id"))
    divisions = Division.objects.filter(organization=meeting.organization_id).order_by("id")
    branches = PartyBranch.objects.filter(organization=meeting.organization_id).order_by("id")
    kinds = meeting.config.counterpart_kind_choices()
    return [
        ["列", "填写说明"],
        ["日期", f"必填，如 2026-11-02 或 2026年11月2日；应在会前（{cn_date(meeting.planned_date)}或之前）"],
        ["班子成员", "必填，谈话的班子成员：" + "、".join(e.name for e in roster)],
        ["谈话对象类型", "可空（按谈话对象的名称判断）：" + "、".join(label for _, label in kinds)],
        ["谈话对象", "必填：班子成员姓名、科室名称（" + "、".join(d.name for d in divisions) + "）或党支部名称（"
         + "、".join(b.name for b in branches) + "）；与包保/联系单位负责同志谈话时填单位名称，并在“谈话对象类型”填“"
         + str(Counterpart.LIAISON_UNITS.label) + "”"],
        ["参加人员", f"可空，与科室负责同志或党员代表谈话时填写，最多{_limit('participants')}字"],
        ["谈话内容", f"必填，最多{_limit('topics')}字"],
        ["已沟通批评意见", "可空：填“是”表示已沟通拟在会上提出的批评意见"],
        ["非分管科室谈话说明", f"与班子成员不分管的科室谈话时必填，写明原因，最多{_limit('exception_reason')}字"],
    ]  # fmt: skip


def template_rows(meeting: Meeting) -> list[list[str]]:
    roster = list(RosterEntry.objects.filter(meeting=meeting).order_by("precedence", "id")[:2])
    if len(roster) < 2:
        return []
    a, b = roster
    return [[meeting.planned_date.isoformat(), a.name, "班子成员", b.name, "",
             "（示例，导入前请删除）交流思想，沟通拟在会上提出的批评意见", "是", ""]]  # fmt: skip


@dataclass(frozen=True)
class SheetLookups:
    roster: dict[str, RosterEntry]
    divisions: dict[str, Division]
    branches: dict[str, PartyBranch]

    @classmethod
    def of(cls, meeting: Meeting) -> SheetLookups:
        org = meeting.organization_id
        return cls(
            roster={e.name: e for e in RosterEntry.objects.filter(meeting=meeting)},
            divisions={d.name: d for d in Division.objects.filter(organization=org)},
            branches={b.name: b for b in PartyBranch.objects.filter(organization=org)},
        )

    def _counterpart(self, kind_text: str, name: str) -> tuple[str, dict[str, Any], list[tuple[str, str]]]:
        kind = ""
        if kind_text:
            kind = KIND_NAMES.get(kind_text, "")
            if not kind:
                allowed = "、".join(str(label) for label in Counterpart.labels)
                return "", {}, [("谈话对象类型", f"“{kind_text}”不正确，可填：{allowed}")]
        if not name:
            return kind, {}, [("谈话对象", "不能为空")]
        plain = name.removesuffix("同志").removesuffix("负责").removesuffix("党员代表").strip()
        if kind == Counterpart.LIAISON_UNITS:  # a unit outside the bureau: named in words
            return kind, {"liaison_unit": plain}, []
        found = {
            Counterpart.MEMBER: ("other_member", self.roster.get(plain)),
            Counterpart.DIVISION_HEADS: ("division", self.divisions.get(plain)),
            Counterpart.BRANCH_REPS: ("branch", self.branches.get(plain)),
        }
        matches = [k for k, (_, obj) in found.items() if obj is not None and (not kind or k == kind)]
        if len(matches) != 1:
            what = "本次会议班子成员、本单位科室或党支部" if not kind else Counterpart(kind).label
            message = f"“{name}”同时是多种谈话对象，请填写谈话对象类型" if matches else f"“{name}”不是{what}"
            return kind, {}, [("谈话对象", message)]
        field, obj = found[matches[0]]
        return matches[0], {field: obj}, []

    def read(self, record: dict[str, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
        """One sheet row as talk_record's arguments and the errors found reading it."""
        errors: list[tuple[str, str]] = []
        talk_date: dt.date | None = None
        text = record.get("日期", "")
        if not text:
            errors.append(("日期", "不能为空"))
        else:
            try:
                talk_date = parse_date(text)
            except ValueError:
                errors.append(("日期", f"“{text}”不是日期，请写成 2026-11-02"))
        name = record.get("班子成员", "").removesuffix("同志").strip()
        member = self.roster.get(name)
        if member is None:
            errors.append(("班子成员", f"“{name}”不是本次会议班子名单中的成员" if name else "不能为空"))
        kind, counterpart, found = self._counterpart(record.get("谈话对象类型", ""), record.get("谈话对象", ""))
        errors += found
        flag = record.get("已沟通批评意见", "").strip().lower()
        if flag not in YES | NO:
            errors.append(("已沟通批评意见", f"“{flag}”不正确，请填“是”或留空"))
        data = {
            "talk_date": talk_date,
            "member": member,
            "counterpart_kind": kind,
            "participants": record.get("参加人员", ""),
            "topics": record.get("谈话内容", ""),
            "criticism_discussed": flag in YES,
            "exception_reason": record.get("非分管科室谈话说明", ""),
            **counterpart,
        }
        return data, errors
