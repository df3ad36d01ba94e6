"""The plan (实施方案) and the request (请示) as official documents.

Both are written from the meeting's records through `mingjing.plans.selectors`: the plan's title,
文号, theme, agenda, participants, method steps with their dates and the task table (seed 001's
任务推进表); the request's title, 主送机关 and 文号 from its latest round (else the unit's
addressees and number prefix), the plan as its attachment, the unit's signature and the date it
was sent. Both cite the superior's notice recorded on the plan (issuer, title, 文号); a part not
recorded prints 【待补充】, like every other fact the records do not hold.

Layout (GB/T 9704): the 请示 is an upward document — its 版头 puts the 文号 left and “签发人：” with
the principal's name right on one line, above the red separator line; the plan follows the body as
its attachment (a new page headed “附件”), unless the user switches the section “attachment” off,
then it is only listed (sent separately); both documents close with the 版记 (印发机关 and 印发日期;
抄送 is not recorded, so left out).
"""

from __future__ import annotations

from collections.abc import Iterable

from mingjing.documents.engine import OfficialDocument
from mingjing.documents.numbering import doc_date, doc_number, numbered_points
from mingjing.documents.options import dated_on, section_on
from mingjing.documents.registry import register
from mingjing.documents.slots import MISSING, fill
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.organizations.models import TeamRole
from mingjing.plans.models import Plan, PlanRequest, PlanStage
from mingjing.plans.selectors import plan_for_meeting, request_rounds, superior_notice
from mingjing.yearconfigs.models import Aspect

CLOSING = "妥否，请批示。"
ATTACHMENT_SECTION = "attachment"  # on: the plan printed after the 请示; off: listed, sent separately


def unit_short(meeting: Meeting) -> str:
    organization = meeting.organization
    return organization.short_name or organization.name


def sentence(text: str | None) -> str | None:
    """Text ending in 。 (or its own final punctuation); None/blank stays None (→ 【待补充】)."""
    text = (text or "").strip()
    if not text:
        return None
    return text if text[-1] in "。；！？：" else text + "。"


def aspects_of(meeting: Meeting) -> list[Aspect]:
    return list(Aspect.objects.filter(config_id=meeting.config_id).order_by("order"))


def aspects_sentence(meeting: Meeting, aspects: list[Aspect]) -> str:
    """ "重点从以下5个方面进行对照检查：一是……。二是……。" from the year's configuration."""
    if not aspects:
        return fill("对照检查的重点方面：{aspects}。", aspects=None)
    return f"重点从以下{len(aspects)}个方面进行对照检查：" + numbered_points(a.title for a in aspects)


def meeting_when_where(meeting: Meeting) -> str:
    return fill(
        "{date}{half}在{place}",
        date=meeting.planned_date,
        half=meeting.get_half_day_display(),
        place=meeting.place,
    )


def agenda_lines(agenda: Iterable[str]) -> list[str]:
    items = [str(item).strip().rstrip("。；;") for item in agenda or [] if str(item).strip()]
    return [f"{i}. {item}{'。' if i == len(items) else '；'}" for i, item in enumerate(items, start=1)]


def stage_when(stage: PlanStage) -> str:
    if stage.starts_on and stage.ends_on:
        return f"{doc_date(stage.starts_on)}至{doc_date(stage.ends_on)}"
    if stage.ends_on:
        return f"{doc_date(stage.ends_on)}前完成"
    if stage.starts_on:
        return f"{doc_date(stage.starts_on)}开始，完成时限{MISSING}"
    return f"时间{MISSING}"


def task_rows(plan: Plan) -> list[list[object]]:
    rows = []
    for i, task in enumerate(plan.tasks.all(), start=1):
        done = doc_date(task.done_on) if task.done_on else "未完成"
        rows.append([i, task.task, task.responsible, doc_date(task.due_on), done])
    return rows


def _participants(doc: OfficialDocument, plan: Plan) -> None:
    doc.paragraph(fill("{participants}", participants=plan.participants), key="participants", label="参会人员")
    if plan.observers.strip():
        doc.paragraph(fill("列席人员：{observers}", observers=sentence(plan.observers)), key="observers",
                      label="列席人员")  # fmt: skip


def _theme(doc: OfficialDocument, meeting: Meeting, plan: Plan, aspects: list[Aspect], who: str) -> None:
    doc.paragraph(
        fill("本次民主生活会的主题是：{theme}", theme=sentence(plan.theme)) + who + aspects_sentence(meeting, aspects),
        key="theme",
        label="会议主题和重点方面",
    )


def build_plan(meeting: Meeting, member: RosterEntry | None, overrides: dict[str, str]) -> OfficialDocument:
    """民主生活会实施方案: title, 文号 (when recorded), basis, theme and aspects, time and place,
    participants, agenda, method steps with dates, the task table, the unit and the date agreed."""
    plan = plan_for_meeting(meeting=meeting)
    unit = meeting.organization
    if plan is None:
        doc = OfficialDocument(title=f"{meeting.title}\n实施方案", overrides=overrides, author=unit_short(meeting))
        doc.paragraph(fill("本次会议尚未制定实施方案：{plan}。", plan=None), key="intro", label="说明")
        return doc
    doc = OfficialDocument(
        title=plan.title,
        doc_number=plan.document_number or None,
        overrides=overrides,
        author=unit_short(meeting),
    )
    doc.paragraph(
        fill(
            "为开好{title}，根据{notice}要求，结合{unit}实际，制定本方案。",
            title=meeting.title,
            notice=superior_notice(plan),
            unit=unit_short(meeting),
        ),
        key="intro",
        label="制定依据",
    )
    aspects = aspects_of(meeting)
    doc.heading(1, "会议主题")
    _theme(doc, meeting, plan, aspects, "领导班子和班子成员紧扣会议主题，")

    doc.heading(1, "会议时间和地点")
    doc.paragraph(f"会议拟于{meeting_when_where(meeting)}召开。", key="when", label="会议时间和地点")

    doc.heading(1, "参会人员")
    _participants(doc, plan)

    doc.heading(1, "会议议程")
    lines = agenda_lines(plan.agenda)
    head = f"会议共有{len(lines)}项议程：" if lines else fill("会议议程：{agenda}。", agenda=None)
    doc.paragraph("\n".join([head, *lines]), key="agenda", label="会议议程")

    doc.heading(1, "方法步骤")
    stages = list(plan.stages.all())
    if not stages:
        doc.paragraph(fill("方法步骤：{stages}。", stages=None))
    for stage in stages:
        doc.heading(
            2,
            sentence(stage.title) or MISSING,
            body=fill("{when}。{content}", when=stage_when(stage), content=sentence(stage.content)),
            key=f"stage-{stage.pk}",
            label=f"方法步骤：{stage.title}",
        )

    rows = task_rows(plan)
    if rows:
        doc.heading(1, "工作任务推进表")
        doc.paragraph(f"会前准备和会后工作共{len(rows)}项任务，明确责任人和完成时限，列表推进：")
        doc.table(
            ["序号", "工作任务", "责任人", "完成时限", "完成情况"],
            rows,
            widths=[14, 52, 22, 34, 34],
            align=["c", "l", "c", "c", "c"],
        )
    signed = dated_on(overrides) or plan.agreed_on  # the user's 成文日期, else the day agreed
    doc.signature(unit.name, signed)
    doc.imprint(issuer=unit.name, date=signed)  # 印发 the day it is signed
    return doc


def latest_round(meeting: Meeting) -> PlanRequest | None:
    rounds = request_rounds(meeting=meeting)
    return rounds[-1] if rounds else None


def build_request(meeting: Meeting, member: RosterEntry | None, overrides: dict[str, str]) -> OfficialDocument:
    """请示 to the superior: from the latest round when one was recorded (title, 主送机关, 文号,
    date sent), else from the unit (addressees, number prefix); the plan as its attachment."""
    unit = meeting.organization
    sent = latest_round(meeting)
    plan = plan_for_meeting(meeting=meeting)
    title = sent.title if sent else f"关于召开{meeting.title}的请示"
    number = (sent.document_number if sent else "") or doc_number(
        unit.doc_number_prefix, sent.sent_on.year if sent else None, None
    )
    doc = OfficialDocument(
        title=title,
        doc_number=number,
        signer=signer_of(meeting),
        addressee=(sent.addressees if sent else "") or unit.addressees,
        overrides=overrides,
        author=unit_short(meeting),
    )
    doc.paragraph(
        fill(
            "按照{notice}要求，经{unit}研究，拟于{when}召开{title}。现将有关事项请示如下：",
            notice=superior_notice(plan),
            unit=unit_short(meeting),
            when=meeting_when_where(meeting),
            title=meeting.title,
        ),
        key="basis",
        label="请示依据",
    )
    aspects = aspects_of(meeting)
    doc.heading(1, "会议主题")
    if plan is not None:
        _theme(doc, meeting, plan, aspects, "领导班子和班子成员将紧扣会议主题，")
    else:
        theme = fill("本次民主生活会的主题是：{theme}", theme=sentence(meeting.config.theme))
        doc.paragraph(theme + aspects_sentence(meeting, aspects), key="theme", label="会议主题和重点方面")

    doc.heading(1, "参会人员")
    if plan is not None:
        _participants(doc, plan)
    else:
        doc.paragraph(fill("{participants}", participants=None), key="participants", label="参会人员")

    doc.heading(1, "会议议程")
    lines = agenda_lines(plan.agenda if plan else [])
    head = f"会议拟安排{len(lines)}项议程：" if lines else fill("会议议程：{agenda}。", agenda=None)
    doc.paragraph("\n".join([head, *lines]), key="agenda", label="会议议程")

    doc.heading(1, "会前准备")
    before = [s for s in (plan.stages.all() if plan else []) if s.ends_on and s.ends_on <= meeting.planned_date]
    steps = "、".join(s.title for s in before if s.title != "召开民主生活会")
    doc.paragraph(
        fill(
            "会前，按照实施方案扎实开展{steps}等工作，{deadline}前完成各项准备。",
            steps=steps,
            deadline=meeting.planned_date,
        ),
        key="preparation",
        label="会前准备",
    )
    doc.paragraph(CLOSING)
    doc.attachments([plan.title if plan else MISSING])
    signed = dated_on(overrides) or (sent.sent_on if sent else None)
    doc.signature(unit.name, signed)
    doc.paragraph(
        fill("（联系人：{name}；联系电话：{phone}）", name=None, phone=None), key="contact", label="联系人和电话"
    )
    if plan is not None and section_on(overrides, ATTACHMENT_SECTION):
        doc.append_document(build_plan(meeting, None, plan_overrides(meeting)), label="附件")
    # 印发日期: the day it was sent, never before the 成文日期.
    printed = max(d for d in (signed, sent.sent_on if sent else None) if d) if signed or sent else None
    doc.imprint(issuer=unit.name, date=printed)
    return doc


def signer_of(meeting: Meeting) -> str | None:
    """签发人: the principal on the meeting's roster (the 书记 signs the unit's 请示)."""
    entry = meeting.roster.filter(team_role=TeamRole.PRINCIPAL).order_by("precedence", "id").first()
    return entry.name if entry else None


def plan_overrides(meeting: Meeting) -> dict[str, str]:
    """The plan's own paragraph edits, for the copy appended to the 请示."""
    from mingjing.documents.selectors import overrides_for

    return overrides_for(meeting=meeting, kind="plan", member=None)


register("plan", "民主生活会实施方案", build_plan, order=10, dated=True,
         description="会议主题、时间地点、参会人员、议程、方法步骤和任务推进表。")  # fmt: skip
register("request", "请示", build_request, order=11, dated=True,
         sections={ATTACHMENT_SECTION: "附件（实施方案）附在正文之后；不勾选则只列附件名称、另行报送"},
         description="报上级党组织的请示：主送机关、文号取自请示记录或单位设置，附实施方案。")  # fmt: skip
