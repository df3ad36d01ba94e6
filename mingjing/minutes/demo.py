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
    minutes_finalise(actor=actor, record=record)
