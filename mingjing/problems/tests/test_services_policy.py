"""The problems services ask the policy (Ability.EDIT_FOR) with their actor: called directly — as a
page, the CLI or an import would — they refuse an actor who may not edit the owner's records,
instead of trusting the caller to have checked."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from mingjing.accounts.policy import forget_policies
from mingjing.meetings.models import Meeting
from mingjing.problems.models import Cause, Measure, Problem
from mingjing.problems.services import (
    cause_create,
    cause_delete,
    cause_update,
    measure_create,
    measure_delete,
    measure_update,
    problem_create,
    problem_delete,
    problem_update,
    record_move,
)
from mingjing.test import DEMO_DAY, BaseTestCase
from mingjing.yearconfigs.models import Aspect

EDIT_FOR_MESSAGE = "只有本人或党务工作人员可以修改此记录"


class ProblemServicesAskThePolicyTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.aspect = Aspect.objects.filter(config_id=cls.meeting.config_id).order_by("order").first()
        roster = {e.name: e for e in cls.meeting.roster.all()}
        cls.lihua, cls.wangfang = roster["李华"], roster["王芳"]

    def records_of(self, owner):
        """One problem, cause and measure of `owner` (two problems, so a move has somewhere to go)."""
        problems = [
            problem_create(
                actor=self.preparer,
                meeting=self.meeting,
                member=owner,
                aspect=self.aspect,
                description=f"问题{i}",
                example="比如，……",
            )  # fmt: skip
            for i in (1, 2)
        ]
        cause = cause_create(actor=self.preparer, meeting=self.meeting, member=owner, heading="原因", text="剖析")
        measure = measure_create(actor=self.preparer, meeting=self.meeting, member=owner, heading="措施", text="做法")
        return problems[1], cause, measure

    def attempts(self, actor, owner, problem, cause, measure):
        m = self.meeting
        return {
            "problem_create": lambda: problem_create(
                actor=actor, meeting=m, member=owner, aspect=self.aspect, description="代写", example=""
            ),
            "problem_update": lambda: problem_update(actor=actor, problem=problem, data={"description": "改写"}),
            "problem_delete": lambda: problem_delete(actor=actor, problem=problem),
            "problem_move": lambda: record_move(actor=actor, obj=problem, direction="up"),
            "cause_create": lambda: cause_create(actor=actor, meeting=m, member=owner, heading="代写", text="代写"),
            "cause_update": lambda: cause_update(actor=actor, cause=cause, data={"text": "改写"}),
            "cause_delete": lambda: cause_delete(actor=actor, cause=cause),
            "cause_move": lambda: record_move(actor=actor, obj=cause, direction="down"),
            "measure_create": lambda: measure_create(actor=actor, meeting=m, member=owner, heading="代写", text="代写"),
            "measure_update": lambda: measure_update(actor=actor, measure=measure, data={"text": "改写"}),
            "measure_delete": lambda: measure_delete(actor=actor, measure=measure),
            "measure_move": lambda: record_move(actor=actor, obj=measure, direction="down"),
        }

    def snapshot(self):
        return [
            sorted(model.objects.filter(meeting=self.meeting).values_list("pk", "order", *fields))
            for model, fields in ((Problem, ("description",)), (Cause, ("text",)), (Measure, ("text",)))
        ]

    def assert_refused(self, actor, owner, message=EDIT_FOR_MESSAGE):
        records = self.records_of(owner)
        before = self.snapshot()
        for name, attempt in self.attempts(actor, owner, *records).items():
            with self.subTest(name), self.assertRaisesMessage(PermissionDenied, message):
                attempt()
        self.assertEqual(self.snapshot(), before)

    def test_a_member_cannot_write_another_members_records(self):
        self.assert_refused(self.member, self.wangfang)

    def test_a_member_cannot_write_the_teams_records_nor_the_principal_a_members(self):
        self.assert_refused(self.member, None)
        self.assert_refused(self.principal, self.lihua)

    def test_the_supervisor_and_the_superior_only_read(self):
        self.assert_refused(self.supervisor, None)
        self.assert_refused(self.superior, self.lihua)

    def test_an_archived_meeting_refuses_even_the_preparer(self):
        records = self.records_of(self.lihua)
        Meeting.objects.filter(pk=self.meeting.pk).update(archived_on=DEMO_DAY)
        self.meeting.refresh_from_db()
        forget_policies(self.meeting)
        for name, attempt in self.attempts(self.preparer, self.lihua, *records).items():
            with self.subTest(name), self.assertRaisesMessage(PermissionDenied, "已归档"):
                attempt()

    def test_the_owner_and_the_preparer_still_write(self):
        problem, cause, measure = self.records_of(self.lihua)
        problem_update(actor=self.member, problem=problem, data={"description": "本人改写"})
        self.assertTrue(record_move(actor=self.member, obj=problem, direction="up"))
        cause_update(actor=self.member, cause=cause, data={"text": "本人剖析"})
        measure_delete(actor=self.preparer, measure=measure)
        created = problem_create(actor=self.member, meeting=self.meeting, member=self.lihua, aspect=self.aspect,
                                 description="本人新增", example="")  # fmt: skip
        self.assertEqual(created.member, self.lihua)
        self.assertEqual(Problem.objects.get(pk=problem.pk).description, "本人改写")
