"""Demo records: a few of the team's problems (one still without an example), causes and
measures, and two problems of 李华 (demo-member), on the 2025 meeting. Idempotent."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mingjing.meetings.models import Meeting
from mingjing.opinions.models import Opinion
from mingjing.problems.models import Problem, Source
from mingjing.problems.services import cause_create, measure_create, problem_create
from mingjing.yearconfigs.models import Aspect

# (aspect number, description, example, source)
TEAM_PROBLEMS = [
    (
        1,
        "政治引领发挥不够充分。班子在强化政治责任、政治担当方面仍有差距，对意识形态工作亲自研究不深、"
        "经常性指导督促不够，存在上热下冷现象。",
        "比如，今年局属单位宣传栏和微信公众号有部分宣传内容存在表述不当、更新不及时等情况，班子未及时组织专项检查。",
        Source.SELF,
    ),
    (
        1,
        "落实上级决策部署有时不够全面。部分班子成员想问题、作决策时没有完全跳出分管领域，存在一定的“本位主义”思想，"
        "集体研究工作时对非分管工作发表意见不够积极主动。",
        "",
        Source.OPINION,
    ),
    (
        2,
        "理论武装不够系统深入。班子成员不同程度存在浅层学习的多、深度交流的少的问题，运用党的创新理论解决"
        "农业农村工作实际问题的能力不足，学习成果转化不明显。",
        "比如，全年中心组集中学习研讨中，联系乡村振兴实际开展专题研讨的次数偏少，部分研讨发言停留在谈体会层面。",
        Source.STUDY,
    ),
]
TEAM_CAUSES = [
    (
        "政治站位高度不够",
        "班子主观上重视理论学习，但学习经常服从于任务，在精神上及时“补钙”不够，有时不能从政治、从全局角度考虑问题。",
    ),
    (
        "宗旨意识有所淡化",
        "深入基层一线调查研究不够，满足于听汇报、看材料，对群众急难愁盼问题掌握不全面、解决不及时。",
    ),
    (
        "纪律意识没有绷紧",
        "落实“一岗双责”力度不够，对一些苗头性、倾向性问题主动警示、教育、提醒不够，存在“老好人”思想。",
    ),
]
# (heading, text, indexes of TEAM_PROBLEMS it answers)
TEAM_MEASURES = [
    (
        "提高政治站位，把牢正确方向",
        "坚持把政治建设摆在首位，带头严格落实意识形态工作责任制，每季度专题研究一次意识形态工作，"
        "对局属单位宣传阵地开展全面排查。",
        [0, 1],
    ),
    (
        "强化理论武装，坚定理想信念",
        "完善党组理论学习中心组学习制度，全年安排不少于12次集中学习研讨，每次围绕一项农业农村重点工作开展专题研讨。",
        [2],
    ),
]
MEMBER_NAME = "李华"
MEMBER_PROBLEMS = [
    (
        1,
        "政治理论学习不够深入。满足于参加集中学习，个人自学时间保证不够，读原著、学原文、悟原理还有差距。",
        "比如，今年个人自学笔记不足1万字，对分管的计划财务工作运用新发展理念思考不多。",
        Source.SELF,
    ),
    (
        4,
        "攻坚克难的办法不多。面对分管领域的难点问题，讲困难、讲理由的多，拿办法、抓落实的少。",
        "比如，农村集体经济薄弱村增收项目推进较慢，年内有3个项目未按期开工。",
        Source.TALK,
    ),
]


def load_demo_records(*, meeting: Meeting, actor: Any, on: dt.date) -> None:
    if Problem.objects.filter(meeting=meeting).exists():
        return
    aspects = {a.order: a for a in Aspect.objects.filter(config_id=meeting.config_id)}
    if not aspects:
        return
    first = min(aspects)

    def aspect(n: int) -> Aspect:
        return aspects.get(first + n - 1) or aspects[first]

    team_opinion = Opinion.objects.filter(campaign__meeting=meeting, target__isnull=True).order_by("id").first()
    team = [
        problem_create(
            actor=actor,
            meeting=meeting,
            member=None,
            aspect=aspect(n),
            description=description,
            example=example,
            source=source,
            opinions=[team_opinion] if team_opinion and source == Source.OPINION else [],
        )
        for n, description, example, source in TEAM_PROBLEMS
    ]
    for heading, text in TEAM_CAUSES:
        cause_create(actor=actor, meeting=meeting, member=None, heading=heading, text=text)
    for heading, text, answers in TEAM_MEASURES:
        measure_create(
            actor=actor, meeting=meeting, member=None, heading=heading, text=text, problems=[team[i] for i in answers]
        )
    member = meeting.roster.filter(name=MEMBER_NAME).first()
    if member is None:
        return
    for n, description, example, source in MEMBER_PROBLEMS:
        problem_create(
            actor=actor,
            meeting=meeting,
            member=member,
            aspect=aspect(n),
            description=description,
            example=example,
            source=source,
        )
