"""Last year's meeting, finished: the records a real unit keeps of a meeting held and closed, so its
情况报告 and the documents of its box state facts, not 【待补充】 (issue 13 point 8).

Everything is dated from the meeting day (16 January of the year after the configuration's), entered
after the fact through the services, as a preparer completing last year's file would. Each part
looks its records up first, so the demo stays idempotent.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Sum

from mingjing.documents.numbering import cn_number
from mingjing.documents.registry import get_kind
from mingjing.documents.services import paragraph_override_save
from mingjing.materials.models import Action, CaseStudy, Material
from mingjing.materials.services import case_study_save, material_act, material_save
from mingjing.meetings.models import Meeting
from mingjing.minutes.models import Criticism
from mingjing.opinions.models import Campaign, Channel, Opinion, SourceKind
from mingjing.opinions.services import campaign_close, campaign_create, item_create, opinion_record, unit_add
from mingjing.plans.models import Plan, PlanRequest, RequestStatus
from mingjing.plans.selectors import plan_defaults
from mingjing.plans.services import plan_save, request_record_paper_reply, request_send
from mingjing.problems.models import Cause, Measure, Problem, Source
from mingjing.problems.services import cause_create, measure_create, problem_create, problem_update
from mingjing.rectification.models import Notice, NoticeKind, RectificationItem
from mingjing.rectification.services import notice_create
from mingjing.reports.models import MeetingOutcome
from mingjing.reports.services import outcome_save
from mingjing.studies.models import StudySession
from mingjing.studies.services import study_session_record
from mingjing.talks.models import Counterpart, Talk
from mingjing.talks.selectors import talk_coverage
from mingjing.talks.services import talk_record
from mingjing.yearconfigs.models import Aspect

SUPERVISORS = "市委第三督导组"
CONTACT = "（联系人：黄蕾；联系电话：8123 4567）"  # fictional, as the whole demo is

# What each step of the plan's 方法步骤 asks (by the step's title).
STAGE_CONTENT = {
    "学习研讨": "班子成员围绕会议主题开展个人自学，局党组组织集中学习和专题研讨。",
    "征求意见": "通过发放征求意见表、召开座谈会等方式广泛征求意见建议，梳理汇总后原汁原味反馈班子成员本人。",
    "谈心谈话": "按照“四个必谈”要求开展谈心谈话，做到全覆盖。",
    "查摆问题、剖析原因": "对照重点方面，结合征求的意见建议和谈心谈话情况，逐一查摆问题、剖析原因。",
    "撰写对照检查材料和发言提纲": "主要负责同志主持起草班子对照检查材料，班子成员亲自撰写个人发言提纲。",
    "召开民主生活会": "按照会议议程召开民主生活会，严肃认真开展批评和自我批评。",
    "根据点评修改材料": "根据督导组点评意见修改完善对照检查材料和发言提纲。",
    "制定整改方案和整改清单": "制定领导班子整改方案和班子成员个人整改清单，明确整改措施、责任人和时限。",
    "公示通报": "在局机关公示栏公示整改方案，接受党员干部群众监督。",
    "向上级报送情况报告": "会后按时向市纪委监委、市委组织部报送民主生活会情况报告。",
    "材料专盒归档": "将民主生活会有关材料整理归档，专盒保存。",
}

STUDIES = [
    (-20, "collective", "《中国共产党纪律处分条例》，习近平总书记关于党纪学习教育的重要讲话和重要指示精神"),
    (-12, "seminar", "围绕“严守政治纪律和政治规矩、勇于担责敢于创新”开展专题研讨，班子成员逐一交流发言"),
]

CAMPAIGN_TITLE = "征求对局党组领导班子和班子成员的意见建议"
CAMPAIGN_UNITS = [
    ("办公室", SourceKind.DIVISION, 3, 3),
    ("农村经济科", SourceKind.DIVISION, 3, 3),
    ("机关第二党支部", SourceKind.BRANCH, 6, 6),
]
# target (None: the team), aspect number, channel, source, text
OPINIONS = [
    (None, 1, Channel.PAPER, SourceKind.DIVISION, "党组理论学习中心组学习联系农业农村工作实际不够紧密"),
    (None, 2, Channel.FORUM, SourceKind.BRANCH, "公务接待和公车使用管理还有薄弱环节，检查通报不够经常"),
    (None, 4, Channel.PAPER, SourceKind.BRANCH, "对基层党组织全面从严治党的压力传导还不够"),
    ("李华", 3, Channel.PAPER, SourceKind.DIVISION, "到联系乡镇调研次数偏少，帮助解决实际问题不多"),
    ("李华", 4, Channel.FORUM, SourceKind.BRANCH, "分管领域项目资金拨付进度偏慢"),
    ("王芳", 2, Channel.PAPER, SourceKind.DIVISION, "与分管科室干部谈心谈话不够经常"),
    ("张明", 4, Channel.FORUM, SourceKind.BRANCH, "听取基层党组织书记意见不够经常"),
    ("赵强", 3, Channel.PAPER, SourceKind.SUBORDINATE, "执法检查中对企业政策宣传解释不够"),
]
# The opinions grouped (归纳整理) per target, as the feedback sheets show them: target → (aspect, text).
GROUPED = {
    None: (1, "理论学习联系实际不够，纪律规矩执行不够严，全面从严治党压力传导不够"),
    "李华": (3, "调查研究不够深入，分管领域项目推进和资金监管抓得不够实"),
    "王芳": (2, "对分管科室干部教育管理不够经常"),
    "张明": (4, "听取基层意见不够经常"),
    "赵强": (3, "执法工作中服务意识不够强"),
}

TALK_TOPICS = {
    Counterpart.MEMBER: "交流思想、沟通工作，相互指出存在的问题，沟通拟在会上提出的批评意见",
    Counterpart.DIVISION_HEADS: "听取分管科室对本人和班子的意见建议，了解科室干部思想和工作情况",
    Counterpart.BRANCH_REPS: "听取党员代表对班子和本人的意见建议，了解支部党员思想状况",
}

EXAMPLES = {
    "理论学习中心组": "比如，全年中心组集中学习12次，联系乡村振兴实际开展专题研讨仅2次。",
    "中央八项规定": "比如，年内专项检查发现公务用车登记不全2起，通报整改不够及时。",
    "深入基层调查研究": "比如，全年到联系乡镇调研4次，形成调研报告1篇，推动解决的实际问题不多。",
    "项目资金监管": "比如，截至11月底分管领域项目资金拨付率为68%，低于序时进度。",
    "党员干部日常教育管理": "比如，全年与分管科室干部谈心谈话仅覆盖一半左右。",
}
# Members' own problems the ledger does not hold (owner, aspect number, problem, example).
OWN_PROBLEMS = [
    ("张明", 4, "履行全面从严治党第一责任人职责还不够到位，对班子成员日常监督提醒不够经常。",
     "比如，全年专门听取班子成员履行“一岗双责”情况汇报仅1次。"),
    ("赵强", 3, "推进执法工作创新的办法不多，对执法中的新情况新问题研究不够。",
     "比如，对农资市场新出现的网络销售问题，执法检查手段更新不及时。"),
]  # fmt: skip

# owner (None: the team), heading, text
CAUSES = [
    (None, "理论学习不够深入", "班子学习有时满足于读原文、记笔记，联系农业农村工作实际思考不深，以学促干成效不明显。"),
    (None, "纪律规矩意识有所松懈", "对落实中央八项规定精神的长效机制研究不够，存在“过得去”的思想，抓常抓细不够。"),
    ("李华", "宗旨意识有所淡化", "深入基层、深入群众不够，满足于听汇报、看材料，对基层实际困难掌握不全面。"),
    ("王芳", "从严管理的责任落实不够", "存在“老好人”思想，对分管科室干部日常提醒、教育管理抓得不紧。"),
    ("赵强", "担当作为的劲头不足", "面对执法工作中的难点问题，有时讲困难多、想办法少，创新意识不够强。"),
    ("张明", "管党治党责任压得不够实", "履行第一责任人职责有时抓部署多、抓督促少，压力传导逐级递减。"),
]
# owner (None: the team), heading, text
MEASURES = [
    (None, "强化理论武装", "完善党组理论学习中心组学习制度，每季度至少开展1次联系乡村振兴实际的专题研讨。"),
    (None, "严明纪律规矩", "完善公务接待和公务用车管理办法，每半年开展一次专项检查，常态化通报检查结果。"),
    ("李华", "深入调查研究", "每季度到联系乡镇调研不少于2次，形成调研报告并推动解决实际问题。"),
    ("王芳", "严格教育管理", "每半年与分管科室党员干部逐一谈心谈话，建立谈话台账。"),
    ("赵强", "提升执法水平", "完善执法队伍教育培训制度，每季度开展一次执法案卷评查。"),
    ("张明", "压实管党治党责任", "每季度听取一次班子成员履行“一岗双责”情况汇报，逐级传导压力。"),
]


def load_finished_meeting(*, meeting: Meeting, actor: Any) -> None:
    """Complete last year's meeting (`meeting`, held and entered after the fact) through the services."""
    held = meeting.planned_date
    roster = {e.name: e for e in meeting.roster.select_related("person__user")}
    _plan_and_request(meeting, actor, held)
    _studies(meeting, actor, held, list(roster.values()))
    _opinions(meeting, actor, held, roster)
    _talks(meeting, actor, held)
    _problems(meeting, actor, roster)
    _materials(meeting, roster)
    _notice(meeting, actor, held)
    _case_and_outcome(meeting, actor)
    _lists_without_items(meeting, actor, roster)


def _day(held: dt.date, offset: int) -> dt.date:
    return held + dt.timedelta(days=offset)


def _plan_and_request(meeting: Meeting, actor: Any, held: dt.date) -> None:
    year = meeting.config.year
    if not Plan.objects.filter(meeting=meeting).exists():
        data = plan_defaults(meeting=meeting)
        stages = [s | {"content": STAGE_CONTENT.get(s["title"], "按方案要求完成。")} for s in data.pop("stages")]
        data |= {
            "observers": "局机关各科室主要负责同志",
            "basis_issuer": "中共明远市委组织部",
            "basis_title": f"关于认真开好{year}年度县以上党和国家机关党员领导干部民主生活会的通知",
            "basis_number": f"明组通〔{year}〕28号",
            "agreed_on": _day(held, -30),
        }
        plan_save(actor=actor, meeting=meeting, data=data, stages=stages)
    if not PlanRequest.objects.filter(meeting=meeting).exists():
        sent_on = _day(held, -25)
        prefix = meeting.organization.doc_number_prefix
        request = request_send(
            actor=actor,
            meeting=meeting,
            title=f"关于召开{meeting.title}的请示",
            addressees=meeting.organization.addressees or SUPERVISORS,
            document_number=f"{prefix}〔{sent_on.year}〕18号" if prefix else "",
            sent_on=sent_on,
        )
        request_record_paper_reply(
            actor=actor,
            request=request,
            status=RequestStatus.APPROVED,
            replier_name="马骏",
            replier_body=SUPERVISORS,
            replied_on=_day(held, -22),
            comments="同意。",
        )
        kind = get_kind("request")
        if kind is not None:
            paragraph_override_save(actor=actor, meeting=meeting, kind=kind, member=None, key="contact", text=CONTACT)


def _studies(meeting: Meeting, actor: Any, held: dt.date, roster: list) -> None:
    if StudySession.objects.filter(meeting=meeting).exists():
        return
    offered = {code for code, _ in meeting.config.study_kind_choices()}
    for offset, form, materials in STUDIES:
        study_session_record(
            actor=actor,
            meeting=meeting,
            session_date=_day(held, offset),
            form=form if form in offered else sorted(offered)[0],
            materials=materials,
            participants=roster,
        )


def _opinions(meeting: Meeting, actor: Any, held: dt.date, roster: dict) -> None:
    if Campaign.objects.filter(meeting=meeting).exists():
        return
    opened, closed = _day(held, -40), _day(held, -26)
    campaign = campaign_create(
        actor=actor,
        meeting=meeting,
        title=CAMPAIGN_TITLE,
        opens_on=opened,
        closes_on=closed,
        channels=[Channel.PAPER, Channel.FORUM],
        online_enabled=False,
    )
    for name, kind, sent, returned in CAMPAIGN_UNITS:
        unit_add(
            actor=actor,
            campaign=campaign,
            name=name,
            source_kind=kind,
            sent_on=opened,
            forms_sent=sent,
            forms_returned=returned,
        )
    aspects = {a.order: a for a in Aspect.objects.filter(config_id=meeting.config_id)}
    stored: dict[str | None, list] = {}
    for i, (target, order, channel, kind, text) in enumerate(OPINIONS):
        stored.setdefault(target, []).append(
            opinion_record(
                actor=actor,
                campaign=campaign,
                text=text,
                target=roster.get(target) if target else None,
                aspect=aspects.get(order),
                channel=channel,
                source_kind=kind,
                received_on=_day(opened, 2 + i),
            )
        )
    for target, (order, text) in GROUPED.items():
        item_create(
            actor=actor,
            campaign=campaign,
            text=text,
            aspect=aspects.get(order),
            target=roster.get(target) if target else None,
            opinions=stored.get(target, []),
        )
    campaign_close(actor=actor, campaign=campaign, closed_on=closed)


def _talks(meeting: Meeting, actor: Any, held: dt.date) -> None:
    """The 四个必谈, every required pair, in the fortnight before the meeting."""
    if Talk.objects.filter(meeting=meeting).exists():
        return
    entries = {e.pk: e for e in meeting.roster.all()}
    divisions = {d.pk: d for d in meeting.organization.divisions.all()}
    branches = {b.pk: b for b in meeting.organization.branches.all()}
    for i, required in enumerate(talk_coverage(meeting=meeting).missing):
        kind, *ids = required.key
        data: dict[str, Any] = {"talk_date": _day(held, -16 + i % 10)}
        if kind == "member":
            data |= {
                "member": entries[required.member_id],
                "counterpart_kind": Counterpart.MEMBER,
                "other_member": entries[ids[1] if ids[0] == required.member_id else ids[0]],
                "criticism_discussed": True,
            }
        elif kind == "division":
            data |= {
                "member": entries[ids[0]],
                "counterpart_kind": Counterpart.DIVISION_HEADS,
                "division": divisions[ids[1]],
                "participants": f"{divisions[ids[1]].name}负责同志",
            }
        else:
            data |= {
                "member": entries[ids[0]],
                "counterpart_kind": Counterpart.BRANCH_REPS,
                "branch": branches[ids[1]],
                "participants": f"{branches[ids[1]].name}党员代表3名",
            }
        talk_record(actor=actor, meeting=meeting, topics=TALK_TOPICS[data["counterpart_kind"]], **data)


def _problems(meeting: Meeting, actor: Any, roster: dict) -> None:
    """The ledger's problems (mingjing.rectification.demo) with their examples; causes and measures."""
    for problem in Problem.objects.filter(meeting=meeting, example=""):
        example = next((text for key, text in EXAMPLES.items() if key in problem.description), "")
        if example:
            problem_update(actor=actor, problem=problem, data={"example": example})
    aspects = {a.order: a for a in Aspect.objects.filter(config_id=meeting.config_id)}
    for owner, order, description, example in OWN_PROBLEMS:
        member = roster.get(owner)
        if member is not None and not Problem.objects.filter(meeting=meeting, member=member).exists():
            problem_create(
                actor=actor,
                meeting=meeting,
                member=member,
                aspect=aspects.get(order),
                description=description,
                example=example,
                source=Source.SELF,
            )
    if not Cause.objects.filter(meeting=meeting).exists():
        for owner, heading, text in CAUSES:
            cause_create(actor=actor, meeting=meeting, member=roster.get(owner), heading=heading, text=text)
    if not Measure.objects.filter(meeting=meeting).exists():
        for owner, heading, text in MEASURES:
            problems = list(Problem.objects.filter(meeting=meeting, member=roster.get(owner)))
            measure_create(
                actor=actor, meeting=meeting, member=roster.get(owner), heading=heading, text=text, problems=problems
            )


def _notice(meeting: Meeting, actor: Any, held: dt.date) -> None:
    if Notice.objects.filter(meeting=meeting).exists():
        return
    notice_create(
        actor=actor,
        meeting=meeting,
        kind=NoticeKind.PUBLICITY,
        scope="局机关全体干部职工",
        channel="局机关一楼公示栏和局内网",
        published_on=_day(held, 10),
        until=_day(held, 17),
        contact="局办公室",
    )


# Each author's own words for the parts every material has (intro, last year, the case): written by
# each, not copied (查重 compares them). {opinions}: the opinions about the author.
OWN_WORDS = {
    None: (
        "按照上级部署，局党组把开好这次民主生活会作为重要政治任务，会前组织集中学习和专题研讨，通过发放征求意见表、"
        "召开座谈会收到对班子的意见建议{opinions}条，班子成员之间、与分管科室和党员代表普遍谈心谈话。现对照检查如下。",
        "上年度班子查摆的问题已全部制定整改措施，理论学习、作风建设等方面的制度得到修订完善，整改工作取得阶段性成效。",
        "班子集体学习了本系统通报的违反中央八项规定精神典型案例，对照案情逐条检视公务接待、公车使用管理，"
        "认识到制度执行上的漏洞，必须举一反三、堵塞漏洞。",
    ),
    "张明": (
        "作为局党组书记，我带头学习研讨、带头听取意见，群众和干部对我个人提出意见建议{opinions}条，我与每位班子成员"
        "逐一谈心，结合个人思想和工作实际进行了反思。下面作个人对照检查。",
        "去年我个人承诺的整改事项已经落实，牵头修订了中心组学习制度，但有的整改成效还需要时间检验。",
        "通报的案例对我触动很深，作为第一责任人，我对班子成员和分管干部的日常提醒还不够，要把严的要求落到平时。",
    ),
    "李华": (
        "会前我参加集中学习和专题研讨，认真研读了征求到的对我本人的{opinions}条意见，与主要负责同志、其他班子成员和"
        "分管科室负责同志谈了心。对照重点方面，我把自己摆进去，查找了以下问题。",
        "我去年的两项整改事项，基层调研一项已完成销号，项目资金拨付一项还在推进，已结转到今年继续整改。",
        "从案例看，项目资金监管稍有放松就会出问题，我分管计划财务工作，对资金拨付的监督必须更细更实。",
    ),
    "王芳": (
        "这次民主生活会前，我结合分管的种植业和畜牧兽医工作学习思考，收到对我的意见建议{opinions}条，"
        "在与科室干部和支部党员代表的谈话中也听到了不少真话。现将个人检视情况报告如下。",
        "去年我查摆的对分管科室干部教育管理偏松的问题，已经通过建立谈话台账基本整改到位。",
        "案例中的干部从小节失守到滑向违纪，教训深刻。我对分管科室干部的苗头性问题要早发现、早提醒。",
    ),
    "赵强": (
        "我分管农业综合执法工作，会前重点学习了纪律处分条例，征求到对我的意见建议{opinions}条，"
        "与执法支队干部和支部党员代表谈心后，对自己的差距有了更清醒的认识。对照检查如下。",
        "去年对照检查中我没有单列个人整改事项，按照分工参与了班子整改事项的落实。",
        "执法岗位权力集中、风险点多，案例警示我必须带头守纪律、讲规矩，管好执法队伍。",
    ),
}


def _material_text(meeting: Meeting, owner: Any) -> str:
    """The material as its author wrote it from his records: the seeds' four parts (and the case
    analysis the year asks for), problems under the aspects they belong to."""
    opinions = Opinion.objects.filter(campaign__meeting=meeting, target=owner).count()
    intro, last_year, case = OWN_WORDS[owner.name if owner is not None else None]
    lines = [
        intro.format(opinions=opinions),
        "一、上年度整改落实情况",
        last_year,
        "二、检视查摆问题",
    ]
    problems = list(Problem.objects.filter(meeting=meeting, member=owner).select_related("aspect"))
    headed = 0
    for aspect in meeting.config.aspects.order_by("order"):
        found = [p for p in problems if p.aspect_id == aspect.pk]
        if found:
            headed += 1
            lines.append(f"（{cn_number(headed)}）{aspect.title}方面")
            lines += [f"{cn_number(i)}是{p.description}{p.example}" for i, p in enumerate(found, start=1)]
    lines.append("三、原因剖析")
    causes = Cause.objects.filter(meeting=meeting, member=owner).order_by("order", "id")
    lines += [f"{cn_number(i)}是{c.heading}。{c.text}" for i, c in enumerate(causes, start=1)]
    lines.append("四、努力方向和整改措施")
    measures = Measure.objects.filter(meeting=meeting, member=owner).order_by("order", "id")
    lines += [f"（{cn_number(i)}）{m.heading}。{m.text}" for i, m in enumerate(measures, start=1)]
    if meeting.config.requires_case_analysis:
        lines.append(f"五、{meeting.config.case_analysis_title}")
        lines.append(case)
    return "\n".join(lines)


def _materials(meeting: Meeting, roster: dict) -> None:
    """The principal's team material and each member's own outline (written by himself: only members
    with an account in the demo have one), outlines approved by the principal."""
    principal = next((e for e in roster.values() if e.team_role == "principal"), None)
    principal_user = principal.person.user if principal is not None else None
    if principal_user is None:
        return
    authors = [(None, principal_user)] + [(e, e.person.user) for e in roster.values() if e.person.user_id]
    for owner, user in authors:
        if Material.objects.filter(meeting=meeting, owner=owner, current_version__gt=0).exists():
            continue
        material_save(actor=user, meeting=meeting, owner=owner, text=_material_text(meeting, owner), base_version=0)
        if owner is not None:
            material = Material.objects.get(meeting=meeting, owner=owner)
            material_act(actor=user, material=material, action=Action.SUBMIT)
            if owner != principal:  # the principal's own outline is the 督导组's to review
                material_act(actor=principal_user, material=material, action=Action.APPROVE, comments="经审核，同意。")


CASE = (
    "本系统通报的某县农业农村局原局长违反中央八项规定精神问题",
    "班子逐条对照检视，深刻认识到纪律规矩必须严之又严，决心把落实中央八项规定精神"
    "作为长期任务，管住公务接待、公车使用等关键环节，防止“四风”问题反弹回潮。",
)
ACHIEVEMENTS = [
    "经历了一次严格的政治淬炼。班子成员进一步坚定了拥护“两个确立”、做到“两个维护”的思想自觉。",
    "找准了存在的问题和差距。班子和班子成员共查摆问题{problems}个，相互提出批评意见{points}条，问题具体、批评见人见事。",
    "明确了整改的方向和措施。会后制定整改方案和整改清单，逐项明确责任人和整改时限，推动问题整改落实。",
]


def _case_and_outcome(meeting: Meeting, actor: Any) -> None:
    """The case the team analysed and what the meeting achieved."""
    if meeting.config.requires_case_analysis and not CaseStudy.objects.filter(meeting=meeting).exists():
        case_study_save(actor=actor, meeting=meeting, case_name=CASE[0], lessons=CASE[1])
    if not MeetingOutcome.objects.filter(meeting=meeting).exists():
        points = Criticism.objects.filter(record__meeting=meeting).aggregate(n=Sum("points"))["n"] or 0
        text = "\n".join(ACHIEVEMENTS).format(problems=Problem.objects.filter(meeting=meeting).count(), points=points)
        outcome_save(actor=actor, meeting=meeting, achievements=text)


def _lists_without_items(meeting: Meeting, actor: Any, roster: dict) -> None:
    """A member whose problems all went into the team's plan has no personal items: his 整改清单 says
    so in the preparer's words (the paragraph is edited, as on the document page)."""
    kind = get_kind("rectification-list")
    if kind is None:
        return
    owners = set(RectificationItem.objects.filter(meeting=meeting).values_list("owner_id", flat=True))
    for entry in roster.values():
        if entry.pk in owners:
            continue
        if entry.team_role == "principal":
            text = f"{entry.name}同志作为主要负责同志，牵头抓好领导班子整改方案所列整改事项的落实，个人未另列整改事项。"
        else:
            text = f"{entry.name}同志个人未另列整改事项，按照分工抓好领导班子整改方案有关事项的落实。"
        paragraph_override_save(actor=actor, meeting=meeting, kind=kind, member=entry, key="intro", text=text)
