"""The 情况报告 (kind `report`) and the 整改落实情况报告 (kind `rectification-report`).

The report is shaped like the seeds (000, 001, 003, 004): the 主送机关 line, an opening paragraph
with the superior's notice and the approval of the request, then 一、会前准备 (plan, study, opinions,
talks, materials), 二、会议召开 (when, where, who, the agenda, problems and criticisms, personal
matters, the 督导组's comments, the summary) and 三、会后工作 (revision, rectification plan and lists,
notice, archive), signed by the unit with the date.

Every number and name comes from the apps' selectors; a fact not recorded prints 【待补充】
(`slots.fill`). Every narrative paragraph has a stable key (`opening`, `plan`, `study` …, and
`item-<pk>` / `member-<pk>` in the rectification report), so a user's edit survives regeneration.

The superior's notice (issuer, title, 文号) is cited from the plan (`plans.selectors.superior_notice`);
each part not recorded prints 【待补充】. The plan's and the request's 文号 are printed where recorded
and left out where not (a plan often has none).

Dates:
- the meeting's date, half-day and place are the meeting record's (会议记录) when one exists, else
  the meeting's own (计划召开日期, 地点); an empty place prints 【待补充】.
- the report's date (成文日期) is the day the timeline step “向上级报送情况报告” was completed when
  recorded; otherwise today, once the meeting has been held (a meeting record, or its step
  “召开民主生活会” completed, on or before today); before that 【待补充】 — a report is not dated
  before the meeting it reports on.
- the 整改落实情况报告 counts the ledger as of today and is dated today once the ledger has items.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from mingjing.documents.engine import OfficialDocument
from mingjing.documents.numbering import numbered_points
from mingjing.documents.registry import register
from mingjing.documents.slots import MISSING, fill
from mingjing.lib.dates import today
from mingjing.materials.models import Status as MaterialStatus
from mingjing.materials.selectors import material_rows
from mingjing.meetings.models import Meeting, RosterEntry, StepCompletion
from mingjing.meetings.selectors import meeting_roster
from mingjing.minutes.selectors import Minutes, minutes_for_meeting
from mingjing.opinions.selectors import OpinionTallies, opinion_tallies
from mingjing.organizations.models import TeamRole
from mingjing.plans.models import RequestStatus
from mingjing.plans.selectors import approved_request, plan_for_meeting, request_rounds, superior_notice
from mingjing.problems.selectors import problem_counts
from mingjing.studies.selectors import session_counts, sessions_of_meeting
from mingjing.talks.selectors import talk_coverage, talks_of_meeting

try:  # the rectification app is being finished: code against what is committed, degrade to 【待补充】
    from mingjing.rectification import selectors as rectification_selectors
except ImportError:  # pragma: no cover - only while that app is half-written
    rectification_selectors = None

REPORT_KIND, RECTIFICATION_KIND = "report", "rectification-report"
# “一要持续提高政治站位” / “二是……” / “1.……” typed into a list that the report numbers itself.
_POINT_PREFIX = re.compile(
    r"^\s*(?:[一二三四五六七八九十]+[要是抓][，,、]?|\d+[.．、]\s*|（[一二三四五六七八九十\d]+）)"
)


# --- small helpers -----------------------------------------------------------------------------------
def unit_short(meeting: Meeting) -> str:
    organization = meeting.organization
    return organization.short_name or organization.name


def _rectification(name: str):
    """A function of the rectification selectors, or None while it does not exist."""
    return getattr(rectification_selectors, name, None) if rectification_selectors is not None else None


def _strip_point(text: str) -> str:
    return _POINT_PREFIX.sub("", text.strip(), count=1).strip().rstrip("。；;，,")


def _points(items: Sequence[str], verb: str) -> str:
    """Requirements as “一要……。二要……。”, whatever numbering the user typed."""
    return numbered_points([_strip_point(i) for i in items if i and i.strip()], verb)


def _sentence(text: str) -> str:
    """A free text from a record as one sentence ending in 。 (empty stays empty)."""
    text = " ".join(text.split())
    if text and text[-1] not in "。！？；":
        text += "。"
    return text


def _name(entry: RosterEntry | None) -> str | None:
    return f"{entry.name}同志" if entry is not None else None


def _post_name(entry: RosterEntry | None) -> str | None:
    if entry is None:
        return None
    return f"{entry.post}{entry.name}同志" if entry.post else f"{entry.name}同志"


@dataclass
class Held:
    """When and where the meeting took place, and whether it has (see module doc)."""

    date: dt.date | None
    half_day: str
    place: str
    held: bool


def _held(meeting: Meeting, minutes: Minutes | None, steps: dict[str, dt.date], on: dt.date) -> Held:
    if minutes is not None:
        record = minutes.record
        return Held(record.held_on, record.get_half_day_display(), record.place or meeting.place,
                    record.held_on <= on)  # fmt: skip
    held_on = steps.get("meeting")
    date = held_on or meeting.planned_date
    return Held(date, meeting.get_half_day_display(), meeting.place, held_on is not None and held_on <= on)


def _steps(meeting: Meeting) -> dict[str, dt.date]:
    return dict(StepCompletion.objects.filter(meeting=meeting).values_list("step", "completed_on"))


# --- the 情况报告 --------------------------------------------------------------------------------------
def build_report(meeting: Meeting, member: RosterEntry | None, overrides: dict[str, str]) -> OfficialDocument:
    on = today()
    unit, short, config = meeting.organization, unit_short(meeting), meeting.config
    roster = list(meeting_roster(meeting=meeting))
    team = [e for e in roster if e.team_role in (TeamRole.PRINCIPAL, TeamRole.MEMBER)]
    principal = next((e for e in team if e.team_role == TeamRole.PRINCIPAL), None)
    minutes = minutes_for_meeting(meeting)
    steps = _steps(meeting)
    held = _held(meeting, minutes, steps, on)
    plan = plan_for_meeting(meeting=meeting)
    approved = approved_request(meeting=meeting)

    doc = OfficialDocument(
        title=f"关于{meeting.title}召开情况的报告",
        addressee=unit.addressees,
        overrides=overrides,
        author=short,
    )
    approval = fill("并报{who}审核同意", who=approved.approved_by) if approved else fill("并报{who}审核同意", who=None)
    doc.paragraph(
        fill(
            "按照{notice}要求，经{short}研究{approval}，{date}{half}，{short}在{place}召开了"
            "{meeting}。现将有关情况报告如下：",
            notice=superior_notice(plan),
            short=short,
            approval=approval,
            date=held.date,
            half=held.half_day,
            place=held.place,
            meeting=config.name,
        ),
        key="opening",
        label="开头（上级通知、请示批复、会议时间地点）",
    )
    doc.paragraph(
        fill(
            "会议聚焦“{theme}”这一主题，对照{aspect_count}个方面开展批评和自我批评，深刻检视问题，剖析原因，"
            "明确努力方向，制定整改措施。",
            theme=config.theme.strip().rstrip("。"),
            aspect_count=len(_aspects(config)) or None,
        ),
        key="theme",
        label="会议主题",
    )

    # 一、会前准备
    doc.heading(1, "认真做好会前准备，筑牢开好会议的思想基础")
    plan_text = _plan_text(meeting, short, plan, approved)
    doc.heading(2, "认真制订方案。", body=plan_text, key="plan", label="（一）制订方案")
    doc.heading(2, "深入学习研讨。", body=_study_text(meeting, short), key="study", label="（二）学习研讨")
    tallies = opinion_tallies(meeting)
    doc.heading(2, "广泛征求意见。", body=_opinions_text(tallies, roster), key="opinions", label="（三）征求意见")
    doc.heading(2, "深入谈心谈话。", body=_talks_text(meeting, short), key="talks", label="（四）谈心谈话")
    counts = problem_counts(meeting)
    doc.heading(
        2,
        "认真撰写对照检查材料。",
        body=_materials_text(meeting, principal, counts),
        key="materials",
        label="（五）撰写对照检查材料",
    )
    aspects = _aspects(config)
    if aspects:
        doc.paragraph(
            fill(
                "领导班子和班子成员聚焦会议主题，把自己摆进去、把职责摆进去、把工作摆进去，重点从以下{n}个方面"
                "进行对照检查：{points}",
                n=len(aspects),
                points=numbered_points(aspects),
            ),
            key="aspects",
            label="对照检查的重点方面",
        )

    # 二、会议召开
    doc.heading(1, "严肃开好民主生活会，认真开展批评和自我批评")
    doc.paragraph(_attendance_text(meeting, short, held, minutes, plan, team), key="attendance", label="会议召开概况")
    agenda = [a.text for a in minutes.agenda if a.text.strip()] if minutes else []
    doc.paragraph(
        fill("会议共有{n}项议程：{points}", n=len(agenda) or None, points=numbered_points(agenda) or None),
        key="agenda",
        label="会议议程",
    )
    doc.paragraph(_briefing_text(meeting, tallies), key="briefing", label="会上通报的情况")
    doc.paragraph(_examination_text(short, principal, minutes, counts), key="examination", label="对照检查")
    doc.paragraph(_criticism_text(minutes), key="criticism", label="批评和自我批评")
    doc.paragraph(_personal_text(minutes), key="personal", label="个人有关事项和谈话函询")
    doc.paragraph(_supervisor_text(short, minutes), key="supervisors", label="督导组点评")
    doc.paragraph(_summary_text(principal, minutes), key="summary", label="总结讲话")

    # 三、会后工作
    doc.heading(1, "抓实会后各项工作，巩固和运用会议成果")
    doc.heading(2, "修改完善相关材料。", body=_revision_text(meeting, held), key="revision", label="（一）修改材料")
    doc.heading(
        2,
        "制订整改方案和整改清单。",
        body=_rectification_text(meeting, short, config.name, held, on),
        key="rectification",
        label="（二）整改方案和整改清单",
    )
    doc.heading(2, "做好公示通报。", body=_notice_text(meeting, short), key="notice", label="（三）公示通报")
    doc.heading(2, "做好材料归档和上报。", body=_archive_text(meeting, config), key="archive", label="（四）归档上报")

    doc.signature(unit.name, _report_date(steps, held, on))
    return doc


def _aspects(config) -> list[str]:
    return [a.title.strip().rstrip("。") for a in config.aspects.all() if a.title.strip()]


def _report_date(steps: dict[str, dt.date], held: Held, on: dt.date) -> dt.date | None:
    if "report" in steps:
        return steps["report"]
    return on if held.held else None


def _plan_text(meeting: Meeting, short: str, plan, approved) -> str:
    config = meeting.config
    if plan is not None:
        number = f"（{plan.document_number}）" if plan.document_number.strip() else ""
        text = fill(
            "根据上级{notice}精神，结合实际认真制订了《{title}》" + number + "，明确了会议主题、主要议程、"
            "参会人员和方法步骤，经{short}于{agreed}研究通过。",
            notice=superior_notice(plan),
            title=plan.title,
            short=short,
            agreed=plan.agreed_on,
        )
        tasks = list(plan.tasks.all())
        if tasks:
            done = sum(1 for t in tasks if t.done_on)
            text += fill(
                "方案细化了{n}项工作任务，逐项明确责任人和完成时限，截至目前已完成{done}项。", n=len(tasks), done=done
            )
    else:
        text = fill("根据上级{notice}精神，结合实际认真制订了《{title}》。", notice=superior_notice(None), title=None)
    if approved is not None:
        number = f"（{approved.document_number}）" if approved.document_number.strip() else ""
        text += fill(
            "按照至少提前{lead}天报送请示的要求，于{sent}形成《{title}》" + number + "报{to}，距会议召开{days}天，"
            "{who}于{approved_on}审核同意。",
            lead=approved.lead_days,
            sent=approved.sent_on,
            title=approved.title,
            to=approved.addressees,
            days=approved.days_before,
            who=approved.approved_by,
            approved_on=approved.approved_on,
        )
    else:
        rounds = request_rounds(meeting=meeting)
        latest = rounds[-1] if rounds else None
        text += fill(
            "按照至少提前{lead}天报送请示的要求，于{sent}形成《{title}》报{to}，{who}于{approved_on}审核同意。",
            lead=config.plan_lead_days,
            sent=latest.sent_on if latest else None,
            title=latest.title if latest else None,
            to=latest.addressees if latest else None,
            who=latest.replier_name if latest and latest.status == RequestStatus.APPROVED else None,
            approved_on=None,
        )
    return text


def _study_text(meeting: Meeting, short: str) -> str:
    sessions = list(sessions_of_meeting(meeting=meeting))
    if not sessions:
        return fill(
            "会前，{short}围绕会议主题开展了个人自学和{n}次集中学习研讨，学习了{materials}，"
            "为开好民主生活会打牢思想基础。",
            short=short,
            n=None,
            materials=None,
        )
    counts = session_counts(sessions)
    kinds = [f"{label}{n}次" for label, n in counts.items() if n]
    materials: list[str] = []
    for session in sessions:
        for item in session.material_list:
            item = item.rstrip("。；;，,")
            if item not in materials:
                materials.append(item)
    dates = sorted(s.session_date for s in sessions)
    span = fill("{first}", first=dates[0]) if dates[0] == dates[-1] else fill("{a}至{b}", a=dates[0], b=dates[-1])
    people = sum(s.participants.count() for s in sessions)
    return fill(
        "会前，{short}围绕会议主题，于{span}开展学习研讨{n}次（{kinds}），班子成员参加{people}人次，"
        "重点学习了{materials}，进一步统一思想、深化认识，为开好民主生活会打牢思想基础。",
        short=short,
        span=span,
        n=len(sessions),
        kinds="、".join(kinds),
        people=people,
        materials="；".join(materials) or None,
    )


def _opinions_text(tallies: OpinionTallies, roster: list[RosterEntry]) -> str:
    if not tallies.campaigns:
        return fill(
            "会前通过{channels}等方式广泛征求意见建议，共收到意见建议{total}条，{per_target}；经梳理，{summary}。",
            channels=None,
            total=None,
            per_target=None,
            summary=None,
        )
    posts = {e.pk: e.post for e in roster}
    parts = []
    for t in tallies.targets:
        if t.entry_id is None:
            parts.append(f"对领导班子意见建议{t.count}条")
        elif t.count:
            post = posts.get(t.entry_id, "")
            parts.append(f"对{post}{t.label}{'意见建议' if not parts else ''}{t.count}条")
    forms = ""
    if tallies.units:
        forms = fill(
            "向{units}个单位发放征求意见表{sent}份、收回{returned}份，",
            units=tallies.units,
            sent=tallies.forms_sent,
            returned=tallies.forms_returned,
        )
    text = fill(
        "会前通过{channels}等方式广泛征求意见建议，{forms}共收到意见建议{total}条，其中{per_target}",
        channels=tallies.channels,
        forms=forms,
        total=tallies.total,
        per_target="，".join(parts),
    )
    if tallies.withheld:
        text += fill("；另有网上意见{n}条待征求结束后汇总", n=tallies.withheld)
    summary = tallies.summary if tallies.items else None
    return text + fill("。经梳理，{summary}，作为查摆问题的重要依据。", summary=summary)


def _talks_text(meeting: Meeting, short: str) -> str:
    talks = list(talks_of_meeting(meeting=meeting))
    coverage = talk_coverage(meeting=meeting, talks=talks)
    rules = "；".join(meeting.config.talk_rule_labels()) or None
    if not talks:
        return fill(
            "按照“四个必谈”要求（{rules}），班子成员一对一、面对面开展谈心谈话，共谈话{n}次，{coverage}。",
            rules=rules,
            n=None,
            coverage=None,
        )
    dates = sorted(t.talk_date for t in talks)
    if coverage.required and coverage.complete:
        cover = f"按班子名单应谈{coverage.required}项、已谈{coverage.done}项，实现全覆盖"
    elif coverage.required:
        cover = (
            f"按班子名单应谈{coverage.required}项、已谈{coverage.done}项，尚有{coverage.required - coverage.done}项未谈"
        )
    else:
        cover = None
    discussed = sum(1 for t in talks if t.criticism_discussed)
    return fill(
        "按照“四个必谈”要求（{rules}），{short}班子成员于{first}至{last}一对一、面对面开展谈心谈话，"
        "共谈话{n}次，{coverage}；其中{discussed}次谈话沟通了拟在会上提出的批评意见。谈话既谈工作问题、"
        "也谈思想问题，既谈自身差距、也提醒对方不足。",
        rules=rules,
        short=short,
        first=dates[0],
        last=dates[-1],
        n=len(talks),
        coverage=cover,
        discussed=discussed,
    )


def _materials_text(meeting: Meeting, principal: RosterEntry | None, counts) -> str:
    rows = material_rows(meeting=meeting)
    team_row = rows[0]
    outlines = [r for r in rows[1:] if r.owner is not None and r.owner.team_role != TeamRole.NONE]
    statuses = Counter(r.status_label for r in outlines)
    order = [label for _, label in MaterialStatus.choices] + ["尚未撰写"]
    status_text = "、".join(f"{label}{statuses[label]}份" for label in order if statuses.get(label))
    team_problems = counts.by_owner.get(None)
    text = fill(
        "领导班子对照检查材料由{principal}主持起草（{team_status}），班子成员个人发言提纲均由本人亲自撰写，"
        "{n}份个人发言提纲中{statuses}。",
        principal=_post_name(principal),
        team_status=team_row.status_label,
        n=len(outlines) or None,
        statuses=status_text or None,
    )
    if counts.total:
        text += fill(
            "在征求意见、谈心谈话的基础上，领导班子查摆问题{team}个，班子成员查摆问题{members}个",
            team=team_problems.total if team_problems else 0,
            members=counts.members_total,
        )
        text += "。"
    else:
        text += fill("领导班子查摆问题{team}个，班子成员查摆问题{members}个。", team=None, members=None)
    return text


def _attendance_text(meeting, short, held: Held, minutes: Minutes | None, plan, team) -> str:
    chair = minutes.record.chair if minutes and minutes.record.chair_id else None
    if minutes is not None:
        quorum = minutes.quorum
        leave = minutes.on_leave
        if quorum.expected and not leave:
            presence = f"{short}领导班子{quorum.expected}名同志全部参加会议"
        elif quorum.expected:
            reasons = "；".join(
                f"{a.entry.name}同志" + (f"因{a.leave_reason.strip()}" if a.leave_reason.strip() else "") + "请假"
                for a in leave
            )
            presence = f"{short}领导班子{quorum.statement}，{reasons}"
        else:
            presence = fill("{short}领导班子{who}参加会议", short=short, who=None)
        supervisors = [f"{s.body}{s.title}{s.name}同志" for s in minutes.supervisors if (s.body + s.title + s.name)]
        observers = [f"{o.post}{o.name}".strip() for o in minutes.observers if (o.post + o.name).strip()]
    else:
        presence = fill("{short}领导班子{who}参加会议", short=short, who=None)
        supervisors, observers = [], []
    observer_text = "、".join(observers) or (plan.observers.strip() if plan and plan.observers.strip() else "")
    text = fill(
        "{date}{half}，{meeting}在{place}召开。会议由{chair}主持，{presence}，{supervisors}到会指导",
        date=held.date,
        half=held.half_day,
        meeting=meeting.title,
        place=held.place,
        chair=_post_name(chair) if chair else None,
        presence=presence,
        supervisors="、".join(supervisors) or None,
    )
    if observer_text:
        text += f"，{observer_text}列席会议"
    elif minutes is None:
        text += fill("，{observers}列席会议", observers=None)
    return text + "。"


def _briefing_text(meeting: Meeting, tallies: OpinionTallies) -> str:
    carry_over = _rectification("carry_over")
    summary, previous = MISSING, meeting.previous.config.name if meeting.previous_id else None
    if carry_over is not None:  # last year's ledger, or what the unit recorded of a year held on paper
        data = carry_over(meeting)
        summary, previous = data.summary or MISSING, data.previous_name or previous
    return fill(
        "会上，书面通报了{previous}整改措施落实情况：{summary}同时通报了本次民主生活会征求意见情况，"
        "共收到意见建议{total}条。",
        previous=previous,
        summary=summary if summary.endswith("。") or summary == MISSING else summary + "。",
        total=tallies.total if tallies.campaigns else None,
    )


def _examination_text(short, principal, minutes: Minutes | None, counts) -> str:
    record = minutes.record if minutes else None
    given = bool(record and record.team_examination_given)
    team = counts.by_owner.get(None)
    aspects_used = sum(1 for n in (team.by_aspect if team else []) if n)
    text = fill(
        "{principal}代表{short}领导班子作对照检查，领导班子对照{aspects}个方面查摆问题{team}个，"
        "并深入剖析根源、明确整改措施。",
        principal=_name(principal) if given else None,
        short=short,
        aspects=aspects_used or None,
        team=team.total if team and team.total else None,
    )
    if record and record.team_examination_note.strip():
        text += _sentence(record.team_examination_note)
    return text


def _criticism_text(minutes: Minutes | None) -> str:
    if minutes is None:
        return fill(
            "班子成员依次作个人对照检查发言，开展批评和自我批评，共查摆问题{problems}个，相互提出批评意见{points}条。",
            problems=None,
            points=None,
        )
    totals = minutes.totals
    per_member = []
    for turn in minutes.present_turns:
        c = turn.counts
        per_member.append(f"{turn.entry.name}同志查摆问题{c.problems}个、听取批评意见{c.received_points}条")
    text = fill(
        "班子成员依次作个人对照检查发言，开展批评和自我批评。班子成员共查摆问题{problems}个，"
        "相互提出批评意见{points}条（{times}人次）",
        problems=totals.member_problems,
        points=totals.criticism_points,
        times=totals.criticisms,
    )
    if per_member:
        text += "，其中" + "，".join(per_member)
    text += "。被批评的同志均作了表态发言，表示虚心接受、认真整改。" if totals.criticisms else "。"
    return text


def _personal_text(minutes: Minutes | None) -> str:
    explained = [t for t in minutes.present_turns if t.speech.personal_matters.strip()] if minutes else []
    inquiry = minutes.record.inquiry_report.strip() if minutes else ""
    return fill(
        "{n}名班子成员按要求说明了个人有关事项；主要负责同志通报了班子成员受到谈话函询等情况：{inquiry}",
        n=len(explained) or None,
        inquiry=_sentence(inquiry) or None,
    )


def _supervisor_text(short: str, minutes: Minutes | None) -> str:
    record = minutes.record if minutes else None
    present = minutes.supervisors if minutes else []
    names = [f"{s.body}{s.title}{s.name}同志" for s in present if s.body + s.title + s.name]
    comments = " ".join(record.supervisor_comments.split()).rstrip("。；") if record else ""
    text = fill("{who}对民主生活会作了点评：{comments}", who="、".join(names) or None, comments=comments or None)
    if record and record.supervisor_requirements:
        return text + fill("，并对{short}领导班子提出要求：{points}", short=short,
                           points=_points(record.supervisor_requirements, "要"))  # fmt: skip
    return text + "。"


def _summary_text(principal: RosterEntry | None, minutes: Minutes | None) -> str:
    record = minutes.record if minutes else None
    summary = " ".join(record.principal_summary.split()).rstrip("。；") if record else ""
    text = fill("会议最后，{principal}作总结讲话：{summary}", principal=_name(principal), summary=summary or None)
    if record and record.principal_requirements:
        return text + "，并就做好后续工作提出要求：" + _points(record.principal_requirements, "要")
    return text + "。"


def _revision_text(meeting: Meeting, held: Held) -> str:
    rows = [r for r in material_rows(meeting=meeting) if r.material is not None]
    revised = sum(1 for r in rows if r.status == MaterialStatus.REVISED)
    return fill(
        "会后，按照督导组点评和会上批评意见，领导班子和班子成员对对照检查材料和个人发言提纲进行了修改完善，"
        "已修改完善{revised}份（共{total}份）。",
        revised=revised if held.held and revised else None,
        total=len(rows) or None,
    )


def _rectification_text(meeting: Meeting, short: str, name: str, held: Held, on: dt.date) -> str:
    rollup = _rectification("rollup")
    ledger = rollup(meeting, on=on) if rollup is not None else None
    if ledger is None or not ledger.rows:
        return fill(
            "结合会上批评和自我批评情况和督导组点评意见，制订了《{short}{name}整改方案》，列出整改事项{team}项；"
            "班子成员各自制订整改清单，列出整改事项{members}项，逐项明确整改措施、责任人和整改时限。",
            short=short,
            name=name,
            team=None,
            members=None,
        )
    team = ledger.team
    members = [g for g in ledger.members if g.total]
    total = ledger.total
    text = fill(
        "结合会上批评和自我批评情况和督导组点评意见，制订了《{short}{name}整改方案》，列出整改事项{team}项，"
        "逐项明确整改措施、责任领导、责任科室、责任人和整改时限；{n}名班子成员制订了个人整改清单，"
        "列出整改事项{members}项。",
        short=short,
        name=name,
        team=team.total if team else 0,
        n=len(members),
        members=sum(g.total for g in members),
    )
    carried = sum(1 for r in ledger.rows if r.item.carried_from_id)
    if carried:
        text += fill("上述事项中，结转上年度未完成事项{n}项。", n=carried)
    text += fill(
        "截至{on}，已销号{closed}项，正在整改{open}项（其中需长期坚持{long_term}项）",
        on=on,
        closed=total.closed,
        open=total.open,
        long_term=total.long_term,
    )
    carried_on = getattr(total, "carried", 0)  # carried to next year's ledger: counted there
    text += fill("，已结转到下一年度整改台账{n}项。", n=carried_on) if carried_on else "。"
    return text


def _notice_text(meeting: Meeting, short: str) -> str:
    notices_of_meeting = _rectification("notices_of_meeting")
    notices = list(notices_of_meeting(meeting=meeting)) if notices_of_meeting is not None else []
    if not notices:
        return fill(
            "将{short}召开民主生活会情况及整改方案、整改清单通过{channel}在{scope}范围内进行公示，接受党员干部群众监督。",
            short=short,
            channel=None,
            scope=None,
        )
    parts = []
    for n in notices:
        until = fill("至{until}", until=n.until) if n.until else ""
        where = f"（{n.place}）" if n.place.strip() else ""
        parts.append(
            fill(
                "于{on}{until}通过{channel}{where}在{scope}范围内进行{kind}",
                on=n.published_on,
                until=until,
                channel=n.channel,
                where=where,
                scope=n.scope,
                kind=n.get_kind_display(),
            )
        )
    return f"将{short}召开民主生活会情况及整改方案、整改清单" + "；".join(parts) + "，接受党员干部群众监督。"


def _archive_text(meeting: Meeting, config) -> str:
    return fill(
        "会后对民主生活会材料进行全面梳理，于{archived}进行专盒归档，并按照会后{days}天内报送的要求上报本报告和相关材料。",
        archived=meeting.archived_on,
        days=config.report_deadline_days,
    )


# --- the 整改落实情况报告 --------------------------------------------------------------------------------
DONE, IN_PROGRESS, LONG_TERM, CARRIED = "已完成", "正在整改", "需长期坚持", "已结转"


def _state(item) -> str:
    if item.status == "closed":
        return DONE
    if item.status == "carried":  # carried to next year's ledger: counted there, once
        return CARRIED
    return LONG_TERM if item.long_term else IN_PROGRESS


def _first_sentence(text: str) -> tuple[str, str]:
    """“理论学习…不够紧密。” → (“理论学习…不够紧密。”, rest); a long first clause stays whole."""
    text = " ".join(text.split())
    m = re.search(r"[。！？；]", text)
    if not m:
        return (text + "。", "")
    return text[: m.end()], text[m.end() :].strip()


def _item_text(item) -> str:
    _, rest = _first_sentence(item.problem_text)
    responsible = [
        f"责任领导：{item.responsible_leader.name}" if item.responsible_leader_id else "",
        f"责任科室：{item.responsible_division.name}" if item.responsible_division_id else "",
        f"责任人：{item.responsible_person.name}" if item.responsible_person_id else "",
    ]
    responsible_text = "；".join(r for r in responsible if r)
    return (
        (rest + " " if rest else "")
        + fill("整改措施：{measures}", measures=_sentence(item.measures) or None)
        + (f"{responsible_text}。" if responsible_text else "")
        + (
            ""
            if _state(item) == DONE and not item.progress_note.strip()
            else fill("进展情况：{note}", note=_sentence(item.progress_note) or None)
        )
        + ("" if _state(item) == DONE else "目前")
        + f"{_item_status(item)}。"
    ).strip()


def build_rectification_report(
    meeting: Meeting, member: RosterEntry | None, overrides: dict[str, str]
) -> OfficialDocument:
    on = today()
    unit, short, config = meeting.organization, unit_short(meeting), meeting.config
    minutes = minutes_for_meeting(meeting)
    held = _held(meeting, minutes, _steps(meeting), on)
    rollup = _rectification("rollup")
    ledger = rollup(meeting, on=on) if rollup is not None else None
    rows = ledger.rows if ledger is not None else []
    doc = OfficialDocument(
        title=f"关于{meeting.title}整改落实情况的报告", addressee=unit.addressees, overrides=overrides, author=short
    )
    states = Counter(_state(r.item) for r in rows)
    team_rows = [r for r in ledger.team.rows] if ledger is not None and ledger.team else []
    member_groups = [g for g in ledger.members if g.total] if ledger is not None else []
    doc.paragraph(
        fill(
            "{date}{half}，{short}召开了{name}。会后，{short}把抓好整改作为一项严肃的政治任务，对照会前征求的意见建议、"
            "会上查摆的问题和相互批评意见，制订整改方案和整改清单，实行台账管理、销号管理。现将整改落实情况报告如下：",
            date=held.date,
            half=held.half_day,
            short=short,
            name=config.name,
        ),
        key="opening",
        label="开头",
    )
    doc.heading(1, "整改工作总体情况")
    overdue = sum(1 for r in rows if r.mark.state == "overdue") if rows else 0
    overall = fill(
        "{name}共确定整改事项{total}项，其中领导班子整改方案{team}项、班子成员整改清单{members}项。"
        "截至{on}，已完成{done}项，正在整改{progress}项，需长期坚持{long}项",
        name=config.name,
        total=len(rows) or None,
        team=len(team_rows) if rows else None,
        members=sum(g.total for g in member_groups) if rows else None,
        on=on,
        done=states[DONE] if rows else None,
        progress=states[IN_PROGRESS] if rows else None,
        long=states[LONG_TERM] if rows else None,
    )
    if states[CARRIED]:
        overall += fill("，已结转到下一年度整改台账{n}项", n=states[CARRIED])
    overall += fill("，其中{n}项已超过整改时限。", n=overdue) if overdue else "。"
    doc.paragraph(overall, key="overall", label="总体情况")
    if rows:
        table_rows = []
        groups = ([ledger.team] if ledger.team and ledger.team.total else []) + member_groups
        carried = [CARRIED] if states[CARRIED] else []  # a column only when some were carried on
        for i, group in enumerate(groups, start=1):
            counted = Counter(_state(r.item) for r in group.rows)
            label = "领导班子整改方案" if group.owner is None else f"{group.owner.name}同志整改清单"
            cells = [counted[s] for s in (DONE, IN_PROGRESS, LONG_TERM, *carried)]
            table_rows.append([i, label, group.total, *cells])
        cells = [states[s] for s in (DONE, IN_PROGRESS, LONG_TERM, *carried)]
        table_rows.append(["", "合计", len(rows), *cells])
        doc.table(
            ["序号", "整改方案（清单）", "事项", "已完成", "正在整改", "长期坚持", *carried],
            table_rows,
            widths=[14, 52, 18, 22, 26, 26] if not carried else [14, 40, 16, 20, 24, 24, 20],
            align=["c", "l", "c", "c", "c", "c", *(["c"] if carried else [])],
        )

    doc.heading(1, "领导班子整改事项落实情况")
    if not team_rows:
        doc.paragraph(fill("领导班子整改方案列出的整改事项：{items}", items=None), key="team", label="领导班子整改事项")
    for row in team_rows:
        item = row.item
        lead, _ = _first_sentence(item.problem_text)
        doc.heading(2, lead, body=_item_text(item), key=f"item-{item.pk}", label=f"整改事项{item.key}")

    doc.heading(1, "班子成员整改清单落实情况")
    if not member_groups:
        empty = fill("班子成员整改清单列出的整改事项：{items}", items=None)
        doc.paragraph(empty, key="members", label="班子成员整改清单")
    for group in member_groups:
        counted = Counter(_state(r.item) for r in group.rows)
        points = [f"{_first_sentence(r.item.problem_text)[0].rstrip('。')}，{_item_status(r.item)}" for r in group.rows]
        doc.paragraph(
            fill(
                "{name}同志整改清单列出整改事项{n}项，已完成{done}项，正在整改{progress}项，需长期坚持{long}项"
                + ("，已结转到下一年度{carried}项" if counted[CARRIED] else "")
                + "。{points}",
                name=group.owner.name,
                n=group.total,
                done=counted[DONE],
                progress=counted[IN_PROGRESS],
                long=counted[LONG_TERM],
                carried=counted[CARRIED],
                points=numbered_points(points),
            ),
            key=f"member-{group.owner.pk}",
            label=f"{group.owner.name}同志整改清单",
        )

    doc.heading(1, "下一步工作打算")
    open_rows = [r for r in rows if _state(r.item) not in (DONE, CARRIED)]
    deadlines = sorted(r.item.deadline for r in open_rows if r.item.deadline and not r.item.long_term)
    nxt = fill(
        "对正在整改的{progress}项事项，逐项盯紧整改时限，确保按期销号；对需长期坚持的{long}项事项，"
        "建立健全长效机制，持续抓好落实。",
        progress=states[IN_PROGRESS] if rows else None,
        long=states[LONG_TERM] if rows else None,
    )
    if deadlines:
        nxt += fill("尚未完成事项中最近的整改时限为{d}。", d=deadlines[0])
    nxt += "坚持把整改落实同推动本单位中心工作结合起来，以整改实效检验民主生活会成果。"
    doc.paragraph(nxt, key="next", label="下一步打算")
    doc.signature(unit.name, on if rows else None)
    return doc


def _item_status(item) -> str:
    state = _state(item)
    if state == DONE:
        return fill("已于{on}销号", on=item.closed_on)
    if state == CARRIED:
        return "已结转到下一年度整改台账继续整改"
    if state == LONG_TERM:
        return fill("需长期坚持，已完成{p}%", p=item.progress)
    return fill("正在整改，已完成{p}%，整改时限为{d}", p=item.progress, d=item.deadline)


register(REPORT_KIND, "民主生活会情况报告", build_report, order=1,
         description="向上级报送的召开情况报告：会前准备、会议召开、会后工作，数字全部取自记录。")  # fmt: skip
register(RECTIFICATION_KIND, "整改落实情况报告", build_rectification_report, order=2,
         description="会后数月向上级报告整改进展：已完成、正在整改、需长期坚持的事项数取自整改台账。")  # fmt: skip
