"""The skeleton of a material generated from the records, in the shape of seed 002:

一、上年度整改落实情况 · 二、检视查摆问题 (by the year's aspects, 一是/二是 with 比如 examples) ·
三、原因剖析 · 四、努力方向和整改措施 · 五、the year's case-analysis title (when the year requires it)
with the meeting's CaseStudy.

Every fact comes from a record; a fact not yet recorded prints 【待补充】, never an invented one.
"""

from __future__ import annotations

import logging
from importlib import import_module
from importlib.util import find_spec
from typing import Any

from mingjing.materials.text import cn_number
from mingjing.meetings.models import Meeting, RosterEntry

log = logging.getLogger(__name__)
MISSING = "【待补充】"


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if not text or text[-1] in "。！？；…”" else text + "。"


def _aspect_heading(index: int, title: str) -> str:
    title = title.strip().rstrip("。；;")
    return f"（{cn_number(index)}）{title}{'' if title.endswith('方面') else '方面'}"


def _problem_line(index: int, problem: Any) -> str:
    line = f"{cn_number(index)}是{_sentence(problem.description)}"
    example = " ".join(problem.example.split())
    if example:
        if not example.startswith(("比如", "如，", "例如")):
            example = "比如，" + example
        return line + _sentence(example)
    return line + f"比如，{MISSING}（具体事例）"


def _rectification_section(meeting: Meeting, owner: RosterEntry | None) -> list[str]:
    """From last year's ledger (or what the unit recorded of a year held on paper), via
    `mingjing.rectification.selectors.carry_over(meeting)` when that app provides it: the summary
    sentence, then one line per item or theme (the team's for the team's material, the member's own
    — matched by person, or by name on paper — for an outline)."""
    if find_spec("mingjing.rectification") is None:
        return [MISSING]
    try:
        carry_over = getattr(import_module("mingjing.rectification.selectors"), "carry_over", None)
        if carry_over is None:
            return [MISSING]
        data = carry_over(meeting)
        lines = list(getattr(data, "lines", []) or [])
        if owner is None:
            mine = [line for line in lines if line.is_team]
        else:
            mine = [line for line in lines if line.belongs_to(owner)]
        if not mine:
            return [MISSING]
        out = []
        if owner is None:
            summary = str(getattr(data, "summary", "") or "")
            out.append(f"针对{summary}" if summary and summary != MISSING else MISSING)
        else:
            done = sum(line.count for line in mine if line.state == "done")
            total = sum(line.count for line in mine)
            out.append(f"针对上年度本人查摆问题确定的{total}项整改事项，已整改完成{done}项。")
        for i, line in enumerate(mine, start=1):
            out.append(f"{cn_number(i)}是{line.subject}，目前{line.state_label}。整改成效：{MISSING}")
        return out
    except Exception:  # another app's selector must never break the editor
        log.exception("carry_over failed for meeting %s", meeting.pk)
        return [MISSING]


def _intro(meeting: Meeting, owner: RosterEntry | None) -> str:
    from mingjing.studies.models import StudySession
    from mingjing.talks.models import Talk

    theme = meeting.config.theme.strip()
    theme_part = f"围绕“{theme}”这一主题，" if theme else f"围绕本次民主生活会主题（{MISSING}），"
    studies = StudySession.objects.filter(meeting=meeting).count()
    if owner is None:
        talks = Talk.objects.filter(meeting=meeting).count()
        who = "领导班子"
    else:
        from django.db.models import Q

        talks = Talk.objects.filter(Q(member=owner) | Q(other_member=owner), meeting=meeting).count()
        who = "本人"
    studies_part = f"开展学习研讨{studies}次" if studies else f"开展学习研讨{MISSING}次"
    talks_part = f"开展谈心谈话{talks}人次" if talks else f"开展谈心谈话{MISSING}人次"
    return (
        f"按照{meeting.config.name}的部署要求，{who}{theme_part}会前{studies_part}、{talks_part}，"
        f"广泛征求意见{MISSING}条，对照{meeting.config.name}的重点方面，认真检视查摆问题，深刻剖析根源，"
        "明确努力方向。现将有关情况报告如下。"
    )


def generate_skeleton(*, meeting: Meeting, owner: RosterEntry | None) -> str:
    from mingjing.problems.models import Cause, Measure, Problem

    problems = list(
        Problem.objects.filter(meeting=meeting, member=owner).select_related("aspect").order_by("order", "id")
    )
    causes = list(Cause.objects.filter(meeting=meeting, member=owner).order_by("order", "id"))
    measures = list(Measure.objects.filter(meeting=meeting, member=owner).order_by("order", "id"))
    aspects = list(meeting.config.aspects.order_by("order"))

    lines = [_intro(meeting, owner)]
    lines.append("一、上年度整改落实情况")
    lines += _rectification_section(meeting, owner)

    lines.append("二、检视查摆问题")
    by_aspect: dict[int | None, list[Any]] = {}
    for p in problems:
        by_aspect.setdefault(p.aspect_id, []).append(p)
    index = 0
    for aspect in aspects:
        index += 1
        lines.append(_aspect_heading(index, aspect.title))
        found = by_aspect.pop(aspect.pk, [])
        if not found:
            lines.append(f"一是{MISSING}。比如，{MISSING}（具体事例）")
        lines += [_problem_line(i, p) for i, p in enumerate(found, start=1)]
    leftover = [p for ps in by_aspect.values() for p in ps]
    if leftover:
        index += 1
        lines.append(f"（{cn_number(index)}）其他方面（{MISSING}：请归入本年度的重点方面）")
        lines += [_problem_line(i, p) for i, p in enumerate(leftover, start=1)]
    if not aspects and not leftover:
        lines.append(f"（一）{MISSING}方面")
        lines.append(f"一是{MISSING}。比如，{MISSING}（具体事例）")

    lines.append("三、原因剖析")
    if causes:
        lines += [f"{cn_number(i)}是{_sentence(c.heading)}{' '.join(c.text.split())}" for i, c in enumerate(causes, 1)]
    else:
        lines.append(f"一是{MISSING}。")

    lines.append("四、努力方向和整改措施")
    if measures:
        lines += [
            f"（{cn_number(i)}）{_sentence(m.heading)}{' '.join(m.text.split())}" for i, m in enumerate(measures, 1)
        ]
    else:
        lines.append(f"（一）{MISSING}。")

    if meeting.config.requires_case_analysis:
        # The year names the section (典型案例剖析, 反面典型案例剖析); the case is the meeting's record.
        lines.append(f"五、{meeting.config.case_analysis_title.strip() or '典型案例剖析'}")
        who = "班子" if owner is None else "本人"
        from mingjing.materials.models import CaseStudy

        case = CaseStudy.objects.filter(meeting=meeting).first()
        if case is None:
            lines.append(f"结合{MISSING}（典型案例名称），以案为鉴、以案促改，剖析{who}在{MISSING}方面存在的差距。")
        else:
            lessons = _sentence(case.lessons) or f"剖析{who}在{MISSING}方面存在的差距。"
            lines.append(f"结合{case.case_name}，以案为鉴、以案促改，{lessons}")
    return "\n".join(lines)
