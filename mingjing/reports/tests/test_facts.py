"""The table of facts (mingjing/reports/facts.py), walked fact by fact: with every record present the
report states the value; with the record removed the sentence disappears (optional, section) or
shows 【待补充】 (required); restored, the value is back. The report is downloaded as the preparer
would and read with python-docx."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from mingjing.archive.guard import unguarded
from mingjing.documents.slots import MISSING
from mingjing.materials.models import CaseStudy, Material, ReviewEvent, Status
from mingjing.meetings.models import Meeting
from mingjing.minutes.models import AgendaItem, MeetingRecord, MemberSpeech, Observer, SupervisorPresent
from mingjing.opinions.models import CampaignUnit, Opinion, OpinionItem
from mingjing.plans.models import Plan, PlanRequest, PlanTask, RequestStatus
from mingjing.problems.models import Measure, Problem
from mingjing.rectification.models import Notice, RectificationItem
from mingjing.reports.facts import FACTS, OPTIONAL, REQUIRED, SECTION
from mingjing.reports.models import MeetingOutcome
from mingjing.reports.tests.test_report import ReportTestCase, texts
from mingjing.studies.models import StudySession
from mingjing.talks.models import Talk


@dataclass
class Case:
    meeting: str  # "meeting" (2025, prepared) or "last" (2024, held)
    value: str  # what the report says when the record is there
    remove: Callable[[ReportTestCase], object]
    anchor: str = ""  # (in) the paragraph that shows 【待补充】 when a required fact is removed


def _material(t, owner_is_team: bool) -> Material:
    qs = Material.objects.filter(meeting=t.meeting)
    return qs.filter(owner__isnull=True).get() if owner_is_team else qs.filter(owner__isnull=False).first()


CASES: dict[str, Case] = {
    "notice": Case("meeting", "明组通〔2025〕30号", lambda t: Plan.objects.filter(meeting=t.meeting).update(
        basis_title="", basis_number=""), "按照"),
    "request_approval": Case("meeting", "并报市民主生活会督导组审核同意", lambda t: PlanRequest.objects.filter(
        meeting=t.meeting).update(status=RequestStatus.PENDING)),
    "meeting_place": Case("meeting", "在局机关三楼会议室召开", lambda t: Meeting.objects.filter(
        pk=t.meeting.pk).update(place=""), "按照"),
    "plan": Case("meeting", "民主生活会实施方案》", lambda t: Plan.objects.filter(meeting=t.meeting).delete(),
                 "（一）认真制订方案。"),
    "plan_tasks": Case("meeting", "方案细化了5项工作任务", lambda t: PlanTask.objects.filter(
        plan__meeting=t.meeting).delete()),
    "request": Case("meeting", "于2026年10月30日形成《关于召开", lambda t: PlanRequest.objects.filter(
        meeting=t.meeting).delete(), "（一）认真制订方案。"),
    "request_reply": Case("meeting", "市民主生活会督导组于2026年10月31日审核同意", lambda t: PlanRequest.objects.filter(
        meeting=t.meeting).update(replier_body="")),
    "study": Case("meeting", "于2026年11月2日开展中心组学习1次", lambda t: StudySession.objects.filter(
        meeting=t.meeting).delete(), "（二）深入学习研讨。"),
    "study_materials": Case("meeting", "重点学习了党章", lambda t: StudySession.objects.filter(
        meeting=t.meeting).update(materials="")),
    "opinion_channels": Case("meeting", "通过征求意见表", lambda t: (t.meeting.campaigns.update(channels=[]),
                             Opinion.objects.filter(campaign__meeting=t.meeting).update(channel=""))),
    "opinion_units": Case("meeting", "向办公室、计划财务科", lambda t: CampaignUnit.objects.filter(
        campaign__meeting=t.meeting).delete()),
    "opinion_total": Case("meeting", "共收到意见建议15条", lambda t: t.meeting.campaigns.all().delete(),
                          "（三）广泛征求意见。"),
    "opinion_targets": Case("meeting", "对局党组书记、局长张明同志2条", lambda t: t.meeting.campaigns.all().delete(),
                            "（三）广泛征求意见。"),
    "opinion_items": Case("meeting", "归纳整理为", lambda t: OpinionItem.objects.filter(
        campaign__meeting=t.meeting).delete()),
    "talks": Case("meeting", "共谈话2次", lambda t: Talk.objects.filter(meeting=t.meeting).delete(),
                  "（四）深入谈心谈话。"),
    "team_material": Case("meeting", "由局党组书记、局长张明同志主持起草", lambda t: t.meeting.roster.filter(
        team_role="principal").update(team_role="member"), "撰写对照检查材料。"),
    "outline_review": Case("meeting", "并由局党组书记审核把关", lambda t: ReviewEvent.objects.filter(
        material__meeting=t.meeting, material__owner__isnull=False).update(body="")),
    "team_review": Case("meeting", "经局党组会议审议通过", lambda t: ReviewEvent.objects.filter(
        material__meeting=t.meeting, material__owner__isnull=True).update(body="")),
    "problems": Case("meeting", "领导班子查摆问题3个", lambda t: Problem.objects.filter(
        meeting=t.meeting).delete(), "撰写对照检查材料。"),
    "problem_sources": Case("meeting", "征求意见中群众反映的问题等进行了系统梳理", lambda t: Problem.objects.filter(
        meeting=t.meeting).update(source="")),
    "measures": Case("meeting", "制定整改措施2条", lambda t: Measure.objects.filter(meeting=t.meeting).delete()),
    "directions": Case("meeting", "等努力方向", lambda t: Measure.objects.filter(meeting=t.meeting).delete()),
    "case": Case("meeting", "结合某县农业农村局原局长严重违纪违法案", lambda t: CaseStudy.objects.filter(
        meeting=t.meeting).delete(), "典型案例剖析。"),
    "chair": Case("last", "会议由局党组书记、局长张明同志主持", lambda t: MeetingRecord.objects.filter(
        meeting=t.last_meeting).update(chair=None), "2025年1月16日上午，"),
    "present": Case("last", "张明、李华、王芳、赵强4名同志全部参加会议", lambda t: MeetingRecord.objects.filter(
        meeting=t.last_meeting).delete(), "2025年1月16日上午，"),
    "supervisors_present": Case("last", "市委第三督导组组长马骏同志到会指导",
                                lambda t: SupervisorPresent.objects.filter(record__meeting=t.last_meeting).delete()),
    "observers": Case("last", "局办公室主任刘洋列席会议", lambda t: Observer.objects.filter(
        record__meeting=t.last_meeting).delete()),
    "agenda": Case("last", "会议共有6项议程", lambda t: AgendaItem.objects.filter(
        record__meeting=t.last_meeting).delete(), "会议共有"),
    "carry_over": Case("meeting", "书面通报了2024年度民主生活会整改措施落实情况",
                       lambda t: RectificationItem.objects.filter(meeting=t.last_meeting).delete()),
    "examination": Case("last", "张明同志代表市农业农村局党组领导班子作对照检查",
                        lambda t: MeetingRecord.objects.filter(meeting=t.last_meeting).update(
                            team_examination_given=False), "代表市农业农村局党组领导班子作对照检查"),
    "criticism": Case("last", "相互提出批评意见7条", lambda t: MeetingRecord.objects.filter(
        meeting=t.last_meeting).delete(), "班子成员依次作个人对照检查发言"),
    "personal_matters": Case("last", "4名班子成员按要求说明了个人有关事项", lambda t: MemberSpeech.objects.filter(
        record__meeting=t.last_meeting).update(personal_matters="")),
    "inquiry": Case("last", "本年度班子成员未受到谈话函询", lambda t: MeetingRecord.objects.filter(
        meeting=t.last_meeting).update(inquiry_report="")),
    "supervisor_comments": Case("last", "对民主生活会作了点评", lambda t: MeetingRecord.objects.filter(
        meeting=t.last_meeting).update(supervisor_comments="")),
    "summary": Case("last", "张明同志作总结讲话：这次民主生活会开得严肃认真", lambda t: MeetingRecord.objects.filter(
        meeting=t.last_meeting).update(principal_summary=""), "会议最后，"),
    "revision": Case("last", "共修改完善1份", lambda t: Material.objects.filter(meeting=t.last_meeting).update(
        status=Status.APPROVED)),
    "rectification": Case("last", "列出整改事项2项", lambda t: RectificationItem.objects.filter(
        meeting=t.last_meeting).delete(), "制订整改方案和整改清单。"),
    "publicity": Case("last", "通过局一楼公示栏", lambda t: Notice.objects.filter(meeting=t.last_meeting).delete()),
    "archived": Case("last", "于2025年1月25日进行专盒归档", lambda t: Meeting.objects.filter(
        pk=t.last_meeting.pk).update(archived_on=None)),
    "achievements": Case("last", "经历了严格严肃的政治淬炼", lambda t: MeetingOutcome.objects.filter(
        meeting=t.last_meeting).delete()),
    "next_directions": Case("meeting", "明确整改方向，抓好整改落实", lambda t: Measure.objects.filter(
        meeting=t.meeting, member__isnull=True).delete()),
}  # fmt: skip


def record_everything(t) -> None:
    """Every fact of the table recorded once, with known values (whatever the demo holds)."""
    Meeting.objects.filter(pk=t.last_meeting.pk).update(archived_on=None)
    t.record_preparation()
    for study in StudySession.objects.filter(meeting=t.meeting, session_date=dt.date(2026, 11, 2)):
        study.form = "central_group"
        study.save()
    PlanRequest.objects.filter(meeting=t.meeting, status=RequestStatus.APPROVED).update(
        replier_body="市民主生活会督导组"
    )
    now = timezone.now()
    team = Material.objects.filter(meeting=t.meeting, owner__isnull=True).get()
    outline = Material.objects.filter(meeting=t.meeting, owner__isnull=False).first()
    Material.objects.filter(pk__in=[team.pk, outline.pk]).update(status=Status.APPROVED)
    for material, action, body in ((team, "approve", "局党组会议"), (team, "review", "市委第三督导组"),
                                   (outline, "approve", "局党组书记")):  # fmt: skip
        ReviewEvent.objects.create(material=material, action=action, actor_name="张明", status_after=Status.APPROVED,
                                   created_at=now, happened_on=dt.date(2026, 11, 10), body=body)  # fmt: skip
    Problem.objects.filter(meeting=t.meeting).update(source="opinion")
    CaseStudy.objects.update_or_create(meeting=t.meeting, defaults={"case_name": "某县农业农村局原局长严重违纪违法案",
                                       "lessons": "深刻汲取教训，筑牢拒腐防变的思想防线。"})  # fmt: skip
    last = t.last_meeting
    record = MeetingRecord.objects.get(meeting=last)
    Observer.objects.create(record=record, name="刘洋", post="局办公室主任")
    for entry in last.roster.all():
        MemberSpeech.objects.update_or_create(record=record, entry=entry, defaults={"personal_matters": "无"})
    Material.objects.filter(meeting=last).update(status=Status.APPROVED)
    Material.objects.update_or_create(meeting=last, owner=None, defaults={"kind": "team", "status": Status.REVISED})
    Notice.objects.filter(meeting=last).delete()
    Notice.objects.create(meeting=last, scope="全局党员干部", channel="局一楼公示栏", published_on=dt.date(2025, 1, 20))
    MeetingOutcome.objects.update_or_create(
        meeting=last, defaults={"achievements": "经历了严格严肃的政治淬炼。\n凝聚了团结奋进的强大合力。"}
    )
    Meeting.objects.filter(pk=last.pk).update(archived_on=dt.date(2025, 1, 25))


class FactTableTest(ReportTestCase):
    def setUp(self) -> None:
        super().setUp()
        record_everything(self)

    def report(self, which: str) -> list[str]:
        return texts(self.download(self.meeting if which == "meeting" else self.last_meeting).content)

    def test_every_fact_of_the_table_has_a_case(self):
        self.assertEqual(set(CASES), {f.key for f in FACTS})

    def test_remove_each_record_and_restore_it(self):
        self.login("preparer")
        for fact in FACTS:
            case = CASES[fact.key]
            with self.subTest(fact=fact.key):
                before = "\n".join(self.report(case.meeting))
                self.assertIn(case.value, before, "recorded: the report states the value")
                with transaction.atomic():
                    with unguarded(self.meeting.pk, self.last_meeting.pk):  # the test removes; no user could
                        case.remove(self)
                    after = self.report(case.meeting)
                    joined = "\n".join(after)
                    self.assertNotIn(case.value, joined)
                    meeting = self.meeting if case.meeting == "meeting" else self.last_meeting
                    # The case analysis is a section, but a year that requires one must state it.
                    required = fact.when_missing == REQUIRED or (
                        fact.key == "case" and meeting.config.requires_case_analysis
                    )
                    if required:
                        self.assertTrue(case.anchor, f"{fact.key}: a required fact names its paragraph")
                        was = sum(line.count(MISSING) for line in before.split("\n") if case.anchor in line)
                        now = sum(line.count(MISSING) for line in after if case.anchor in line)
                        self.assertGreater(now, was, f"{fact.key}: 【待补充】 in the paragraph with {case.anchor!r}")
                    else:
                        self.assertIn(fact.when_missing, (OPTIONAL, SECTION))
                        self.assertLessEqual(joined.count(MISSING), before.count(MISSING), f"{fact.key}: left out")
                    transaction.set_rollback(True)
                self.assertIn(case.value, "\n".join(self.report(case.meeting)), "restored: the value is back")
