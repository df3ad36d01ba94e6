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
from mingjing.documents.numbering import cn_number, numbered_points
from mingjing.documents.options import dated_on, emptied, section_on
from mingjing.documents.registry import register
from mingjing.documents.slots import fill
from mingjing.lib.dates import cn_date, today
from mingjing.lib.memo import memoized, per_build
from mingjing.materials.models import CaseStudy
from mingjing.materials.selectors import review_facts
from mingjing.meetings.models import Meeting, RosterEntry, StepCompletion
from mingjing.meetings.selectors import roster_in_order
from mingjing.minutes.selectors import Minutes, minutes_for_meeting
from mingjing.opinions.selectors import OpinionTallies, campaign_unit_names, opinion_tallies
from mingjing.organizations.models import TeamRole
from mingjing.plans.models import RequestStatus
from mingjing.plans.selectors import plan_for_meeting, request_rounds, superior_notice
from mingjing.problems.models import Measure
from mingjing.problems.selectors import measure_counts, problem_counts, problem_sources
from mingjing.reports.facts import Facts
from mingjing.reports.models import MeetingOutcome
from mingjing.studies.selectors import sessions_of_meeting
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
        return Held(record.held_on, record.get_half_day_display(), record.place or meeting.place, record.held_on <= on)
    held_on = steps.get("meeting")
    date = held_on or meeting.planned_date
    return Held(date, meeting.get_half_day_display(), meeting.place, held_on is not None and held_on <= on)


def _steps(meeting: Meeting) -> dict[str, dt.date]:
    return dict(StepCompletion.objects.filter(meeting=meeting).values_list("step", "completed_on"))


# --- the 情况报告 --------------------------------------------------------------------------------------
SECTIONS = {
    "case": "典型案例剖析",
    "achievements": "会议取得的成效",
    "inquiry": "谈话函询情况",
    "supervisors": "督导组点评",
    "notice": "公示通报",
    "next": "下一步整改方向",
}


@dataclass
class Context:
    meeting: Meeting
    short: str
    on: dt.date  # the report's “截至”: its own date, else today
    facts: Facts
    overrides: dict[str, str]

    def show(self, key: str, recorded: bool) -> bool:
        """An optional section: printed when recorded and not switched off for this document."""
        return recorded and section_on(self.overrides, key)


def _sub(doc: OfficialDocument, ctx: Context, title: str, body: str, key: str, label: str) -> None:
    """A （一）-level paragraph with its run-in heading; emptied by the user, it is left out whole
    (its block stays for the preview, so it can be restored)."""
    if not body:
        return
    if emptied(ctx.overrides, key):
        doc.paragraph(body, key=key, label=label)
        return
    doc.heading(2, title, body=body, key=key, label=label)


def _para(doc: OfficialDocument, text: str, key: str, label: str) -> None:
    if text:
        doc.paragraph(text, key=key, label=label)


@memoized()  # one build reads each record once (the ledger, the reviews, the roster)
def build_report(meeting: Meeting, member: RosterEntry | None, overrides: dict[str, str]) -> OfficialDocument:
    on = today()
    unit, short, config = meeting.organization, unit_short(meeting), meeting.config
    roster = roster_in_order(meeting)
    team = [e for e in roster if e.team_role in (TeamRole.PRINCIPAL, TeamRole.MEMBER)]
    principal = next((e for e in team if e.team_role == TeamRole.PRINCIPAL), None)
    minutes = minutes_for_meeting(meeting)
    steps = _steps(meeting)
    held = _held(meeting, minutes, steps, on)
    plan = plan_for_meeting(meeting=meeting)
    rounds = request_rounds(meeting=meeting)
    approved = next((r for r in reversed(rounds) if r.status == RequestStatus.APPROVED), None)
    dated = dated_on(overrides) or _report_date(steps, held, on)
    ctx = Context(meeting=meeting, short=short, on=dated or on, facts=Facts(), overrides=overrides)
    f = ctx.facts

    doc = OfficialDocument(
        title=f"关于{meeting.title}召开情况的报告",
        addressee=unit.addressees,
        overrides=overrides,
        author=short,
    )
    approval = f.say("request_approval", "并报{body}审核同意", body=_reply_body(approved))
    doc.paragraph(
        "按照"
        + superior_notice(plan)
        + f"要求，经{short}研究{approval}，"
        + fill("{date}{half}，", date=held.date, half=held.half_day)
        + short
        + f.say("meeting_place", "在{place}", place=held.place)
        + f"召开了{config.name}。现将有关情况报告如下：",
        key="opening",
        label="开头（上级通知、请示批复、会议时间地点）",
    )
    aspects = _aspects(config)
    doc.paragraph(
        f"会议聚焦“{config.theme.strip().rstrip('。')}”这一主题，"
        + (f"对照{len(aspects)}个方面" if aspects else "")
        + "开展批评和自我批评，深刻检视问题，剖析原因，明确努力方向，制定整改措施。",
        key="theme",
        label="会议主题",
    )

    # 一、会前准备
    doc.heading(1, "认真做好会前准备，筑牢开好会议的思想基础")
    _sub(doc, ctx, "认真制订方案。", _plan_text(ctx, plan, rounds, approved), "plan", "（一）制订方案")
    _sub(doc, ctx, "深入学习研讨。", _study_text(ctx), "study", "（二）学习研讨")
    tallies = opinion_tallies(meeting)
    _sub(doc, ctx, "广泛征求意见。", _opinions_text(ctx, tallies, roster), "opinions", "（三）征求意见")
    _sub(doc, ctx, "深入谈心谈话。", _talks_text(ctx), "talks", "（四）谈心谈话")
    counts = problem_counts(meeting)
    material = f"{config.get_material_name_display()}"
    _sub(
        doc, ctx, f"认真撰写{material}。", _materials_text(ctx, principal, counts), "materials", f"（五）撰写{material}"
    )
    case = CaseStudy.objects.filter(meeting=meeting).first()
    if (config.requires_case_analysis or ctx.show("case", case is not None)) and section_on(overrides, "case"):
        _sub(doc, ctx, f"{config.case_analysis_title}。", _case_text(ctx, case), "case", config.case_analysis_title)
    if aspects:
        doc.paragraph(
            f"领导班子和班子成员聚焦会议主题，把自己摆进去、把职责摆进去、把工作摆进去，重点从以下{len(aspects)}个方面"
            f"进行对照检查：{numbered_points(aspects)}",
            key="aspects",
            label="对照检查的重点方面",
        )

    # 二、会议召开
    doc.heading(1, "严肃开好民主生活会，认真开展批评和自我批评")
    doc.paragraph(_attendance_text(ctx, held, minutes, plan), key="attendance", label="会议召开概况")
    agenda = [a.text for a in minutes.agenda if a.text.strip()] if minutes else []
    doc.paragraph(
        f.say("agenda", "会议共有{n}项议程：{points}", n=len(agenda) or None, points=numbered_points(agenda) or None),
        key="agenda",
        label="会议议程",
    )
    _para(doc, _briefing_text(ctx, tallies), "briefing", "会上通报的情况")
    doc.paragraph(_examination_text(ctx, principal, minutes, counts), key="examination", label="对照检查")
    doc.paragraph(_criticism_text(ctx, minutes), key="criticism", label="批评和自我批评")
    _para(doc, _personal_text(ctx, minutes), "personal", "个人有关事项")
    inquiry = minutes.record.inquiry_report.strip() if minutes else ""
    if ctx.show("inquiry", bool(inquiry)):
        text = f.say("inquiry", "主要负责同志通报了班子成员受到谈话函询等情况：{inquiry}", inquiry=_sentence(inquiry))
        _para(doc, text, "inquiry", "谈话函询情况")
    comments = " ".join(minutes.record.supervisor_comments.split()) if minutes else ""
    if ctx.show("supervisors", bool(comments)):
        _para(doc, _supervisor_text(ctx, minutes), "supervisors", "督导组点评")
    doc.paragraph(_summary_text(ctx, principal, minutes), key="summary", label="总结讲话")

    # 三、会议成效 (seed 001)
    outcome = MeetingOutcome.objects.filter(meeting=meeting).first()
    points = outcome.points if outcome is not None else []
    if ctx.show("achievements", bool(points)) and not emptied(overrides, "achievements"):
        doc.heading(1, "会议取得的成效")
    if ctx.show("achievements", bool(points)):
        f.say("achievements", "{points}", points=points)
        doc.paragraph("\n".join(_achievement_lines(points)), key="achievements", label="会议取得的成效")

    # 四、会后工作
    doc.heading(1, "抓实会后各项工作，巩固和运用会议成果")
    _sub(doc, ctx, "修改完善相关材料。", _revision_text(ctx, material), "revision", "修改材料")
    _sub(
        doc,
        ctx,
        "制订整改方案和整改清单。",
        _rectification_text(ctx, config.name),
        "rectification",
        "整改方案和整改清单",
    )
    notices_of_meeting = _rectification("notices_of_meeting")
    notices = list(notices_of_meeting(meeting=meeting)) if notices_of_meeting is not None else []
    if ctx.show("notice", bool(notices)):
        _sub(doc, ctx, "做好公示通报。", _notice_text(ctx, notices), "notice", "公示通报")
    _sub(doc, ctx, "做好材料归档和上报。", _archive_text(ctx, config), "archive", "归档上报")

    # 五、下一步整改方向 (seed 004): the team's directions and measures
    directions = _team_measures(meeting)
    if ctx.show("next", bool(directions)):
        f.say("next_directions", "{d}", d=[m.heading for m in directions])
        if not emptied(overrides, "next"):
            doc.heading(1, "明确整改方向，抓好整改落实")
        doc.paragraph(
            f"针对查摆出来的问题，{short}领导班子坚持即知即改、立行立改，逐项抓好整改落实：",
            key="next",
            label="下一步整改方向（引言）",
        )
        if not emptied(overrides, "next"):
            for m in directions:
                _sub(
                    doc,
                    ctx,
                    _sentence(m.heading),
                    " ".join(m.text.split()),
                    f"direction-{m.pk}",
                    f"整改方向：{m.heading}",
                )

    doc.signature(unit.name, dated)
    return doc


@per_build
def _team_measures(meeting: Meeting) -> list[Measure]:
    """The team's measures (its directions: heading and text), in order, read once per build (the
    report states them twice); not the problems each answers, which measures_of prefetches."""
    return list(Measure.objects.filter(meeting=meeting, member__isnull=True).order_by("order", "id"))


def _reply_body(request) -> str | None:
    """The body that approved the request, as the seeds name it (“市民主生活会督导组”); a reply
    recorded from paper names whoever replied (a body, usually)."""
    if request is None:
        return None
    return request.replier_body.strip() or (request.replier_name.strip() if request.reply_on_paper else "") or None


def _aspects(config) -> list[str]:
    return [a.title.strip().rstrip("。") for a in config.aspects.all() if a.title.strip()]


def _report_date(steps: dict[str, dt.date], held: Held, on: dt.date) -> dt.date | None:
    if "report" in steps:
        return steps["report"]
    return on if held.held else None


def _plan_text(ctx: Context, plan, rounds, approved) -> str:
    f, short = ctx.facts, ctx.short
    number = f"（{plan.document_number}）" if plan is not None and plan.document_number.strip() else ""
    text = f.say(
        "plan",
        "根据上级{notice}精神，结合实际认真制订了《{title}》"
        + number
        + "，明确了会议主题、主要议程、参会人员和方法步骤，"
        "经{short}于{agreed}研究通过。",
        notice=superior_notice(plan),
        title=plan.title if plan else None,
        short=short,
        agreed=plan.agreed_on if plan else None,
    )
    tasks = list(plan.tasks.all()) if plan is not None else []
    done = sum(1 for t in tasks if t.done_on and t.done_on <= ctx.on)
    text += f.say("plan_tasks", "方案细化了{n}项工作任务，逐项明确责任人和完成时限", n=len(tasks) or None)
    if tasks:
        text += fill("，截至{on}已完成{done}项。", on=ctx.on, done=done) if done else "。"
    request = approved or (rounds[-1] if rounds else None)
    number = f"（{request.document_number}）" if request is not None and request.document_number.strip() else ""
    text += f.say(
        "request",
        "按照至少提前{lead}天报送请示的要求，于{sent}形成《{title}》" + number + "报{to}",
        lead=ctx.meeting.config.plan_lead_days,
        sent=request.sent_on if request else None,
        title=request.title if request else None,
        to=request.addressees if request else None,
    )
    text += f.say(
        "request_reply",
        "，{body}于{on}审核同意",
        body=_reply_body(approved),
        on=approved.replied_on if approved else None,
    )
    return text + "。"


def _study_text(ctx: Context) -> str:
    f = ctx.facts
    sessions = list(sessions_of_meeting(meeting=ctx.meeting))
    if not sessions:
        return (
            f"会前，{ctx.short}围绕会议主题"
            + f.say("study", "于{when}开展{what}", when=None, what=None)
            + ("，为开好民主生活会打牢思想基础。")
        )
    by_form: dict[str, list[dt.date]] = {}
    for s in sorted(sessions, key=lambda s: s.session_date):
        by_form.setdefault(s.get_form_display(), []).append(s.session_date)
    parts = [
        f.say("study", "于{dates}开展{form}{n}次", dates=_dates(days), form=form, n=len(days))
        for form, days in by_form.items()
    ]
    materials: list[str] = []
    for session in sessions:
        for item in session.material_list:
            item = item.rstrip("。；;，,")
            if item not in materials:
                materials.append(item)
    people = sum(len(s.participants.all()) for s in sessions)
    return (
        f"会前，{ctx.short}围绕会议主题，"
        + "，".join(parts)
        + (f"，班子成员参加{people}人次" if people else "")
        + f.say("study_materials", "，重点学习了{materials}", materials="；".join(materials))
        + "，进一步统一思想、深化认识，为开好民主生活会打牢思想基础。"
    )


def _dates(days: list[dt.date]) -> str:
    """2026年11月2日、11月4日 (the year said once)."""
    out, year = [], None
    for d in days:
        out.append(cn_date(d) if d.year != year else f"{d.month}月{d.day}日")
        year = d.year
    return "、".join(out)


def _opinions_text(ctx: Context, tallies: OpinionTallies, roster: list[RosterEntry]) -> str:
    f = ctx.facts
    channels = f.say("opinion_channels", "通过{channels}等方式", channels=tallies.channels)
    text = f"会前，{channels}广泛征求意见建议"
    units = campaign_unit_names(ctx.meeting)
    if units:
        listed = "、".join(units) if len(units) <= 6 else "、".join(units[:5]) + f"等{len(units)}个单位"
        forms = fill("征求意见表{sent}份、收回{returned}份", sent=tallies.forms_sent, returned=tallies.forms_returned)
        text += f.say(
            "opinion_units", "，向{units}发放{forms}", units=listed, forms=forms if tallies.forms_sent else "征求意见表"
        )
    if not tallies.campaigns:
        text += f.say("opinion_total", "，共收到意见建议{total}条", total=None)
        text += f.say("opinion_targets", "，其中{targets}", targets=None)
        return text + "。"
    if not tallies.total:
        f.stated.add("opinion_total")
        return text + "，未收到意见建议。"
    text += f.say("opinion_total", "，共收到意见建议{total}条", total=tallies.total)
    posts = {e.pk: e.post for e in roster}
    team = tallies.targets[0]
    parts = [f"对领导班子意见建议{team.count}条" if team.count else "对领导班子未提出意见建议"]
    members = tallies.targets[1:]
    named = [t for t in members if t.count]
    if not named:
        parts.append("对班子成员未提出意见建议")
    else:
        parts += [f"对{posts.get(t.entry_id, '')}{t.label}{t.count}条" for t in named]
        silent = [t.name for t in members if not t.count]
        if silent:
            parts.append(f"对{'、'.join(silent)}同志未提出意见建议")
    text += f.say("opinion_targets", "，其中{targets}", targets="，".join(parts))
    if tallies.items:
        summary = (
            f"归纳整理为{tallies.aspects}个方面{tallies.items}项" if tallies.aspects else f"归纳整理为{tallies.items}项"
        )
        text += f.say("opinion_items", "。经梳理，{summary}，作为查摆问题的重要依据", summary=summary)
    return text + "。"


def _talks_text(ctx: Context) -> str:
    f, meeting = ctx.facts, ctx.meeting
    talks = list(talks_of_meeting(meeting=meeting))
    rules = "；".join(meeting.config.talk_rule_labels())
    lead = f"按照“四个必谈”要求（{rules}），" if rules else "按照谈心谈话要求，"
    if not talks:
        return lead + f.say("talks", "班子成员一对一、面对面开展谈心谈话，共谈话{n}次。", n=None)
    coverage = talk_coverage(meeting=meeting, talks=talks)
    dates = sorted(t.talk_date for t in talks)
    span = cn_date(dates[0]) if dates[0] == dates[-1] else f"{cn_date(dates[0])}至{cn_date(dates[-1])}"
    text = lead + f.say(
        "talks",
        "{short}班子成员于{span}一对一、面对面开展谈心谈话，共谈话{n}次",
        short=ctx.short,
        span=span,
        n=len(talks),
    )
    if coverage.required and coverage.complete:
        text += "，实现全覆盖"
    discussed = sum(1 for t in talks if t.criticism_discussed)
    if discussed:
        text += f"，其中{discussed}次谈话沟通了拟在会上提出的批评意见"
    return text + "。谈话既谈工作问题、也谈思想问题，既谈自身差距、也提醒对方不足。"


def _materials_text(ctx: Context, principal: RosterEntry | None, counts) -> str:
    f, meeting = ctx.facts, ctx.meeting
    material = meeting.config.get_material_name_display()
    review = review_facts(meeting=meeting)
    text = f.say(
        "team_material", "领导班子{material}由{principal}主持起草", material=material, principal=_post_name(principal)
    )
    approved, reviewed = review.team_approved, review.team_reviewed
    if approved is not None:
        text += f.say("team_review", "，{on}经{body}审议通过", on=_on(approved.on), body=approved.body)
    if reviewed is not None:
        text += f.say("team_review", "，{on}报{body}审阅", on=_on(reviewed.on), body=reviewed.body)
    text += "；班子成员个人发言提纲均由本人亲自撰写"
    text += f.say("outline_review", "，并由{bodies}审核把关", bodies="、".join(review.outline_reviewers))
    text += "。"
    team_row = counts.by_owner.get(None)
    team_n = team_row.total if team_row else 0
    sources = [SOURCE_PHRASES.get(label, f"{label}发现的问题") for label in problem_sources(meeting)]
    text += f.say("problem_sources", "对{sources}等进行了系统梳理，", sources="、".join(sources))
    team_measures, member_measures = measure_counts(meeting)
    if counts.total:
        text += f.say("problems", "领导班子查摆问题{team}个", team=team_n)
        text += f.say("measures", "，制定整改措施{n}条", n=team_measures or None)
        text += f.say("problems", "；班子成员查摆问题{members}个", members=counts.members_total)
        text += f.say("measures", "，制定整改措施{n}条", n=member_measures or None)
    else:
        text += f.say("problems", "领导班子查摆问题{team}个；班子成员查摆问题{members}个", team=None, members=None)
    directions = [m.heading.strip().rstrip("。") for m in _team_measures(meeting) if m.heading.strip()]
    text += f.say("directions", "，明确了{points}等努力方向", points="".join(f"“{d}”" for d in directions))
    return text + "。"


# How seed 003 names where problems came from (by the source's label in the catalogue).
SOURCE_PHRASES = {
    "征求意见": "征求意见中群众反映的问题",
    "谈心谈话": "谈心谈话指出的问题",
    "学习研讨": "学习研讨中查摆的问题",
    "巡视巡察、审计等反馈": "巡视巡察、审计等反馈的问题",
    "上级通报": "上级通报的问题",
    "自己查摆": "自己查摆的问题",
    "对照党章党规": "对照党章党规找出的问题",
    "调研": "调研发现的问题",
}


def _on(day: dt.date | None) -> str:
    return f"于{cn_date(day)}" if day else ""


def _case_text(ctx: Context, case) -> str:
    """The case analysis: required (【待补充】) when the year asks for it, else printed when recorded."""
    who = f"{ctx.short}领导班子"
    if case is None:
        return fill("{who}结合{case}，以案为鉴、以案促改，{lessons}", who=who, case=None, lessons=None)
    lessons = _sentence(case.lessons) or "深入剖析班子和个人在思想、作风、纪律等方面存在的差距。"
    return ctx.facts.say(
        "case", "{who}结合{case}，以案为鉴、以案促改，{lessons}", who=who, case=case.case_name, lessons=lessons
    )


def _attendance_text(ctx: Context, held: Held, minutes: Minutes | None, plan) -> str:
    f, short = ctx.facts, ctx.short
    chair = minutes.record.chair if minutes and minutes.record.chair_id else None
    text = fill("{date}{half}，", date=held.date, half=held.half_day)
    text += ctx.meeting.title + f.say("meeting_place", "在{place}", place=held.place) + "召开。"
    text += f.say("chair", "会议由{chair}主持，", chair=_post_name(chair) if chair else None)
    if minutes is not None and minutes.quorum.expected:
        present = [a.entry.name for a in minutes.attendances if a.present]
        leave = minutes.on_leave
        if not leave:
            text += f.say(
                "present",
                "{short}领导班子{names}{n}名同志全部参加会议",
                short=short,
                names="、".join(present),
                n=len(present),
            )
        else:
            reasons = "；".join(
                f"{a.entry.name}同志" + (f"因{a.leave_reason.strip()}" if a.leave_reason.strip() else "") + "请假"
                for a in leave
            )
            text += f.say(
                "present",
                "{short}领导班子{names}同志参加会议，{reasons}",
                short=short,
                names="、".join(present),
                reasons=reasons,
            )
    else:
        text += f.say("present", "{short}领导班子{names}参加会议", short=short, names=None)
    supervisors = (
        [f"{s.body}{s.title}{s.name}同志" for s in minutes.supervisors if (s.body + s.title + s.name)]
        if minutes
        else []
    )
    text += f.say("supervisors_present", "，{who}到会指导", who="、".join(supervisors))
    observers = [f"{o.post}{o.name}".strip() for o in minutes.observers if (o.post + o.name).strip()] if minutes else []
    observer_text = "、".join(observers) or (plan.observers.strip() if plan and plan.observers.strip() else "")
    text += f.say("observers", "，{who}列席会议", who=observer_text)
    return text + "。"


def _briefing_text(ctx: Context, tallies: OpinionTallies) -> str:
    carry_over = _rectification("carry_over")
    data = carry_over(ctx.meeting) if carry_over is not None else None
    summary, previous = None, None
    if data is not None and data.lines and data.previous_name:
        previous = data.previous_name
        parts = [
            f"已整改完成{data.done}项" if data.done else "",
            f"正在整改{data.in_progress}项" if data.in_progress else "",
            f"需长期坚持{data.long_term}项" if data.long_term else "",
        ]
        summary = f"{previous}查摆问题确定的{data.total}项整改事项，" + "，".join(p for p in parts if p)
    text = ctx.facts.say(
        "carry_over", "会上，书面通报了{previous}整改措施落实情况：{summary}。", previous=previous, summary=summary
    )
    if tallies.campaigns:
        text += ("同时" if text else "会上，") + "通报了本次民主生活会征求意见情况。"
    return text


def _examination_text(ctx: Context, principal, minutes: Minutes | None, counts) -> str:
    record = minutes.record if minutes else None
    given = bool(record and record.team_examination_given)
    team = counts.by_owner.get(None)
    aspects_used = sum(1 for n in (team.by_aspect if team else []) if n)
    text = ctx.facts.say(
        "examination",
        "{principal}代表{short}领导班子作对照检查",
        principal=_name(principal) if given else None,
        short=ctx.short,
    )
    if team and team.total:
        text += (f"，领导班子对照{aspects_used}个方面" if aspects_used else "，领导班子") + f"查摆问题{team.total}个"
    text += "，并深入剖析根源、明确整改措施。"
    if record and record.team_examination_note.strip():
        text += _sentence(record.team_examination_note)
    return text


def _criticism_text(ctx: Context, minutes: Minutes | None) -> str:
    f = ctx.facts
    if minutes is None:
        return "班子成员依次作个人对照检查发言，开展批评和自我批评" + f.say(
            "criticism", "，相互提出批评意见{points}条。", points=None
        )
    totals = minutes.totals
    per_member = []
    for turn in minutes.present_turns:
        c = turn.counts
        said = [
            f"查摆问题{c.problems}个" if c.problems else "",
            f"听取批评意见{c.received_points}条" if c.received_points else "",
        ]
        if any(said):
            per_member.append(f"{turn.entry.name}同志" + "、".join(s for s in said if s))
    text = "班子成员依次作个人对照检查发言，开展批评和自我批评"
    if totals.member_problems:
        text += f"，共查摆问题{totals.member_problems}个"
    if totals.criticisms:
        text += f.say(
            "criticism",
            "，相互提出批评意见{points}条（{times}人次）",
            points=totals.criticism_points,
            times=totals.criticisms,
        )
        if per_member:
            text += "，其中" + "，".join(per_member)
        return text + "。被批评的同志均作了表态发言，表示虚心接受、认真整改。"
    return text + "。"


def _personal_text(ctx: Context, minutes: Minutes | None) -> str:
    explained = [t for t in minutes.present_turns if t.speech.personal_matters.strip()] if minutes else []
    return ctx.facts.say("personal_matters", "{n}名班子成员按要求说明了个人有关事项。", n=len(explained) or None)


def _supervisor_text(ctx: Context, minutes: Minutes) -> str:
    record = minutes.record
    names = [f"{s.body}{s.title}{s.name}同志" for s in minutes.supervisors if s.body + s.title + s.name]
    comments = " ".join(record.supervisor_comments.split()).rstrip("。；")
    who = "、".join(names) or "督导组"
    text = ctx.facts.say("supervisor_comments", "{who}对民主生活会作了点评：{comments}", who=who, comments=comments)
    if record.supervisor_requirements:
        return text + f"，并对{ctx.short}领导班子提出要求：" + _points(record.supervisor_requirements, "要")
    return text + "。"


def _summary_text(ctx: Context, principal: RosterEntry | None, minutes: Minutes | None) -> str:
    record = minutes.record if minutes else None
    summary = " ".join(record.principal_summary.split()).rstrip("。；") if record else ""
    text = ctx.facts.say(
        "summary", "会议最后，{principal}作总结讲话：{summary}", principal=_name(principal), summary=summary or None
    )
    if record and record.principal_requirements:
        return text + "，并就做好后续工作提出要求：" + _points(record.principal_requirements, "要")
    return text + "。"


def _achievement_lines(points: list[str]) -> list[str]:
    """“（一）经历了严格严肃的政治淬炼。……” per line; lines already numbered keep their number."""
    out = []
    for i, point in enumerate(points, start=1):
        point = point.strip()
        out.append(point if point.startswith("（") else f"（{cn_number(i)}）{_sentence(point)}")
    return out


def _revision_text(ctx: Context, material: str) -> str:
    review = review_facts(meeting=ctx.meeting)
    return ctx.facts.say(
        "revision",
        "会后，按照督导组点评和会上批评意见，领导班子和班子成员对{material}和个人发言提纲进行了修改完善，共修改完善{n}份。",
        material=material,
        n=review.revised or None,
    )


def _rectification_text(ctx: Context, name: str) -> str:
    f, short = ctx.facts, ctx.short
    rollup = _rectification("rollup")
    ledger = rollup(ctx.meeting, on=ctx.on) if rollup is not None else None
    if ledger is None or not ledger.rows:
        return f.say(
            "rectification",
            "结合会上批评和自我批评情况，制订了《{short}{name}整改方案》，列出整改事项{team}项。",
            short=short,
            name=name,
            team=None,
        )
    team = ledger.team
    team_rows = team.rows if team else []
    members = [g for g in ledger.members if g.total]
    text = f.say("rectification", "结合会上批评和自我批评情况，制订了《{short}{name}整改方案》", short=short, name=name)
    if team_rows:
        text += f"，列出整改事项{len(team_rows)}项"
        text += _specified([r.item for r in team_rows])
    if members:
        text += f"；{len(members)}名班子成员制订了个人整改清单，列出整改事项{sum(g.total for g in members)}项"
    text += "。"
    carried = sum(1 for r in ledger.rows if r.item.carried_from_id)
    if carried:
        text += f"上述事项中，结转上年度未完成事项{carried}项。"
    states = Counter(_state_on(r.item, ctx.on) for r in ledger.rows)
    overdue = sum(
        1
        for r in ledger.rows
        if _state_on(r.item, ctx.on) == IN_PROGRESS and r.item.deadline and r.item.deadline < ctx.on
    )
    parts = [
        f"已销号{states[DONE]}项" if states[DONE] else "",
        f"正在整改{states[IN_PROGRESS]}项" if states[IN_PROGRESS] else "",
        f"需长期坚持{states[LONG_TERM]}项" if states[LONG_TERM] else "",
        f"已结转到下一年度整改台账{states[CARRIED]}项" if states[CARRIED] else "",
    ]
    parts = [p for p in parts if p]
    if parts:
        text += f"截至{cn_date(ctx.on)}，" + "，".join(parts)
        text += f"（其中{overdue}项已超过整改时限）。" if overdue else "。"
    return text


def _state_on(item, on: dt.date) -> str:
    """An item's state as of the report's date: closed only if closed by then; carried on only when
    the report is dated today or later (before, it was still being rectified)."""
    if item.status == "closed" and item.closed_on and item.closed_on <= on:
        return DONE
    if item.status == "carried" and on >= today():
        return CARRIED
    return LONG_TERM if item.long_term else IN_PROGRESS


def _specified(items) -> str:
    """“，逐项明确整改措施、责任领导、责任人和整改时限” with only what every item has; what only some
    have is counted (“其中3项明确了责任人”); nothing is claimed that no item has."""
    fields = [
        ("整改措施", lambda i: bool(i.measures.strip())),
        ("责任领导", lambda i: bool(i.responsible_leader_id)),
        ("责任科室", lambda i: bool(i.responsible_division_id)),
        ("责任人", lambda i: bool(i.responsible_person_id)),
        ("整改时限", lambda i: bool(i.deadline) or i.long_term),
    ]
    every = [label for label, has in fields if all(has(i) for i in items)]
    some = [(label, sum(1 for i in items if has(i))) for label, has in fields if label not in every]
    text = f"，逐项明确{_and(every)}" if every else ""
    text += "".join(f"，其中{n}项明确了{label}" for label, n in some if n)
    return text


def _and(labels: list[str]) -> str:
    """“整改措施、责任领导和整改时限”."""
    return labels[0] if len(labels) == 1 else "、".join(labels[:-1]) + "和" + labels[-1]


def _notice_text(ctx: Context, notices) -> str:
    parts = []
    for n in notices:
        until = fill("至{until}", until=n.until) if n.until else ""
        where = f"（{n.place}）" if n.place.strip() else ""
        scope = f"在{n.scope}范围内" if n.scope.strip() else ""
        parts.append(f"于{cn_date(n.published_on)}{until}通过{n.channel}{where}{scope}进行{n.get_kind_display()}")
    ctx.facts.say("publicity", "{parts}", parts=parts)
    return f"将{ctx.short}召开民主生活会情况及整改方案、整改清单" + "；".join(parts) + "，接受党员干部群众监督。"


def _archive_text(ctx: Context, config) -> str:
    archived = ctx.facts.say("archived", "，于{on}进行专盒归档", on=ctx.meeting.archived_on)
    return (
        f"会后对民主生活会材料进行全面梳理{archived}，并按照会后{config.report_deadline_days}天内报送的要求"
        "上报本报告和相关材料。"
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


@memoized()
def build_rectification_report(
    meeting: Meeting, member: RosterEntry | None, overrides: dict[str, str]
) -> OfficialDocument:
    today_ = today()
    unit, short, config = meeting.organization, unit_short(meeting), meeting.config
    minutes = minutes_for_meeting(meeting)
    held = _held(meeting, minutes, _steps(meeting), today_)
    dated = dated_on(overrides)
    on = dated or today_  # the ledger is counted as of the report's own date
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
    if rows:
        member_total = sum(g.total for g in member_groups)
        split = [
            f"领导班子整改方案{len(team_rows)}项" if team_rows else "",
            f"班子成员整改清单{member_total}项" if member_total else "",
        ]
        overall = f"{config.name}共确定整改事项{len(rows)}项，其中" + "、".join(p for p in split if p) + "。"
        overall += f"截至{cn_date(on)}，" + _state_counts(states)
        overall += f"，其中{overdue}项已超过整改时限。" if overdue else "。"
    else:
        overall = fill("{name}共确定整改事项{total}项。", name=config.name, total=None)
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
                "{name}同志整改清单列出整改事项{n}项，" + _state_counts(counted) + "。{points}",
                name=group.owner.name,
                n=group.total,
                points=numbered_points(points),
            ),
            key=f"member-{group.owner.pk}",
            label=f"{group.owner.name}同志整改清单",
        )

    doc.heading(1, "下一步工作打算")
    open_rows = [r for r in rows if _state(r.item) not in (DONE, CARRIED)]
    deadlines = sorted(r.item.deadline for r in open_rows if r.item.deadline and not r.item.long_term)
    nxt = ""
    on_time = states[IN_PROGRESS] - overdue
    if overdue:
        nxt += f"对已超过整改时限的{overdue}项事项，逐项查明原因，明确新的完成时间，加快推进整改；"
    if on_time > 0:
        nxt += f"对正在整改的{on_time}项事项，逐项盯紧整改时限，确保按期销号；"
    if states[LONG_TERM]:
        nxt += f"对需长期坚持的{states[LONG_TERM]}项事项，建立健全长效机制，持续抓好落实；"
    nxt = nxt.rstrip("；") + "。" if nxt else ""
    if deadlines and on_time > 0:
        upcoming = [d for d in deadlines if d >= on]
        if upcoming:
            nxt += fill("尚未完成事项中最近的整改时限为{d}。", d=upcoming[0])
    nxt += "坚持把整改落实同推动本单位中心工作结合起来，以整改实效检验民主生活会成果。"
    doc.paragraph(nxt, key="next", label="下一步打算")
    doc.signature(unit.name, dated or (today_ if rows else None))
    return doc


def _state_counts(counted: Counter) -> str:
    """“已完成3项，需长期坚持1项”: only the states some item is in (never “正在整改0项”)."""
    labels = {DONE: "已完成", IN_PROGRESS: "正在整改", LONG_TERM: "需长期坚持", CARRIED: "已结转到下一年度整改台账"}
    parts = [f"{labels[s]}{counted[s]}项" for s in (DONE, IN_PROGRESS, LONG_TERM, CARRIED) if counted[s]]
    return "，".join(parts)


def _item_status(item) -> str:
    state = _state(item)
    if state == DONE:
        return fill("已于{on}销号", on=item.closed_on)
    if state == CARRIED:
        return "已结转到下一年度整改台账继续整改"
    if state == LONG_TERM:
        return fill("需长期坚持，已完成{p}%", p=item.progress)
    return fill("正在整改，已完成{p}%，整改时限为{d}", p=item.progress, d=item.deadline)


register(
    REPORT_KIND,
    "民主生活会情况报告",
    build_report,
    order=1,
    description="向上级报送的召开情况报告：会前准备、会议召开、会后工作，数字全部取自记录。",
    sections=SECTIONS,
    dated=True,
)
register(
    RECTIFICATION_KIND,
    "整改落实情况报告",
    build_rectification_report,
    order=2,
    description="会后数月向上级报告整改进展：已完成、正在整改、需长期坚持的事项数取自整改台账。",
    dated=True,
)
