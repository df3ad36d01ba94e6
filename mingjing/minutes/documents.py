"""会议记录: the meeting record as a GB/T 9704 document, from `minutes_for_meeting(meeting)`.

The header lines (时间, 地点, 主持人, 记录人, attendance with 应到/实到/请假 and reasons, 督导组,
列席), then 一、会议议程, 二、领导班子对照检查, 三、批评和自我批评 (each member in speaking order:
his self-examination, the criticisms he received — from whom, how many points, what — and his
表态), 四、个人有关事项说明和谈话函询情况, 五、督导组点评, 六、主要负责同志总结讲话, 七、有关数据 (the
computed counts, a table per member). Signature lines for the chair and the recorder close it.

A fact not recorded prints 【待补充】. An empty list (no 列席, no one on leave) prints “无” once the
record is finalised, 【待补充】 while it is still being written. Before the record is started, the
same document comes out with the roster's names in speaking order and 【待补充】 for everything the
recorder has yet to write — a form to take into the meeting, not an error. A record not yet
finalised is marked “（记录稿，未定稿）” under the title.
"""

from __future__ import annotations

import re
from typing import Any

from mingjing.documents.engine import OfficialDocument
from mingjing.documents.kinds import unit_name
from mingjing.documents.numbering import numbered_points
from mingjing.documents.registry import register
from mingjing.documents.slots import MISSING, fill
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.meetings.selectors import meeting_roster
from mingjing.minutes.selectors import Minutes, Turn, minutes_for_meeting, speaking_order
from mingjing.organizations.models import TeamRole

DRAFT_MARK = "（记录稿，未定稿）"
NOT_STARTED_MARK = "（会议记录尚未开始填写）"
# “一要……” “二是……” “1.……” “（一）……”: requirements the recorder numbered himself are kept as typed.
NUMBERED = re.compile(r"^([一二三四五六七八九十]+[是要抓]|\d+[.．、]|[（(][一二三四五六七八九十\d]+[）)])")


def _person(entry: RosterEntry | None) -> str | None:
    if entry is None:
        return None
    return f"{entry.name}（{entry.post}）" if entry.post else entry.name


def _sentence(text: str) -> str:
    text = " ".join((text or "").split())
    return text if not text or text[-1] in "。！？；…”" else text + "。"


def _points(items: list[str], verb: str = "要") -> str | None:
    """The requirements as one run of points: kept as typed when numbered, else 一要……二要……."""
    items = [i.strip() for i in items if i and i.strip()]
    if not items:
        return None
    if all(NUMBERED.match(i) for i in items):
        return "".join(_sentence(i) for i in items)
    return numbered_points(items, verb)


def _listing(values: list[str], final: bool) -> str | None:
    """Names joined with 、; an empty list is “无” in a finalised record, 【待补充】 in a draft."""
    if values:
        return "、".join(values)
    return "无" if final else None


def _subtitle(doc: OfficialDocument, text: str) -> None:
    from mingjing.materials.documents import subtitle

    subtitle(doc, text)


def _header(doc: OfficialDocument, minutes: Minutes | None, turns: list[Any]) -> None:
    record = minutes.record if minutes else None
    final = bool(record and record.is_final)
    when = fill("{date}{half}", date=record.held_on, half=record.get_half_day_display()) if record else None
    doc.paragraph(fill("时间：{when}", when=when))
    doc.paragraph(fill("地点：{place}", place=record.place if record else None))
    doc.paragraph(fill("主持人：{chair}", chair=_person(record.chair) if record and record.chair_id else None))
    doc.paragraph(fill("记录人：{recorder}", recorder=record.recorder if record else None))
    if minutes is None:
        names = "、".join(t.name for t in turns)
        doc.paragraph(fill("应到人员：{names}（共{count}人）", names=names or None, count=len(turns) or None))
        doc.paragraph(f"实到人员：{MISSING}")
        doc.paragraph(f"请假人员：{MISSING}")
        doc.paragraph(f"到会督导人员：{MISSING}")
        doc.paragraph(f"列席人员：{MISSING}")
        return
    quorum = minutes.quorum
    on_leave = minutes.on_leave
    doc.paragraph(
        fill(
            "出席情况：{statement}；请假{leave}人。",
            statement=quorum.statement if quorum.expected else None,
            leave=len(on_leave),
        )
    )
    doc.paragraph(fill("实到人员：{names}", names=minutes.present_names or None))
    leave = [fill("{name}（{reason}）", name=a.entry.name, reason=a.leave_reason) for a in on_leave]
    doc.paragraph(fill("请假人员：{names}", names=_listing(leave, True)))
    supervisors = [fill("{body}{title}{name}", body=s.body, title=s.title, name=s.name)
                   if (s.body or s.title) else fill("{name}", name=s.name) for s in minutes.supervisors]  # fmt: skip
    doc.paragraph(fill("到会督导人员：{names}", names=_listing(supervisors, final)))
    observers = [f"{o.post}{o.name}" if o.post else fill("{name}", name=o.name) for o in minutes.observers]
    doc.paragraph(fill("列席人员：{names}", names=_listing(observers, final)))


def _agenda(doc: OfficialDocument, minutes: Minutes | None) -> None:
    doc.heading(1, "会议议程")
    items = [a.text.strip() for a in minutes.agenda if a.text.strip()] if minutes else []
    if not items:
        doc.paragraph(MISSING)
        return
    for i, text in enumerate(items, start=1):
        doc.paragraph(f"{i}.{_sentence(text).rstrip('。')}")


def _team_examination(doc: OfficialDocument, minutes: Minutes | None, principal: RosterEntry | None) -> None:
    doc.heading(1, "领导班子对照检查")
    record = minutes.record if minutes else None
    name = principal.name if principal else None
    if record is None or not (record.team_examination_given or record.team_examination_note.strip()):
        doc.paragraph(fill("{name}同志代表领导班子作对照检查：{note}", name=name, note=None))
        return
    lead = fill("{name}同志代表领导班子作对照检查", name=name)
    totals = minutes.totals
    count = f"领导班子共查摆问题{totals.team_problems}条" if totals.team_problems else ""
    note = record.team_examination_note.strip()
    generated = lead + (f"，{count}" if count else "") + "。" + (_sentence(note) if note else "")
    doc.paragraph(generated, key="team-examination", label="领导班子对照检查")


def _turn(doc: OfficialDocument, minutes: Minutes | None, entry: RosterEntry, turn: Turn | None) -> None:
    title = fill("{name}同志", name=entry.name) + (f"（{entry.post}）" if entry.post else "")
    doc.heading(2, title)
    if turn is not None and not turn.present:
        reason = turn.attendance.leave_reason
        doc.paragraph(fill("{name}同志请假（{reason}），未到会。", name=entry.name, reason=reason))
    speech = turn.speech if turn else None
    # 对照检查发言
    note = speech.self_examination_note.strip() if speech else ""
    if speech is not None and (speech.self_examination_given or note):
        problems = turn.counts.problems
        text = f"{entry.name}同志作个人对照检查发言"
        text += f"，查摆问题{problems}条" if problems else ""
        text += "。" + (_sentence(note) if note else "")
    else:
        text = fill("对照检查发言：{note}", note=None)
    doc.paragraph(text, key=f"self-{entry.pk}" if turn else None, label=f"{entry.name}的对照检查发言")
    # 批评意见
    if turn is None:
        doc.paragraph(fill("其他班子成员提出的批评意见：{text}", text=None))
    elif not turn.criticisms:
        doc.paragraph(fill("其他班子成员提出的批评意见：{none}", none="无" if minutes.record.is_final else None))
    else:
        counts = turn.counts
        doc.paragraph(
            fill(
                "其他班子成员提出批评意见{points}条（{people}人次）：",
                points=counts.received_points,
                people=counts.received,
            )
        )
        for view in turn.criticisms:
            c = view.criticism
            doc.paragraph(
                fill(
                    "{giver}同志（{points}条）：{text}",
                    giver=c.from_entry.name if c.from_entry_id else None,
                    points=c.points,
                    text=_sentence(c.text) or None,
                )
            )
    # 表态
    response = speech.response.strip() if speech else ""
    doc.paragraph(
        fill("表态发言：{text}", text=_sentence(response) or None),
        key=f"response-{entry.pk}" if turn else None,
        label=f"{entry.name}的表态发言",
    )


def _personal_matters(doc: OfficialDocument, minutes: Minutes | None, order: list[RosterEntry]) -> None:
    doc.heading(1, "个人有关事项说明和谈话函询情况")
    turns = {t.entry.pk: t for t in minutes.turns} if minutes else {}
    for entry in order:
        turn = turns.get(entry.pk)
        text = turn.speech.personal_matters.strip() if turn else ""
        doc.paragraph(fill("{name}同志：{text}", name=entry.name, text=_sentence(text) or None))
    report = minutes.record.inquiry_report.strip() if minutes else ""
    doc.paragraph(fill("谈话函询情况通报：{text}", text=_sentence(report) or None))


def _supervisors(doc: OfficialDocument, minutes: Minutes | None) -> None:
    doc.heading(1, "督导组点评")
    record = minutes.record if minutes else None
    comments = record.supervisor_comments.strip() if record else ""
    doc.paragraph(
        fill("点评意见：{text}", text=_sentence(comments) or None),
        key="supervisor-comments" if record else None,
        label="督导组点评",
    )
    requirements = _points(record.supervisor_requirements) if record else None
    doc.paragraph(fill("提出要求：{text}", text=requirements))


def _summary(doc: OfficialDocument, minutes: Minutes | None, principal: RosterEntry | None) -> None:
    doc.heading(1, "主要负责同志总结讲话")
    record = minutes.record if minutes else None
    summary = record.principal_summary.strip() if record else ""
    name = principal.name if principal else None
    doc.paragraph(
        fill("{name}同志作总结讲话：{text}", name=name, text=_sentence(summary) or None),
        key="principal-summary" if record else None,
        label="主要负责同志总结讲话",
    )
    requirements = _points(record.principal_requirements) if record else None
    doc.paragraph(fill("对做好会后工作提出要求：{text}", text=requirements))


def _counts(doc: OfficialDocument, minutes: Minutes | None, order: list[RosterEntry]) -> None:
    doc.heading(1, "有关数据")
    if minutes is None:
        doc.paragraph(fill("出席情况：{q}。查摆问题和相互批评：{c}。", q=None, c=None))
        return
    totals = minutes.totals
    doc.paragraph(
        fill(
            "{quorum}。{totals}。",
            quorum=minutes.quorum.statement if minutes.quorum.expected else None,
            totals=totals.statement,
        )
    )
    rows = []
    for i, turn in enumerate(minutes.turns, start=1):
        c = turn.counts
        rows.append(
            [
                i,
                turn.entry.name,
                "出席" if turn.present else "请假",
                c.problems,
                f"{c.given_points}条（{c.given}人次）",
                f"{c.received_points}条（{c.received}人次）",
            ]
        )
    rows.append(
        [
            "",
            "合计",
            f"{sum(1 for t in minutes.turns if t.present)}人出席",
            totals.member_problems,
            f"{totals.criticism_points}条（{totals.criticisms}人次）",
            f"{totals.criticism_points}条（{totals.criticisms}人次）",
        ]
    )
    doc.table(
        ["序号", "姓名", "出席", "查摆问题（条）", "提出批评意见", "收到批评意见"],
        rows,
        widths=[14, 24, 22, 28, 34, 34],
        align=["c", "c", "c", "c", "c", "c"],
    )


def build_minutes(meeting: Meeting, member: RosterEntry | None, overrides: dict[str, str]) -> OfficialDocument:
    minutes = minutes_for_meeting(meeting)
    order = minutes.roster if minutes else speaking_order(meeting_roster(meeting=meeting))
    order = [e for e in order if e.team_role in (TeamRole.PRINCIPAL, TeamRole.MEMBER)] or order
    principal = next((e for e in order if e.team_role == TeamRole.PRINCIPAL), None)
    unit = unit_name(meeting)
    doc = OfficialDocument(title=f"{unit}领导班子\n{meeting.config.name}会议记录", overrides=overrides, author=unit)
    if minutes is None:
        _subtitle(doc, NOT_STARTED_MARK)
    elif not minutes.record.is_final:
        _subtitle(doc, DRAFT_MARK)
    _header(doc, minutes, order)
    _agenda(doc, minutes)
    _team_examination(doc, minutes, principal)
    doc.heading(1, "批评和自我批评")
    if minutes is not None:
        speakers = [t.entry.name for t in minutes.present_turns if t.entry in order]
        doc.paragraph(
            fill(
                "按照先主要负责同志、后其他班子成员的顺序，{names}依次作对照检查发言，开展相互批评，并作表态发言。",
                names="、".join(f"{name}同志" for name in speakers) or None,
            )  # fmt: skip
        )
    turns = {t.entry.pk: t for t in minutes.turns} if minutes else {}
    for entry in order:
        _turn(doc, minutes, entry, turns.get(entry.pk))
    _personal_matters(doc, minutes, order)
    _supervisors(doc, minutes)
    _summary(doc, minutes, principal)
    _counts(doc, minutes, order)
    doc.blank()
    doc.paragraph("主持人（签字）：　　　　　　　　记录人（签字）：", indent=False)
    return doc


register(
    "minutes",
    "会议记录",
    build_minutes,
    order=60,
    description="出席、议程、班子成员依次对照检查、相互批评和表态、督导组点评、总结讲话及有关数据。",
)
