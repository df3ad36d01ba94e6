"""Demo: a short, finished record of the 2024 meeting. The 2025 meeting is still ahead on the demo
day, so it gets no record (the preparer starts one on the day)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from mingjing.meetings.models import Meeting
from mingjing.minutes.models import MeetingRecord
from mingjing.minutes.services import (
    criticism_add,
    minutes_finalise,
    minutes_row_update,
    minutes_start,
    minutes_update,
    supervisor_present_add,
)

# Who criticised whom at the 2024 meeting (giver, receiver, points, text).
CRITICISMS = [
    ("李华", "张明", 2, "调研多在机关听汇报，深入基层一线解决实际问题少，比如全年到乡镇蹲点调研不足3次。"),
    ("王芳", "李华", 1, "抓分管领域廉政风险防控不够细，对项目资金拨付的监督停留在审签环节。"),
    ("赵强", "王芳", 2, "理论学习满足于读原文，联系分管工作思考不深，推动种植业结构调整办法不多。"),
    ("张明", "赵强", 2, "执法工作抓具体事务多、抓队伍建设少，对执法人员作风问题提醒不及时。"),
]

# Each member's turn (self-examination, response to the criticism, personal matters), as recorded.
SPEECHES = {
    "张明": "代表班子并联系个人思想和工作实际作对照检查，查摆了理论学习联系实际不够、管党治党压力传导不够等问题",
    "李华": "对照检查了深入基层调研不够、分管领域项目资金监管不细等问题，剖析了宗旨意识方面的原因",
    "王芳": "对照检查了对分管科室干部教育管理偏松等问题，剖析了从严管理责任落实不够的原因",
    "赵强": "对照检查了执法工作中担当作为不够、创新意识不强等问题，剖析了思想上的原因",
}
RESPONSE = "诚恳接受大家的批评意见，逐条制定整改措施，在今后工作中认真加以改进"
PERSONAL_MATTERS = "如实说明了本人婚姻变化、配偶子女从业及本人因私出国（境）等个人有关事项，无应报告未报告的情况"


def load_demo_records(*, meeting: Meeting, actor: Any, on: dt.date) -> None:
    last = meeting.previous
    if last is None or MeetingRecord.objects.filter(meeting=last).exists():
        return
    record = minutes_start(actor=actor, meeting=last, recorder="黄蕾")
    entries = {e.name: e for e in last.roster.all()}
    minutes_update(
        actor=actor,
        record=record,
        data={
            "team_examination_given": True,
            "inquiry_report": "本年度班子成员未受到谈话函询。",
            "supervisor_comments": "会议准备充分，批评与自我批评严肃认真，达到了预期效果。",
            "supervisor_requirements": ["扎实抓好整改落实", "建立长效机制"],
            "principal_summary": "这次民主生活会开得严肃认真，达到了“团结—批评—团结”的目的。",
            "principal_requirements": ["一要持续提高政治站位", "二要持续抓好整改落实"],
        },
    )
    supervisor_present_add(actor=actor, record=record, name="马骏", title="组长", body="市委第三督导组")
    for giver, receiver, points, text in CRITICISMS:
        if giver in entries and receiver in entries:
            criticism_add(
                actor=actor,
                record=record,
                from_entry=entries[giver],
                to_entry=entries[receiver],
                points=points,
                text=text,
            )
    for speech in record.speeches.select_related("entry"):
        if speech.entry.name in SPEECHES:
            minutes_row_update(
                actor=actor,
                row=speech,
                data={
                    "self_examination_given": True,
                    "self_examination_note": SPEECHES[speech.entry.name],
                    "response": RESPONSE,
                    "personal_matters": PERSONAL_MATTERS,
                },
            )
    minutes_finalise(actor=actor, record=record)
