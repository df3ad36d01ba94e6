from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mingjing.meetings.models import Meeting, StepCompletion
from mingjing.meetings.services import meeting_step_complete, meeting_step_sync
from mingjing.opinions.models import Campaign, Opinion
from mingjing.problems.models import Cause, Measure, Problem
from mingjing.problems.numbering import cn_numeral, paren, shi
from mingjing.problems.selectors import causes_of, measures_of, problem_counts, problems_by_aspect
from mingjing.problems.services import cause_create, measure_create, problem_create, problem_delete
from mingjing.test import DEMO_DAY, BaseTestCase
from mingjing.yearconfigs.models import Aspect


class ProblemsTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.aspects = list(Aspect.objects.filter(config_id=cls.meeting.config_id).order_by("order"))
        roster = {e.name: e for e in cls.meeting.roster.all()}
        cls.zhang, cls.lihua, cls.wangfang, cls.zhao = (roster[n] for n in ("张明", "李华", "王芳", "赵强"))

    def overview_url(self) -> str:
        return reverse("problems:overview", args=[self.meeting.pk])

    def team_url(self) -> str:
        return reverse("problems:team", args=[self.meeting.pk])

    def member_url(self, entry) -> str:
        return reverse("problems:member", args=[entry.pk])

    def create_url(self, kind: str = "problem", entry=None) -> str:
        url = reverse(f"problems:{kind}_create", args=[self.meeting.pk])
        return f"{url}?member={entry.pk}" if entry else url

    def problem(self, entry=None, aspect=0, description="问题", example="比如，……", **kwargs) -> Problem:
        return problem_create(
            actor=self.preparer,
            meeting=self.meeting,
            member=entry,
            aspect=self.aspects[aspect],
            description=description,
            example=example,
            **kwargs,
        )

    def post_problem(self, entry=None, **data):
        form = {"aspect": self.aspects[0].pk, "description": "调查研究不够深入", "example": "", "source": "self"}
        return self.client.post(self.create_url("problem", entry), {**form, **data})


class DemoAndCountsTest(ProblemsTestCase):
    def test_demo_counts_per_aspect_and_owner(self):
        counts = problem_counts(self.meeting)
        self.assertEqual([r.label for r in counts.rows], ["领导班子", "张明", "李华", "王芳", "赵强"])
        team, _, lihua, *_ = counts.rows
        self.assertEqual(team.by_aspect, [2, 1, 0, 0, 0])
        self.assertEqual(lihua.by_aspect, [1, 0, 0, 1, 0])
        self.assertEqual((team.total, team.lacking_example), (3, 1))
        self.assertEqual((counts.total, counts.lacking_example, counts.members_total), (5, 1, 2))
        self.assertEqual(list(counts.by_aspect.values()), [3, 1, 0, 1, 0])
        self.assertEqual(list(counts.by_aspect), [a.title for a in self.aspects])
        self.assertFalse(counts.complete)

    def test_overview_table_shows_counts_totals_and_links(self):
        self.login("preparer")
        page = self.client.get(self.overview_url()).content.decode()
        self.assertIn("<strong>共查摆问题5个</strong>（领导班子3个，班子成员2个）", page)
        self.assertIn('其中<span class="state-late">1个缺少具体事例</span>', page)
        team_row = page.split('id="owner-team"')[1].split("</tr>")[0]
        self.assertIn(f'href="{self.team_url()}"', team_row)
        cells = [c.split("</td>")[0] for c in team_row.split("<td>")[1:]]
        self.assertEqual(
            cells[:7], ["2", "1", "0", "0", "0", "<strong>3</strong>", '<span class="state-late">1</span>']
        )
        foot = page.split("<tfoot>")[1].split("</tfoot>")[0]
        self.assertIn("<th>5</th><th>1</th>", foot)
        for entry in (self.zhang, self.lihua, self.wangfang, self.zhao):
            self.assertIn(f'href="{self.member_url(entry)}"', page)

    def test_counts_follow_new_and_deleted_problems(self):
        p = self.problem(self.zhao, aspect=4, example="")
        counts = problem_counts(self.meeting)
        self.assertEqual(counts.by_owner[self.zhao.pk].by_aspect, [0, 0, 0, 0, 1])
        self.assertEqual(counts.lacking_example, 2)
        problem_delete(actor=self.preparer, problem=p)
        self.assertEqual(problem_counts(self.meeting).by_owner[self.zhao.pk].total, 0)

    def test_selectors_number_as_the_material_does(self):
        groups = problems_by_aspect(self.meeting, None)
        self.assertEqual(len(groups), 5)  # empty aspects kept for the skeleton
        self.assertEqual([g.number for g in groups[:2]], ["（一）", "（二）"])
        self.assertEqual([p.label for p in groups[0].problems], ["（一）一是", "（一）二是"])
        self.assertTrue(groups[0].problems[0].example.startswith("比如"))
        self.assertTrue(groups[0].problems[1].lacks_example)
        self.assertEqual([c.ordinal for c in causes_of(self.meeting, None)], ["一是", "二是", "三是"])
        measures = measures_of(self.meeting, None)
        self.assertEqual([m.ordinal for m in measures], ["（一）", "（二）"])
        self.assertEqual(len(measures[0].problems.all()), 2)
        self.assertEqual(len(problems_by_aspect(self.meeting, self.lihua, include_empty=False)), 2)
        self.assertEqual(causes_of(self.meeting, self.lihua), [])

    def test_chinese_numerals(self):
        self.assertEqual(
            [cn_numeral(n) for n in (1, 10, 11, 20, 23, 100, 101, 110)],
            list("一十") + ["十一", "二十", "二十三", "一百", "一百零一", "一百一十"],
        )
        # As the documents number (no Arabic digits past 999): 一千是, not 1000是.
        self.assertEqual([shi(1000), paren(1010)], ["一千是", "（一千零一十）"])


class OwnerPageTest(ProblemsTestCase):
    def test_team_page_groups_numbers_and_flags(self):
        self.login("member")
        page = self.client.get(self.team_url()).content.decode()
        self.assertIn("（一）" + self.aspects[0].title, page)
        self.assertIn("<strong>一是</strong>政治引领发挥不够充分", page)
        self.assertIn("<strong>二是</strong>落实上级决策部署", page)
        self.assertEqual(page.count('<span class="badge state-late">缺少具体事例</span>'), 1)
        self.assertIn("比如，今年局属单位宣传栏", page)
        self.assertIn("来源：征求意见", page)
        self.assertIn("<strong>一是政治站位高度不够。</strong>", page)
        self.assertIn("<strong>（二）强化理论武装，坚定理想信念。</strong>", page)
        self.assertIn(">（二）一是</a> 理论武装不够系统深入", page)
        self.assertIn("本方面尚未查摆问题", page)
        self.assertNotIn("新增问题", page)  # the member reads the team's page, does not edit it

    def test_problem_from_an_opinion_without_a_link_is_shown_not_blocked(self):
        if Opinion.objects.filter(campaign__meeting=self.meeting, target__isnull=True).exists():
            Problem.objects.filter(source="opinion").first().opinions.clear()
        self.login("principal")
        page = self.client.get(self.team_url()).content.decode()
        self.assertIn("（尚未关联具体意见）", page)

    def test_member_page_visibility_before_and_after_the_meeting(self):
        self.login("member")
        self.assertEqual(self.client.get(self.member_url(self.lihua)).status_code, 200)
        self.assertEqual(self.client.get(self.member_url(self.wangfang)).status_code, 403)
        overview = self.client.get(self.overview_url()).content.decode()
        self.assertIn(f'href="{self.member_url(self.lihua)}"', overview)
        self.assertNotIn(f'href="{self.member_url(self.wangfang)}"', overview)
        self.assertIn("会前，班子成员个人的查摆问题只有本人", overview)
        for persona in ("principal", "preparer", "supervisor", "superior"):
            self.login(persona)
            self.assertEqual(self.client.get(self.member_url(self.wangfang)).status_code, 200, persona)
        meeting_step_sync(meeting=self.meeting, step="meeting", done_on=DEMO_DAY)  # as finalised minutes do
        self.login("member")
        self.assertEqual(self.client.get(self.member_url(self.wangfang)).status_code, 200)
        self.assertIn(f'href="{self.member_url(self.wangfang)}"', self.client.get(self.overview_url()).content.decode())

    def test_outsider_sees_nothing(self):
        self.login("outsider")
        problem = Problem.objects.filter(meeting=self.meeting).first()
        for url in (
            self.overview_url(),
            self.team_url(),
            self.member_url(self.lihua),
            self.create_url(),
            reverse("problems:problem_edit", args=[problem.pk]),
        ):
            self.assertEqual(self.client.get(url).status_code, 404, url)
        self.assertEqual(self.client.post(reverse("problems:problem_delete", args=[problem.pk])).status_code, 404)
        self.assertTrue(Problem.objects.filter(pk=problem.pk).exists())


class EditingRightsTest(ProblemsTestCase):
    def test_member_adds_and_edits_his_own(self):
        self.login("member")
        response = self.post_problem(self.lihua, example="比如，今年分管科室调研仅2次。", source="talk")
        self.assertEqual(response.status_code, 302)
        problem = Problem.objects.filter(member=self.lihua).latest("id")
        self.assertEqual((problem.source, problem.example), ("talk", "比如，今年分管科室调研仅2次。"))
        self.assertEqual(problem.order, 3)  # after his two demo problems
        self.assertTrue(response["Location"].startswith(self.member_url(self.lihua)))
        url = reverse("problems:problem_edit", args=[problem.pk])
        form = {
            "aspect": self.aspects[1].pk,
            "description": "调查研究不够深入、不够经常",
            "example": "",
            "source": "talk",
        }
        self.assertEqual(self.client.post(url, form).status_code, 302)
        problem.refresh_from_db()
        self.assertEqual((problem.aspect, problem.example), (self.aspects[1], ""))
        self.problem(self.lihua, aspect=1, description="更早的问题")
        self.client.post(url, {**form, "aspect": self.aspects[0].pk})
        self.client.post(url, {**form, "aspect": self.aspects[1].pk})  # back: now after 更早的问题
        groups = problems_by_aspect(self.meeting, self.lihua)
        self.assertEqual([p.description for p in groups[1].problems], ["更早的问题", "调查研究不够深入、不够经常"])
        page = self.client.get(self.member_url(self.lihua)).content.decode()
        self.assertIn("调查研究不够深入、不够经常", page)
        self.assertIn("新增问题", page)

    def test_member_gets_403_on_another_members_and_the_teams(self):
        other = self.problem(self.wangfang)
        self.login("member")
        self.assertEqual(self.post_problem(self.wangfang).status_code, 403)
        self.assertEqual(self.post_problem(None).status_code, 403)
        self.assertEqual(self.client.get(reverse("problems:problem_edit", args=[other.pk])).status_code, 403)
        self.assertEqual(self.client.post(reverse("problems:problem_delete", args=[other.pk])).status_code, 403)
        team_problem = Problem.objects.filter(meeting=self.meeting, member=None).first()
        move = reverse("problems:problem_move", args=[team_problem.pk])
        self.assertEqual(self.client.post(move, {"direction": "down"}).status_code, 403)
        cause = Cause.objects.filter(meeting=self.meeting, member=None).first()
        self.assertEqual(self.client.get(reverse("problems:cause_edit", args=[cause.pk])).status_code, 403)
        self.assertEqual(Problem.objects.filter(member=self.wangfang).count(), 1)
        self.assertTrue(Problem.objects.filter(pk=other.pk).exists())

    def test_principal_edits_the_teams_but_not_a_members(self):
        self.login("principal")
        response = self.post_problem(
            None, description="班子调查研究不够深入", example="比如，今年班子成员到基层调研人均不足6次。"
        )
        self.assertEqual(response.status_code, 302)
        self.assertTrue(Problem.objects.filter(member=None, description="班子调查研究不够深入").exists())
        response = self.client.post(self.create_url("cause"), {"heading": "宗旨意识有所淡化", "text": "深入基层不够。"})
        self.assertEqual(response.status_code, 302)
        self.assertEqual([c.heading for c in causes_of(self.meeting, None)][-1], "宗旨意识有所淡化")
        lihua_problem = Problem.objects.filter(member=self.lihua).first()
        self.assertEqual(self.client.get(reverse("problems:problem_edit", args=[lihua_problem.pk])).status_code, 403)
        self.assertEqual(self.post_problem(self.lihua).status_code, 403)

    def test_preparer_edits_everyones(self):
        self.login("preparer")
        self.assertEqual(self.post_problem(self.wangfang, example="比如，……").status_code, 302)
        problem = Problem.objects.get(member=self.wangfang)
        response = self.client.post(
            self.create_url("measure", self.wangfang),
            {"heading": "加强调查研究", "text": "每月到分管科室调研一次。", "problems": [problem.pk]},
        )
        self.assertEqual(response.status_code, 302)
        measure = Measure.objects.get(member=self.wangfang)
        self.assertEqual(list(measure.problems.all()), [problem])
        page = self.client.get(self.member_url(self.wangfang)).content.decode()
        self.assertIn(">（一）一是</a> 调查研究不够深入", page)
        self.client.post(reverse("problems:measure_delete", args=[measure.pk]))
        self.client.post(reverse("problems:problem_delete", args=[problem.pk]))
        self.assertFalse(Problem.objects.filter(member=self.wangfang).exists())

    def test_supervisor_reads_but_does_not_edit(self):
        self.login("supervisor")
        self.assertEqual(self.client.get(self.team_url()).status_code, 200)
        self.assertEqual(self.post_problem(None).status_code, 403)


class InputTest(ProblemsTestCase):
    def test_missing_example_is_flagged_not_blocked(self):
        self.login("member")
        self.post_problem(self.lihua, description="新问题没有事例", example="比如，")
        problem = Problem.objects.get(description="新问题没有事例")
        self.assertEqual(problem.example, "")  # a bare "比如，" is no example
        page = self.client.get(self.member_url(self.lihua)).content.decode()
        card = page.split(f'id="problem-{problem.pk}"')[1].split('<div class="card')[0]
        self.assertIn("缺少具体事例", card)
        self.assertIn("1个缺少具体事例", page)
        self.assertEqual(problem_counts(self.meeting).by_owner[self.lihua.pk].lacking_example, 1)

    def test_bad_input_is_explained_on_the_field(self):
        self.login("member")
        response = self.post_problem(self.lihua, description="  ", aspect="")
        self.assertContains(response, "问题表现：")
        self.assertContains(response, "重点方面：")
        other_aspect = Aspect.objects.exclude(config_id=self.meeting.config_id).first()
        response = self.post_problem(self.lihua, aspect=other_aspect.pk)
        self.assertContains(response, "重点方面：")
        response = self.client.post(self.create_url("cause", self.lihua), {"heading": "", "text": "剖析"})
        self.assertContains(response, "标题：")
        self.assertEqual(Problem.objects.filter(member=self.lihua).count(), 2)

    def test_services_refuse_records_of_other_meetings_and_owners(self):
        with self.assertRaisesMessage(ValidationError, "只能选择本次会议年度配置中的重点方面"):
            problem_create(
                actor=None,
                meeting=self.meeting,
                member=None,
                aspect=Aspect.objects.exclude(config_id=self.meeting.config_id).first(),
                description="问题",
            )
        with self.assertRaisesMessage(ValidationError, "只能选择本次会议班子名单中的成员"):
            cause_create(
                actor=None,
                meeting=self.meeting,
                member=self.last_meeting.roster.get(name="李华"),
                heading="标题",
                text="剖析",
            )
        team_problem = Problem.objects.filter(meeting=self.meeting, member=None).first()
        with self.assertRaisesMessage(ValidationError, "只能选择同一对象"):
            measure_create(
                actor=None,
                meeting=self.meeting,
                member=self.lihua,
                heading="方向",
                text="措施",
                problems=[team_problem],
            )

    def test_measure_form_offers_only_the_owners_problems(self):
        self.login("member")
        page = self.client.get(self.create_url("measure", self.lihua)).content.decode()
        self.assertIn("（一）一是 政治理论学习不够深入", page)
        self.assertIn("（四）一是 攻坚克难的办法不多", page)
        self.assertNotIn("政治引领发挥不够充分", page)
        team_problem = Problem.objects.filter(meeting=self.meeting, member=None).first()
        response = self.client.post(
            self.create_url("measure", self.lihua), {"heading": "方向", "text": "措施", "problems": [team_problem.pk]}
        )
        self.assertContains(response, "针对的问题：")
        self.assertFalse(Measure.objects.filter(member=self.lihua).exists())


class OpinionLinkTest(ProblemsTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        campaign = Campaign.objects.create(
            meeting=cls.meeting,
            title="测试征求意见",
            opens_on=DEMO_DAY,
            closes_on=DEMO_DAY,
            public_token="problems-test",
        )

        def opinion(text, target):
            return Opinion.objects.create(campaign=campaign, text=text, target=target, received_on=DEMO_DAY)

        cls.on_team = opinion("对班子：调研不够深入", None)
        cls.on_lihua = opinion("对李华：分管领域办法不多", cls.lihua)
        cls.on_wangfang = opinion("对王芳：联系基层不够", cls.wangfang)

    def test_member_links_opinions_on_himself_first_and_never_sees_others(self):
        self.login("member")
        page = self.client.get(self.create_url("problem", self.lihua)).content.decode()
        self.assertIn("对李华：分管领域办法不多", page)
        self.assertIn("对班子：调研不够深入", page)
        self.assertNotIn("对王芳：联系基层不够", page)
        self.assertLess(page.index("对李华：分管领域办法不多"), page.index("对班子：调研不够深入"))
        self.post_problem(self.lihua, description="带意见的问题", source="opinion", opinions=[self.on_lihua.pk])
        problem = Problem.objects.get(description="带意见的问题")
        self.assertEqual(list(problem.opinions.all()), [self.on_lihua])
        page = self.client.get(self.member_url(self.lihua)).content.decode()
        self.assertIn("相关意见（对李华）：对李华：分管领域办法不多", page)
        # An opinion he may not choose is refused.
        response = self.post_problem(self.lihua, description="越权关联", opinions=[self.on_wangfang.pk])
        self.assertContains(response, "相关意见：")

    def test_links_made_by_the_preparer_survive_the_members_edit(self):
        problem = self.problem(self.lihua, description="由党务人员关联", opinions=[self.on_wangfang, self.on_lihua])
        self.login("member")
        url = reverse("problems:problem_edit", args=[problem.pk])
        page = self.client.get(url).content.decode()
        self.assertIn("另有1条已关联的意见", page)
        form = {"aspect": self.aspects[0].pk, "description": "由党务人员关联", "example": "比如，……", "source": "self"}
        self.assertEqual(self.client.post(url, form).status_code, 302)
        self.assertEqual(list(problem.opinions.order_by("id")), [self.on_wangfang])

    def test_a_member_reads_linked_opinions_on_colleagues_only_as_a_note(self):
        problem = self.problem(None, description="班子问题带意见", opinions=[self.on_wangfang, self.on_team])
        self.login("member")
        page = self.client.get(self.team_url()).content.decode()
        card = page.split(f'id="problem-{problem.pk}"')[1].split('<div class="card')[0]
        self.assertIn("对班子：调研不够深入", card)
        self.assertNotIn("对王芳：联系基层不够", card)
        self.assertIn('相关意见（对王芳）：<span class="muted">内容仅本人', card)
        self.login("principal")
        self.assertIn("对王芳：联系基层不够", self.client.get(self.team_url()).content.decode())

    def test_archiving_freezes_edits_not_what_the_preparer_and_the_supervisor_read(self):
        problem = self.problem(self.wangfang, description="会前草稿", opinions=[self.on_wangfang])
        team_problem = self.problem(None, description="班子问题带意见", opinions=[self.on_lihua])
        Meeting.objects.filter(pk=self.meeting.pk).update(archived_on=DEMO_DAY)  # archived, never marked held
        for persona in ("preparer", "supervisor"):
            self.login(persona)
            page = self.client.get(self.member_url(self.wangfang)).content.decode()
            self.assertIn("对王芳：联系基层不够", page, persona)
            self.assertNotIn(reverse("problems:problem_edit", args=[problem.pk]), page, persona)
            self.assertIn("对李华：分管领域办法不多", self.client.get(self.team_url()).content.decode(), persona)
            overview = self.client.get(self.overview_url()).content.decode()
            self.assertIn(f'href="{self.member_url(self.wangfang)}"', overview, persona)
        self.assertEqual(self.client.get(reverse("problems:problem_edit", args=[team_problem.pk])).status_code, 403)

    def test_preparer_chooses_among_all_with_the_owners_first(self):
        self.login("preparer")
        page = self.client.get(self.create_url("problem", self.wangfang)).content.decode()
        order = [page.index(t) for t in ("对王芳：联系基层不够", "对班子：调研不够深入", "对李华：分管领域办法不多")]
        self.assertEqual(order, sorted(order))


class ReorderAndHistoryTest(ProblemsTestCase):
    def test_move_up_and_down_within_an_aspect(self):
        a = self.problem(self.zhao, description="甲问题")
        self.problem(self.zhao, aspect=1, description="乙问题")
        c = self.problem(self.zhao, description="丙问题")
        self.login("preparer")
        response = self.client.post(reverse("problems:problem_move", args=[c.pk]), {"direction": "up"})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].endswith(f"#problem-{c.pk}"))
        groups = problems_by_aspect(self.meeting, self.zhao, include_empty=False)
        self.assertEqual([p.description for p in groups[0].problems], ["丙问题", "甲问题"])
        page = self.client.get(self.member_url(self.zhao)).content.decode()
        self.assertLess(page.index("<strong>一是</strong>丙问题"), page.index("<strong>二是</strong>甲问题"))
        # Already first: nothing moves, and the user is told so.
        response = self.client.post(reverse("problems:problem_move", args=[c.pk]), {"direction": "up"}, follow=True)
        self.assertContains(response, "已在最前")
        self.client.post(reverse("problems:problem_move", args=[c.pk]), {"direction": "down"})
        groups = problems_by_aspect(self.meeting, self.zhao, include_empty=False)
        self.assertEqual([p.description for p in groups[0].problems], ["甲问题", "丙问题"])
        history = self.client.get(reverse("problems:problem_edit", args=[c.pk])).content.decode()
        self.assertIn("将查摆问题“丙问题”上移一位", history)
        self.assertIn("将查摆问题“丙问题”下移一位", history)
        self.assertEqual(a.pk, groups[0].problems[0].pk)

    def test_causes_and_measures_reorder(self):
        self.login("principal")
        causes = causes_of(self.meeting, None)
        self.client.post(reverse("problems:cause_move", args=[causes[2].pk]), {"direction": "up"})
        self.assertEqual(
            [c.heading for c in causes_of(self.meeting, None)],
            ["政治站位高度不够", "纪律意识没有绷紧", "宗旨意识有所淡化"],
        )
        measures = measures_of(self.meeting, None)
        self.client.post(reverse("problems:measure_move", args=[measures[0].pk]), {"direction": "down"})
        self.assertEqual(
            [m.ordinal + m.heading for m in measures_of(self.meeting, None)][0], "（一）强化理论武装，坚定理想信念"
        )
        response = self.client.post(reverse("problems:measure_move", args=[measures[0].pk]), {"direction": "sideways"})
        self.assertEqual(response.status_code, 302)

    def test_edits_are_audited_in_plain_chinese(self):
        problem = Problem.objects.filter(meeting=self.meeting, member=None, example="").get()
        self.login("principal")
        url = reverse("problems:problem_edit", args=[problem.pk])
        form = {
            "aspect": problem.aspect_id,
            "description": problem.description,
            "example": "比如，市级有关部署在分管科室落实时被简化为转发文件。",
            "source": "opinion",
        }
        self.client.post(url, form)
        page = self.client.get(url).content.decode()
        self.assertIn("将具体事例（比如…）由“（空）”改为“比如，市级有关部署在分管科室落实时被简化为转发文件。”", page)
        self.assertIn("创建了查摆问题", page)
        self.assertIn("张明", page)
        measure = Measure.objects.filter(meeting=self.meeting, member=None).first()
        url = reverse("problems:measure_edit", args=[measure.pk])
        self.client.post(url, {"heading": measure.heading, "text": measure.text, "problems": []})
        self.assertIn("将针对的问题由“", self.client.get(url).content.decode())


class TimelineTest(ProblemsTestCase):
    def step(self):
        return StepCompletion.objects.filter(meeting=self.meeting, step="problems").first()

    def test_step_completes_when_the_team_and_every_member_have_a_problem(self):
        self.assertIsNone(self.step())
        self.problem(self.zhang)
        self.problem(self.wangfang)
        self.assertIsNone(self.step())
        last = self.problem(self.zhao)
        step = self.step()
        self.assertIsNotNone(step)
        self.assertIsNone(step.completed_by_id)
        first_date = step.completed_on
        self.problem(self.zhao, description="再一个")
        self.assertEqual(self.step().completed_on, first_date)
        problem_delete(actor=self.preparer, problem=last)
        self.assertIsNotNone(self.step())  # 赵强 still has one
        problem_delete(actor=self.preparer, problem=Problem.objects.get(member=self.zhao))
        self.assertIsNone(self.step())

    def test_the_step_cannot_be_marked_by_hand(self):
        with self.assertRaisesMessage(ValidationError, "不能手动标记"):
            meeting_step_complete(actor=self.preparer, meeting=self.meeting, step="problems", completed_on=DEMO_DAY)
        self.assertIsNone(self.step())


class QueryCountTest(ProblemsTestCase):
    def add(self, start: int, stop: int) -> None:
        owners = [None, self.zhang, self.lihua, self.wangfang, self.zhao]
        for i in range(start, stop):
            owner = owners[i % 5]
            p = self.problem(owner, aspect=i % 5, description=f"问题{i}", example="" if i % 3 else "比如，……")
            if i < 5 or i % 4 == 0:  # every owner has a measure and a cause at both sizes
                measure_create(
                    actor=None, meeting=self.meeting, member=owner, heading=f"方向{i}", text="措施", problems=[p]
                )
                cause_create(actor=None, meeting=self.meeting, member=owner, heading=f"原因{i}", text="剖析")

    def assert_fixed(self, url: str, expected: int, shows) -> None:
        self.add(0, 10)
        self.assertContains(self.client.get(url), shows(9))
        with CaptureQueriesContext(connection) as small:
            self.client.get(url)
        self.add(10, 200)
        with CaptureQueriesContext(connection) as large:
            response = self.client.get(url)
        self.assertContains(response, shows(199))
        self.assertEqual(len(small), len(large), [q["sql"] for q in large.captured_queries])
        self.assertEqual(len(small), expected)

    def test_the_sheet_in_pages_of_fifty_linked_across_pages(self):
        """Past 50 problems the team's sheet is read a page at a time: each page shows 50 under their
        aspects' headings, numbered as on the whole sheet; a measure links to the page of its problem;
        saving a problem leads back to its page; page 1 runs the same queries at 60 and 260 problems."""
        self.login("principal")
        url = self.team_url()
        for i in range(60):
            self.problem(None, aspect=i % 5, description=f"团队问题{i:03d}")
        first = self.client.get(url).content.decode()
        self.assertEqual(first.count('class="card problem"'), 50)
        self.assertIn("查摆问题", first)
        self.assertIn("?page=2", first)
        second = self.client.get(url + "?page=2").content.decode()
        problem_ids = re.findall(r'class="card problem" id="problem-(\d+)"', second)
        self.assertTrue(problem_ids)
        self.assertIn(f"<h3>{paren(5)}{self.aspects[4].title}</h3>", second)  # the heading repeated on page 2
        on_second = Problem.objects.get(pk=problem_ids[-1])
        measure_create(
            actor=None, meeting=self.meeting, member=None, heading="第二页问题的方向", text="措施", problems=[on_second]
        )
        first = self.client.get(url).content.decode()
        self.assertIn(f'href="?page=2#problem-{on_second.pk}"', first)
        response = self.client.post(
            reverse("problems:problem_edit", args=[on_second.pk]),
            {"aspect": on_second.aspect_id, "description": "改过的问题", "example": "比如，……", "source": "self"},
        )
        self.assertRedirects(response, f"{url}?page=2#problem-{on_second.pk}", fetch_redirect_response=False)
        with CaptureQueriesContext(connection) as small:
            self.client.get(url)
        for i in range(60, 260):
            self.problem(None, aspect=i % 5, description=f"团队问题{i:03d}")
        with CaptureQueriesContext(connection) as large:
            first = self.client.get(url).content.decode()
        self.assertEqual(len(small), len(large))
        self.assertEqual(first.count('class="card problem"'), 50)
        self.assertIn("查摆问题26", first)  # the summary counts the whole sheet (the demo's own too)

    def test_overview(self):
        self.login("preparer")
        # 3 (session, user, roles) + meeting + its step completions + supervisor assignment + own
        # roster entry + aspects + roster + grouped counts
        self.assert_fixed(self.overview_url(), 8, lambda i: f"<strong>共查摆问题{i + 6}个</strong>")

    def test_team_page(self):
        self.login("principal")
        # 3 + meeting + completions + own entry + aspects + problems + their opinions + their
        # measures + measures + measures' problems + causes (the principal's rights need no
        # 督导组 assignment lookup) + the sheet's order (problems, measures) and its causes' count
        self.assert_fixed(self.team_url(), 16, lambda i: f"问题{i - i % 5}")

    def test_member_page(self):
        self.login("member")
        # 3 + entry (with meeting) + assignment + own entry + aspects + problems + opinions +
        # measures + measures + their problems + causes + the sheet's order and its causes' count
        self.assert_fixed(self.member_url(self.lihua), 16, lambda i: f"问题{i - i % 5 + 2}")
