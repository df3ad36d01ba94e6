"""The first kinds, built from records that exist already: 谈心谈话记录 and the 归档目录 skeleton.

Both follow the rule of every builder: numbers and names come from the records; a fact not recorded
prints 【待补充】 (slots.fill); paragraphs with a `key` may be edited in the browser.
"""

from __future__ import annotations

from typing import Any

from mingjing.documents.engine import OfficialDocument
from mingjing.documents.numbering import doc_date
from mingjing.documents.registry import kinds, register
from mingjing.documents.slots import fill
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.meetings.selectors import meeting_roster
from mingjing.talks.models import Talk
from mingjing.talks.selectors import talk_coverage, talk_key, talks_of_meeting


def unit_name(meeting: Meeting) -> str:
    organization = meeting.organization
    return organization.short_name or organization.name


def _involves(talk: Talk, member: RosterEntry) -> bool:
    return member.pk in (talk.member_id, talk.other_member_id)


def _required_involves(key: tuple, member_id: int, owner_id: int) -> bool:
    return owner_id == member_id or (key[0] == "member" and member_id in key[1:])


def _counterpart(talk: Talk) -> str:
    if talk.counterpart_kind == "member" and talk.other_member_id:
        other = talk.other_member
        return f"{other.name}（{other.post}）" if other.post else other.name
    return talk.counterpart_label


def build_talks(meeting: Meeting, member: RosterEntry | None, overrides: dict[str, str]) -> OfficialDocument:
    """谈心谈话记录: the 四个必谈 coverage and one section per recorded talk (the team's, or one member's)."""
    talks = list(talks_of_meeting(meeting=meeting))
    coverage = talk_coverage(meeting=meeting, talks=talks)
    rows = coverage.rows
    if member is not None:
        talks = [t for t in talks if _involves(t, member)]
        rows = [(r, ok) for r, ok in rows if _required_involves(r.key, member.pk, r.member_id)]
    first_date = {}
    for talk in talks:
        first_date.setdefault(talk_key(talk), talk.talk_date)
    required, done = len(rows), sum(1 for _, ok in rows if ok)
    missing = [r for r, ok in rows if not ok]

    title = f"{meeting.title}\n谈心谈话记录" + (f"（{member.name}）" if member else "")
    doc = OfficialDocument(title=title, overrides=overrides, author=unit_name(meeting))
    dates = sorted(t.talk_date for t in talks)
    who = f"{member.name}同志" if member else f"{unit_name(meeting)}领导班子成员"
    if required == 0:
        tail = "本次会议的年度配置未设置必谈范围，或班子名单为空"
    elif done == required:
        tail = fill("按本次会议班子名单应谈{required}项、已谈{done}项，实现全覆盖", required=required, done=done)
    else:
        tail = fill(
            "按本次会议班子名单应谈{required}项、已谈{done}项，尚有{left}项未谈",
            required=required,
            done=done,
            left=required - done,
        )
    doc.paragraph(
        fill(
            "按照{config}关于谈心谈话的要求，{who}在会前开展了一对一、面对面的谈心谈话，必谈范围为：{rules}。"
            "谈话时间为{first}至{last}，共登记谈话{count}次；{tail}。",
            config=meeting.config.name,
            who=who,
            rules="；".join(meeting.config.talk_rule_labels()) or None,
            first=doc_date(dates[0]) if dates else None,
            last=doc_date(dates[-1]) if dates else None,
            count=len(talks),
            tail=tail,
        ),
        key="intro",
        label="概述",
    )

    doc.heading(1, "必谈覆盖情况")
    table_rows = []
    for i, (req, ok) in enumerate(rows, start=1):
        when = first_date.get(req.key)
        table_rows.append([i, req.rule.label, req.label, doc_date(when) if ok else "", "已谈" if ok else "未谈"])
    if table_rows:
        doc.table(["序号", "必谈范围", "谈话双方", "谈话日期", "状态"], table_rows, widths=[14, 40, 46, 38, 18],
                  align=["c", "l", "l", "c", "c"])  # fmt: skip
    if missing:
        doc.paragraph(fill("尚未谈话的有：{pairs}。", pairs="；".join(r.label for r in missing)))

    doc.heading(1, "谈话记录")
    if not talks:
        doc.paragraph("尚未登记谈话记录。")
    for talk in talks:
        name = f"{talk.member.name}与{talk.counterpart_label}谈话"
        doc.heading(2, name)
        between_members = talk.counterpart_kind == "member"
        # A talk between two members is one-to-one: 参加人员 only when recorded (never guessed from
        # the pair); with division heads or branch representatives, who took part is a fact to record.
        participants = "" if between_members and not talk.participants.strip() else "；参加人员：{participants}"
        doc.paragraph(
            fill(
                "谈话时间：{date}。谈话人：{member}{post}；谈话对象：{other}" + participants + "。",
                date=talk.talk_date,
                member=talk.member.name,
                post=f"（{talk.member.post}）" if talk.member.post else "",
                other=_counterpart(talk),
                participants=talk.participants,
            )
        )
        doc.paragraph(fill("主要内容：{topics}", topics=talk.topics), key=f"talk-{talk.pk}", label=f"{name}的内容")
        # Criticism to be raised at the meeting passes between members: asked of their talks only.
        if talk.criticism_discussed:
            doc.paragraph("拟在会上提出的批评意见：已当面沟通。")
        elif between_members:
            doc.paragraph(fill("拟在会上提出的批评意见是否已当面沟通：{discussed}", discussed=None))
    return doc


def build_catalogue(meeting: Meeting, member: RosterEntry | None, overrides: dict[str, str]) -> OfficialDocument:
    """归档目录 skeleton: one line per document the system writes (per member where it is personal);
    page numbers and 档号 are filled in by hand when the box is packed."""
    doc = OfficialDocument(title=f"{meeting.title}\n材料归档目录", overrides=overrides, author=unit_name(meeting))
    doc.paragraph(
        fill(
            "本盒收存{unit}{meeting}的会前准备、会议召开和会后整改材料，按形成先后顺序排列；"
            "页数、档号在装盒时填写。会议时间：{date}{half}；地点：{place}。",
            unit=unit_name(meeting),
            meeting=meeting.config.name,
            date=meeting.planned_date,
            half=meeting.get_half_day_display(),
            place=meeting.place,
        ),
        key="intro",
        label="说明",
    )
    roster = [e for e in meeting_roster(meeting=meeting) if e.team_role in ("principal", "member")]
    rows: list[list[Any]] = []
    for kind in kinds():
        if kind.kind == "catalogue":
            continue
        if kind.per_member:
            for entry in roster:
                rows.append([f"{kind.label}（{entry.name}）", entry.name])
        else:
            rows.append([kind.label, unit_name(meeting)])
    doc.table(
        ["序号", "材料名称", "责任者", "页数", "备注"],
        [[i, *row, "", ""] for i, row in enumerate(rows, start=1)],
        widths=[14, 76, 36, 14, 16],
        align=["c", "l", "l", "c", "l"],
    )
    doc.blank()
    doc.paragraph("立卷人：　　　　　　　　　　归档日期：　　　　年　　月　　日", indent=False)
    return doc


register("talks", "谈心谈话记录", build_talks, needs_member="optional", order=40,
         description="四个必谈覆盖情况和每次谈话的记录；可按班子成员分别生成。")  # fmt: skip
register("catalogue", "材料归档目录", build_catalogue, order=900,
         description="专盒归档的目录，列出本系统生成的全部文书；页数、档号装盒时手填。")  # fmt: skip
