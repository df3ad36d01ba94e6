"""The text of a 公示 / 通报, generated from the records: the meeting, the problems found and the
ledger. A fact not yet recorded shows as 【待补充】, never invented."""

from __future__ import annotations

from mingjing.lib.dates import cn_date
from mingjing.meetings.models import RosterEntry
from mingjing.minutes.models import MeetingRecord
from mingjing.organizations.models import TeamRole
from mingjing.problems.models import Problem
from mingjing.rectification.models import Notice, NoticeKind, RectificationItem

MISSING = "【待补充】"


def _sentence(text: str) -> str:
    """End a clause with one full stop, whether or not the text brought its own."""
    return text.rstrip("。.；; ") + "。"


def notice_text(notice: Notice) -> str:
    meeting = notice.meeting
    org = meeting.organization
    team = "领导班子"
    name = f"{org.short_name or org.name}{team}{meeting.config.name}"
    members = list(
        RosterEntry.objects.filter(meeting=meeting).exclude(team_role=TeamRole.NONE).values_list("name", flat=True)
    )
    problems = list(Problem.objects.filter(meeting=meeting).values_list("member_id", flat=True))
    items = list(
        RectificationItem.objects.filter(meeting=meeting, carried_from__isnull=True)
        .select_related("responsible_leader", "responsible_division")
        .order_by("number")
    )
    team_items = [i for i in items if i.owner_id is None]
    member_items = [i for i in items if i.owner_id is not None]
    owners = {i.owner_id for i in member_items}
    team_problems = sum(1 for m in problems if m is None)
    member_problems = len(problems) - team_problems

    is_publicity = notice.kind == NoticeKind.PUBLICITY
    word = "公示" if is_publicity else "通报"
    lines = [f"关于{name}召开情况及整改措施的{word}", ""]
    lines.append(f"根据民主生活会有关要求，现将{name}召开情况及整改落实措施{word}如下：")
    lines.append("一、会议召开情况")
    # What the meeting record says happened; without a record, the plan's date is not a fact yet.
    record = MeetingRecord.objects.filter(meeting=meeting).first()
    held_on = cn_date(record.held_on) if record and record.held_on else MISSING
    half_day = record.get_half_day_display() if record and record.half_day else ""
    where = (record.place if record else "") or meeting.place
    place = f"在{where}" if where else ""
    lines.append(
        f"{held_on}{half_day}，{org.short_name or org.name}{team}"
        f"{place}召开了{meeting.config.name}。"
        + (f"班子成员{'、'.join(members)}等{len(members)}名同志参加会议。" if members else f"参会人员{MISSING}。")
    )
    lines.append("二、查摆问题及整改措施")
    if problems or items:
        lines.append(
            f"领导班子查摆问题{team_problems}个，班子成员查摆问题{member_problems}个。"
            f"领导班子制定了整改方案，明确整改事项{len(team_items)}项；"
            f"{len(owners)}名班子成员制定了个人整改清单，明确整改事项{len(member_items)}项。"
            "每项整改事项均明确了整改措施、责任领导、责任科室、责任人和整改时限，实行销号管理。"
        )
    else:
        lines.append(f"查摆问题及整改事项{MISSING}。")
    if team_items:
        lines.append("领导班子整改事项：")
        for n, item in enumerate(team_items, start=1):
            problem = " ".join(item.problem_text.split())
            measures = " ".join(item.measures.split())
            who = "、".join(
                x
                for x in (
                    item.responsible_leader.name if item.responsible_leader else "",
                    item.responsible_division.name if item.responsible_division else "",
                )
                if x
            )
            lines.append(
                f"{n}. {_sentence(problem)}整改措施：{_sentence(measures)}"
                + (f"责任领导（科室）：{who}。" if who else "")
                + f"整改时限：{item.deadline_label}。"
            )
    lines.append(f"三、{word}范围和方式")
    scope = notice.scope or MISSING
    channel = notice.channel or MISSING
    sentence = f"本次{word}范围为{scope}，{word}方式为{channel}"
    if notice.place:
        sentence += f"（{notice.place}）"
    if is_publicity:
        until = f"至{cn_date(notice.until)}" if notice.until else ""
        sentence += f"，{word}时间为{cn_date(notice.published_on)}{until}"
    lines.append(sentence + "。")
    contact = notice.contact or MISSING
    lines.append(f"欢迎广大党员干部群众监督整改落实情况，如有意见建议，请通过{contact}反映。")
    lines.append("")
    lines.append(org.name)
    lines.append(cn_date(notice.published_on))
    return "\n".join(lines)
