"""Demo records: the 2025 meeting's paper-form round (closed, with units, typed opinions and a few
grouped items) and an online round still open, so the QR link can be tried and the 征求意见 step
stays open until both are closed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mingjing.meetings.models import Meeting
from mingjing.opinions.models import Audience, Campaign, Channel, SourceKind
from mingjing.opinions.services import campaign_close, campaign_create, item_create, opinion_record, unit_add
from mingjing.yearconfigs.models import Aspect

PAPER_TITLE = "征求对局党组领导班子和班子成员的意见建议"
ONLINE_TITLE = "网上征求意见（补充）"

UNITS = [
    ("办公室", SourceKind.DIVISION, 3, 3),
    ("计划财务科", SourceKind.DIVISION, 3, 3),
    ("种植业管理科", SourceKind.DIVISION, 3, 2),
    ("农业综合执法支队", SourceKind.SUBORDINATE, 5, 5),
    ("机关第一党支部", SourceKind.BRANCH, 8, 7),
]

# target name (None: the team), aspect order, channel, source kind, text
OPINIONS = [
    (None, 1, Channel.PAPER, SourceKind.DIVISION, "学习贯彻党的创新理论停留在读文件、记笔记，结合农业农村工作研究不够"),
    (None, 1, Channel.FORUM, SourceKind.BRANCH, "中心组学习研讨发言准备不充分，联系实际不够"),
    (None, 2, Channel.PAPER, SourceKind.SUBORDINATE, "党组会议研究党建工作的次数偏少，重业务轻党建"),
    (None, 3, Channel.PAPER, SourceKind.SERVICE, "惠农补贴政策宣传不到位，部分群众反映办事要跑多次"),
    (None, 3, Channel.BOX, SourceKind.MASSES, "到基层调研多是看点听汇报，解剖麻雀式调研少"),
    (None, 4, Channel.PAPER, SourceKind.DIVISION, "推进高标准农田建设有畏难情绪，遇到矛盾往后拖"),
    (None, 4, Channel.FORUM, SourceKind.SUBORDINATE, "对基层反映的执法装备不足问题研究解决不够及时"),
    (None, 5, Channel.PAPER, SourceKind.BRANCH, "对分管领域的廉政风险点排查不够细"),
    ("张明", 2, Channel.VISIT, SourceKind.DIVISION, "听取班子成员意见不够充分，有时会上定得快"),
    ("张明", 4, Channel.PAPER, SourceKind.SUBORDINATE, "到执法支队等基层单位现场办公次数偏少"),
    ("李华", 3, Channel.PAPER, SourceKind.DIVISION, "财务审批环节多，科室反映报账周期长"),
    ("李华", 5, Channel.FORUM, SourceKind.BRANCH, "对分管科室的日常监督提醒不够经常"),
    ("王芳", 1, Channel.PAPER, SourceKind.DIVISION, "学习新知识、新技术的主动性不够强"),
    ("王芳", 4, Channel.VISIT, SourceKind.SERVICE, "种植结构调整工作中与乡镇沟通协调不够"),
    ("赵强", 3, Channel.PAPER, SourceKind.SUBORDINATE, "执法检查中有时方式简单，说服教育不够"),
]

# target name, aspect order, text, which OPINIONS rows it groups (by index)
ITEMS = [
    (None, 1, "理论学习与农业农村工作实际结合不紧，学用脱节", [0, 1]),
    (None, 3, "服务群众和调查研究不够深入，政策落实“最后一公里”仍有堵点", [3, 4]),
    (None, 4, "担当作为不够，推进重点工作和解决基层难题办法不多", [5, 6]),
    ("张明", 2, "发扬民主不够充分，深入基层不够经常", [8, 9]),
]


def load_demo_records(*, meeting: Meeting, actor: Any, on: dt.date) -> None:
    if Campaign.objects.filter(meeting=meeting).exists():
        return
    opened = on - dt.timedelta(days=20)
    paper = campaign_create(
        actor=actor,
        meeting=meeting,
        title=PAPER_TITLE,
        opens_on=opened,
        closes_on=on - dt.timedelta(days=7),
        channels=[Channel.PAPER, Channel.FORUM, Channel.BOX, Channel.VISIT],
        online_enabled=False,
    )
    for name, kind, sent, returned in UNITS:
        unit_add(
            actor=actor,
            campaign=paper,
            name=name,
            source_kind=kind,
            sent_on=opened,
            forms_sent=sent,
            forms_returned=returned,
        )
    roster = {e.name: e for e in meeting.roster.all()}
    aspects = {a.order: a for a in Aspect.objects.filter(config_id=meeting.config_id)}
    stored = []
    for i, (name, order, channel, kind, text) in enumerate(OPINIONS):
        stored.append(
            opinion_record(
                actor=actor,
                campaign=paper,
                text=text,
                target=roster.get(name) if name else None,
                aspect=aspects.get(order),
                channel=channel,
                source_kind=kind,
                received_on=opened + dt.timedelta(days=3 + i % 10),
            )
        )
    for name, order, text, rows in ITEMS:
        item_create(
            actor=actor,
            campaign=paper,
            text=text,
            aspect=aspects.get(order),
            target=roster.get(name) if name else None,
            opinions=[stored[i] for i in rows],
        )
    # The online round first: closing the paper round then leaves the 征求意见 step open.
    campaign_create(
        actor=actor,
        meeting=meeting,
        title=ONLINE_TITLE,
        opens_on=on - dt.timedelta(days=3),
        closes_on=on + dt.timedelta(days=7),
        channels=[Channel.ONLINE],
        online_enabled=True,
        audience=Audience.PUBLIC,  # open to the unit's service users: no codes
        min_responses_shown=5,
        note="扫描征求意见表上的二维码匿名填写",
    )
    campaign_close(actor=actor, campaign=paper, closed_on=on - dt.timedelta(days=6))
