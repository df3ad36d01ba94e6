"""Demo records: a small ledger for the 2024 meeting (held 2025-01-16) — three items closed after
verification, one in progress, one long-term — whose open items are carried over to the 2025
meeting, so its 上年度整改落实情况 reads from records. Idempotent, through the services."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from mingjing.meetings.models import Meeting
from mingjing.problems.models import Problem, Source
from mingjing.rectification.models import RectificationItem
from mingjing.rectification.services import (
    carry_over_items,
    closure_request,
    closure_verify,
    item_update,
    items_from_problems,
    progress_update,
)
from mingjing.yearconfigs.models import Aspect

# A minimal, valid one-page PDF: the evidence file of the closed items (stored once, by its hash).
EVIDENCE_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)

# Deadlines count from the day the demo is loaded (mingjing.demo): days after last year's meeting, or
# OVERDUE, a few days before the day loaded (the open item carried over is just overdue, not by a year).
OVERDUE = "overdue"

# (owner name or None for the team, aspect number, problem, measures, division, deadline, long term, outcome)
PROBLEMS_2024 = [
    (
        None,
        1,
        "理论学习中心组学习制度执行不够严格，集中学习研讨联系农业农村工作实际不够紧密。",
        "修订局党组理论学习中心组学习制度，每季度至少开展1次联系乡村振兴实际的专题研讨。",
        "办公室",
        165,  # 30 June when the meeting was on 16 January
        False,
        "closed",
    ),
    (
        None,
        2,
        "落实中央八项规定精神的长效机制还不健全，公务接待、公车使用管理存在薄弱环节。",
        "完善公务接待和公务用车管理办法，每半年开展一次专项检查，常态化通报检查结果。",
        "办公室",
        None,
        True,
        "long_term",
    ),
    (
        "李华",
        3,
        "深入基层调查研究不够，到分管科室联系的乡镇调研次数偏少、解决实际问题不多。",
        "每季度到联系乡镇调研不少于2次，形成调研报告并推动解决1至2个实际问题。",
        "农村经济科",
        257,
        False,
        "closed",
    ),
    (
        "李华",
        4,
        "对分管领域项目资金监管抓得不够细，部分项目资金拨付进度滞后。",
        "建立分管领域项目资金拨付进度月报制度，对滞后项目逐一约谈督办，年底前拨付率达到95%以上。",
        "计划财务科",
        OVERDUE,
        False,
        "in_progress",
    ),
    (
        "王芳",
        2,
        "对分管科室党员干部日常教育管理偏松，谈心谈话不够经常。",
        "每半年与分管科室党员干部逐一谈心谈话，建立谈话台账。",
        "种植业管理科",
        165,  # 30 June when the meeting was on 16 January
        False,
        "closed",
    ),
]


def _user_of(entry: Any) -> Any:
    return entry.person.user if entry is not None and entry.person.user_id else None


def _ledger_2024(previous: Meeting, actor: Any, on: dt.date) -> None:
    roster = {e.name: e for e in previous.roster.select_related("person__user")}
    principal = next(e for e in roster.values() if e.team_role == "principal")
    principal_user = _user_of(principal)
    aspects = {a.order: a for a in Aspect.objects.filter(config=previous.config)}
    divisions = {d.name: d for d in previous.organization.divisions.all()}
    for n, (owner_name, aspect, text, measures, division, due, long_term, outcome) in enumerate(PROBLEMS_2024):
        if due == OVERDUE:
            deadline = on - dt.timedelta(days=3)
        else:
            deadline = None if due is None else previous.planned_date + dt.timedelta(days=due)
        owner = roster.get(owner_name) if owner_name else None
        problem = Problem.objects.create(
            meeting=previous,
            member=owner,
            aspect=aspects.get(aspect),
            description=text,
            source=Source.SELF,
            order=n + 1,
        )
        (item,) = items_from_problems(
            actor=actor, meeting=previous, problems=[problem], deadline=deadline, long_term=long_term
        )
        item_update(
            actor=actor,
            item=item,
            data={
                "measures": measures,
                "responsible_leader": owner or principal,
                "responsible_division": divisions.get(division),
                # 责任人: the head of the responsible division
                "responsible_person": divisions[division].heads.first() if division in divisions else None,
            },
        )
        owner_user = _user_of(owner) or (principal_user if owner is None else None) or actor
        if outcome == "closed":
            closure_request(
                actor=owner_user,
                item=item,
                note="整改措施已全部落实，相关制度已印发执行。",
                files=[SimpleUploadedFile("整改佐证材料.pdf", EVIDENCE_PDF, content_type="application/pdf")],
            )
            closure_verify(actor=principal_user, item=item, on=deadline)
        elif outcome == "in_progress":
            progress_update(
                actor=owner_user,
                item=item,
                progress=60,
                progress_note="已建立项目资金拨付进度月报制度，约谈滞后项目负责人3次，目前拨付率82%。",
            )
        else:
            progress_update(
                actor=owner_user,
                item=item,
                progress=50,
                progress_note="已修订公务接待和公务用车管理办法，上半年专项检查已完成并通报。",
            )


def load_demo_records(*, meeting: Meeting, actor: Any, on: dt.date) -> None:
    previous = meeting.previous
    if previous is None:
        return
    if not RectificationItem.objects.filter(meeting=previous).exists():
        _ledger_2024(previous, actor, on)
    if not RectificationItem.objects.filter(meeting=meeting, carried_from__isnull=False).exists():
        carry_over_items(actor=actor, meeting=meeting)
