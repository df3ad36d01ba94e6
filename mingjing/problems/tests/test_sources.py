"""Problem sources come from the meeting's year configuration: a unit offers 对照党章党规 or 调研,
or stops offering one; a problem that has a source no longer offered keeps it."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from mingjing.problems.models import Problem
from mingjing.problems.services import problem_create, problem_update
from mingjing.problems.tests.test_bulk import sheet
from mingjing.test import BaseTestCase
from mingjing.yearconfigs.models import Aspect, YearConfig


class ProblemSourcesTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.aspect = Aspect.objects.filter(config_id=cls.meeting.config_id, retired=False).order_by("order").first()

    def offer(self, *codes: str) -> None:
        YearConfig.objects.filter(pk=self.meeting.config_id).update(problem_sources=list(codes))
        self.meeting.config.refresh_from_db()

    def form_data(self, source: str) -> dict:
        return {"aspect": self.aspect.pk, "description": "对照党章查找的问题", "example": "", "source": source}

    def test_configs_offer_the_old_sources_by_default(self):
        config = YearConfig.objects.get(pk=self.meeting.config_id)
        self.assertEqual(config.problem_sources, ["opinion", "talk", "study", "inspection", "superior", "self"])

    def test_a_source_the_config_adds_is_offered_and_saved(self):
        self.offer("opinion", "self", "charter", "research")
        self.login("preparer")
        url = reverse("problems:problem_create", args=[self.meeting.pk])
        page = self.client.get(url).content.decode()
        self.assertIn("对照党章党规", page)
        self.assertIn("调研", page)
        self.assertNotIn("谈心谈话</option>", page)
        self.client.post(url, self.form_data("charter"))
        problem = Problem.objects.get(meeting=self.meeting, description="对照党章查找的问题")
        self.assertEqual(problem.source, "charter")
        self.assertEqual(problem.get_source_display(), "对照党章党规")

    def test_a_source_the_config_does_not_offer_is_refused(self):
        self.offer("opinion", "self")
        self.login("preparer")
        response = self.client.post(reverse("problems:problem_create", args=[self.meeting.pk]), self.form_data("talk"))
        self.assertEqual(response.status_code, 200)
        self.assertFalse(Problem.objects.filter(description="对照党章查找的问题").exists())
        with self.assertRaises(ValidationError) as caught:
            problem_create(
                actor=self.preparer,
                meeting=self.meeting,
                member=None,
                aspect=self.aspect,
                description="服务直接写入",
                source="talk",
            )
        self.assertIn(
            "“谈心谈话”不正确：不是本次会议可选的问题来源，可填：征求意见、自己查摆",
            caught.exception.message_dict["source"][0],
        )

    def test_a_problem_keeps_a_source_no_longer_offered(self):
        problem = problem_create(
            actor=self.preparer,
            meeting=self.meeting,
            member=None,
            aspect=self.aspect,
            description="旧来源的问题",
            source="talk",
        )
        self.offer("opinion", "self")
        self.login("preparer")
        page = self.client.get(reverse("problems:problem_edit", args=[problem.pk])).content.decode()
        self.assertIn("谈心谈话", page)
        problem_update(actor=self.preparer, problem=problem, data={"description": "旧来源的问题（改）"})
        problem.refresh_from_db()
        self.assertEqual((problem.description, problem.source), ("旧来源的问题（改）", "talk"))

    def test_the_import_takes_the_configs_sources(self):
        self.offer("opinion", "self", "research")
        self.login("preparer")
        template = self.client.get(reverse("problems:import_template", args=[self.meeting.pk]))
        notes = " ".join(
            str(c.value)
            for row in load_workbook(io.BytesIO(template.content))["填写说明"].iter_rows()
            for c in row
            if c.value
        )
        self.assertIn("征求意见、自己查摆、调研", notes)
        url = reverse("problems:import", args=[self.meeting.pk])
        response = self.client.post(url, {"file": sheet(["领导班子", "1", "谈心谈话里的问题", "", "谈心谈话"])})
        self.assertContains(response, "第2行「问题来源」：“谈心谈话”不正确：不是本次会议可选的问题来源")
        self.client.post(url, {"file": sheet(["领导班子", "1", "调研发现的问题", "", "调研"])})
        self.assertEqual(Problem.objects.get(description="调研发现的问题").source, "research")

    def test_the_several_rows_page_offers_the_configs_sources(self):
        self.offer("self", "charter")
        self.login("preparer")
        page = self.client.get(reverse("problems:batch", args=[self.meeting.pk])).content.decode()
        self.assertIn("对照党章党规", page)
        self.assertNotIn("征求意见</option>", page)
