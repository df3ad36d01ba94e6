"""The facts the 情况报告 states: one row per fact, the record it comes from, and what the report
does when the record is missing.

- required (REQUIRED): a real report must state it; when not recorded the sentence keeps its place
  and prints 【待补充】 where the value goes.
- optional (OPTIONAL): stated when recorded; when not recorded the sentence is left out (never a
  【待补充】 in the middle of a sentence).
- section (SECTION): an optional section (督导组点评, 谈话函询, 公示, 成效, 案例剖析, 下一步整改方向):
  printed when recorded, and the user may switch it off for the document (documents.options).

`mingjing/reports/tests/test_facts.py` walks this table: it removes each record in turn and checks
the sentence disappears or shows 【待补充】 as the row says, then restores it and finds the value.
The builder states a fact only through `Facts.say(key, template, **values)`, so the table and the
report cannot drift apart (an unknown key is a KeyError).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from mingjing.documents.slots import fill

REQUIRED, OPTIONAL, SECTION = "required", "optional", "section"


@dataclass(frozen=True)
class Fact:
    key: str
    paragraph: str  # the report paragraph (override key) the sentence is in
    states: str  # what the report says, in the seeds' wording
    record: str  # the record it comes from (app: model.field)
    when_missing: str  # REQUIRED / OPTIONAL / SECTION

    @property
    def required(self) -> bool:
        return self.when_missing == REQUIRED


# fmt: off
FACTS: tuple[Fact, ...] = (
    Fact("notice", "opening", "按照《…通知》（…号）要求", "plans: Plan.basis_title, basis_number", REQUIRED),
    Fact("request_approval", "opening", "经…研究并报市民主生活会督导组审核同意",
         "plans: PlanRequest (approved) replier_body, replied_on", OPTIONAL),
    Fact("meeting_place", "opening", "…在局机关三楼会议室召开了…", "minutes: MeetingRecord.place / Meeting.place",
         REQUIRED),
    Fact("plan", "plan", "制订了《…实施方案》，经…于…研究通过", "plans: Plan.title, agreed_on", REQUIRED),
    Fact("plan_tasks", "plan", "方案细化了5项工作任务…已完成2项", "plans: PlanTask", OPTIONAL),
    Fact("request", "plan", "于…形成《…的请示》报…", "plans: PlanRequest sent_on, title, addressees", REQUIRED),
    Fact("request_reply", "plan", "市委第三督导组于…审核同意", "plans: PlanRequest replier_body, replied_on",
         OPTIONAL),
    Fact("study", "study", "于…开展中心组学习1次、集中学习1次", "studies: StudySession.session_date, form",
         REQUIRED),
    Fact("study_materials", "study", "重点学习了…", "studies: StudySession.materials", OPTIONAL),
    Fact("opinion_channels", "opinions", "通过征求意见表、座谈会等方式", "opinions: Campaign.channels", OPTIONAL),
    Fact("opinion_units", "opinions", "向…等5个单位发放征求意见表22份、收回20份",
         "opinions: CampaignUnit.name, forms_sent, forms_returned", OPTIONAL),
    Fact("opinion_total", "opinions", "共收到意见建议15条", "opinions: Opinion", REQUIRED),
    Fact("opinion_targets", "opinions", "对领导班子意见建议8条，对…同志2条 / 对班子成员未提出意见建议",
         "opinions: Opinion.target", REQUIRED),
    Fact("opinion_items", "opinions", "归纳整理为4个方面4项", "opinions: OpinionItem", OPTIONAL),
    Fact("talks", "talks", "共谈话12次，实现全覆盖", "talks: Talk", REQUIRED),
    Fact("team_material", "materials", "领导班子对照检查材料由…主持起草", "meetings: RosterEntry (principal)",
         REQUIRED),
    Fact("outline_review", "materials", "班子成员个人发言提纲由…审核把关",
         "materials: ReviewEvent (approve, outline) body", OPTIONAL),
    Fact("team_review", "materials", "…经局党组会议审议通过，报市委第三督导组审阅",
         "materials: ReviewEvent (approve/review, team) body, happened_on", OPTIONAL),
    Fact("problems", "materials", "领导班子查摆问题3个，班子成员查摆问题2个", "problems: Problem", REQUIRED),
    Fact("problem_sources", "materials", "问题来源于征求意见、谈心谈话…", "problems: Problem.source", OPTIONAL),
    Fact("measures", "materials", "制定整改措施…条（班子…条、班子成员…条）", "problems: Measure", OPTIONAL),
    Fact("directions", "materials", "明确了…等努力方向", "problems: Measure.heading (team)", OPTIONAL),
    Fact("case", "case", "结合…典型案例，以案为鉴…", "materials: CaseStudy.case_name, lessons", SECTION),
    Fact("chair", "attendance", "会议由…同志主持", "minutes: MeetingRecord.chair", REQUIRED),
    Fact("present", "attendance", "张明、李华…同志参加会议", "minutes: Attendance", REQUIRED),
    Fact("supervisors_present", "attendance", "…同志到会指导", "minutes: SupervisorPresent", OPTIONAL),
    Fact("observers", "attendance", "…列席会议", "minutes: Observer / plans: Plan.observers", OPTIONAL),
    Fact("agenda", "agenda", "会议共有6项议程", "minutes: AgendaItem", REQUIRED),
    Fact("carry_over", "briefing", "书面通报了上年度整改措施落实情况", "rectification: carry_over", OPTIONAL),
    Fact("examination", "examination", "…代表领导班子作对照检查",
         "minutes: MeetingRecord.team_examination_given", REQUIRED),
    Fact("criticism", "criticism", "相互提出批评意见7条", "minutes: Criticism, MemberSpeech", REQUIRED),
    Fact("personal_matters", "personal", "4名班子成员说明了个人有关事项", "minutes: MemberSpeech.personal_matters",
         OPTIONAL),
    Fact("inquiry", "inquiry", "通报了班子成员受到谈话函询等情况", "minutes: MeetingRecord.inquiry_report", SECTION),
    Fact("supervisor_comments", "supervisors", "督导组对民主生活会作了点评",
         "minutes: MeetingRecord.supervisor_comments", SECTION),
    Fact("summary", "summary", "…作总结讲话", "minutes: MeetingRecord.principal_summary", REQUIRED),
    Fact("revision", "revision", "修改完善了…份", "materials: Material.status revised", OPTIONAL),
    Fact("rectification", "rectification", "制订了《…整改方案》，列出整改事项…项",
         "rectification: RectificationItem", REQUIRED),
    Fact("publicity", "notice", "于…通过…在…范围内进行公示", "rectification: Notice", SECTION),
    Fact("archived", "archive", "于…进行专盒归档", "meetings: Meeting.archived_on", OPTIONAL),
    Fact("achievements", "achievements", "会议取得的成效", "reports: MeetingOutcome.achievements", SECTION),
    Fact("next_directions", "next", "明确整改方向，抓好整改落实", "problems: Measure (team)", SECTION),
)
# fmt: on
BY_KEY: dict[str, Fact] = {f.key: f for f in FACTS}
assert len(BY_KEY) == len(FACTS), "fact keys must be unique"


def empty(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Sequence):
        return not value
    return False


class Facts:
    """What the builder states. `say` applies the table's rule for a missing value."""

    def __init__(self) -> None:
        self.stated: set[str] = set()

    def recorded(self, key: str, *values: Any) -> bool:
        BY_KEY[key]  # noqa: B018 - an unknown key is a programming error
        return not any(empty(v) for v in values)

    def say(self, key: str, template: str, /, **values: Any) -> str:
        """The sentence with its values; a missing value gives 【待补充】 (required) or "" (optional)."""
        fact = BY_KEY[key]
        if any(empty(v) for v in values.values()) and not fact.required:
            return ""
        self.stated.add(key)
        return fill(template, **values)
