"""Bulk entry of problems (from .xlsx and several rows on one page), the text limits, and the
problems pages' fixed query counts; driven through the pages as the preparer and members use them."""

from __future__ import annotations

import io

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from mingjing.audit.models import AuditEvent
from mingjing.lib.xlsx import write_sheet
from mingjing.problems.importing import COLUMNS
from mingjing.problems.models import Problem
from mingjing.problems.services import cause_create, problem_create, problem_update
from mingjing.test import BaseTestCase
from mingjing.yearconfigs.models import Aspect

LONG = "长" * 1001


def sheet(*rows) -> SimpleUploadedFile:
    content = write_sheet(COLUMNS, rows, title="查摆问题")
    return SimpleUploadedFile("问题.xlsx", content)


class ProblemBulkTestCase(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.aspects = list(Aspect.objects.filter(config_id=cls.meeting.config_id).order_by("order"))
        roster = {e.name: e for e in cls.meeting.roster.all()}
        cls.lihua, cls.wangfang = roster["李华"], roster["王芳"]
        cls.import_url = reverse("problems:import", args=[cls.meeting.pk])
        cls.batch_url = reverse("problems:batch", args=[cls.meeting.pk])

    def upload(self, *rows):
        return self.client.post(self.import_url, {"file": sheet(*rows)})

    def count(self) -> int:
        return Problem.objects.filter(meeting=self.meeting).count()


class ProblemImportTest(ProblemBulkTestCase):
    def test_template_names_the_columns_and_this_meetings_names(self):
        self.login("preparer")
        response = self.client.get(reverse("problems:import_template", args=[self.meeting.pk]))
        self.assertEqual(response.status_code, 200)
        wb = load_workbook(io.BytesIO(response.content))
        self.assertEqual([c.value for c in wb.worksheets[0][1]], list(COLUMNS))
        notes = " ".join(str(c.value) for row in wb["填写说明"].iter_rows() for c in row if c.value)
        self.assertIn("李华", notes)
        self.assertIn(self.aspects[0].title, notes)
        self.assertIn("最多1000字", notes)

    def test_a_sheet_imports_for_the_team_and_members_in_one_go(self):
        self.login("preparer")
        before, events = self.count(), AuditEvent.objects.count()
        response = self.upload(
            ["领导班子", "1", "导入的班子问题", "比如，……", "征求意见"],
            ["李华同志", self.aspects[1].title, "导入的李华问题", "", ""],
            ["王芳", "2", "导入的王芳问题", "比如，某某", "谈心谈话"],
        )
        self.assertRedirects(response, reverse("problems:overview", args=[self.meeting.pk]))
        self.assertEqual(self.count(), before + 3)
        lihua = Problem.objects.get(description="导入的李华问题")
        self.assertEqual((lihua.member, lihua.aspect, lihua.source), (self.lihua, self.aspects[1], "self"))
        self.assertEqual(Problem.objects.get(description="导入的王芳问题").source, "talk")
        self.assertEqual(AuditEvent.objects.count(), events + 1)
        page = self.client.get(reverse("problems:member", args=[self.lihua.pk])).content.decode()
        self.assertIn("导入的李华问题", page)

    def test_one_bad_row_imports_nothing_and_errors_name_row_and_column(self):
        self.login("preparer")
        before = self.count()
        response = self.upload(
            ["领导班子", "1", "好的一行", "", ""],
            ["张三", "1", "对象不在名单", "", ""],
            ["李华", "9", "方面不存在", "", ""],
            ["李华", "1", LONG, "", ""],
            ["李华", "1", "", "", "道听途说"],
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.count(), before)
        self.assertContains(response, "第3行「对象」：“张三”不是本次会议班子名单中的成员")
        self.assertContains(response, "第4行「重点方面」：“9”不是本年度的重点方面")
        self.assertContains(response, "第5行「问题表现」：问题表现最多1000字（现有1001字）")
        self.assertContains(response, "第6行「问题表现」：请填写问题表现")
        self.assertContains(response, "第6行「问题来源」：“道听途说”不正确")

    def test_a_member_imports_only_his_own_rows(self):
        self.login("member")
        before = self.count()
        response = self.upload(["李华", "1", "我的问题", "", ""], ["王芳", "1", "替别人写", "", ""])
        self.assertEqual(self.count(), before)
        self.assertContains(response, "第3行「对象」：不能录入王芳的问题：只有本人或党务工作人员可以修改此记录")
        response = self.upload(["李华", "1", "我的问题", "", ""])
        self.assertEqual(self.count(), before + 1)

    def test_readers_cannot_import(self):
        self.login("supervisor")
        self.assertEqual(self.upload(["领导班子", "1", "督导组写的", "", ""]).status_code, 403)
        self.assertFalse(Problem.objects.filter(description="督导组写的").exists())

    def test_not_a_sheet(self):
        self.login("preparer")
        response = self.client.post(self.import_url, {"file": SimpleUploadedFile("a.xlsx", b"not a zip")})
        self.assertContains(response, "文件不是有效的 .xlsx 表格")


class ProblemBatchPageTest(ProblemBulkTestCase):
    def post_rows(self, rows, member=None):
        data = {"rows-TOTAL_FORMS": str(len(rows)), "rows-INITIAL_FORMS": "0"}
        for i, row in enumerate(rows):
            data.update({f"rows-{i}-{k}": v for k, v in row.items()})
            data.setdefault(f"rows-{i}-source", "self")
        query = f"?member={member.pk}" if member else ""
        return self.client.post(self.batch_url + query, data)

    def test_a_member_enters_several_problems_on_one_page(self):
        self.login("member")
        page = self.client.get(f"{self.batch_url}?member={self.lihua.pk}")
        self.assertContains(page, "第10行")
        self.assertContains(page, "最多1000字")
        before = self.count()
        aspect = str(self.aspects[0].pk)
        response = self.post_rows(
            [{"aspect": aspect, "description": "第一个"}, {}, {"aspect": aspect, "description": "第三个"}],
            member=self.lihua,
        )
        self.assertRedirects(response, reverse("problems:member", args=[self.lihua.pk]) + "#problems", 302, 200)
        self.assertEqual(self.count(), before + 2)
        self.assertEqual(Problem.objects.filter(member=self.lihua, description__in=["第一个", "第三个"]).count(), 2)

    def test_a_bad_row_saves_none_and_is_named(self):
        self.login("preparer")
        before = self.count()
        response = self.post_rows(
            [{"aspect": str(self.aspects[0].pk), "description": "好的"}, {"description": "没有方面"}]
        )
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "重点方面：这个字段是必填项。")
        self.assertEqual(self.count(), before)
        response = self.post_rows([{"aspect": str(self.aspects[0].pk), "description": LONG}])
        self.assertContains(response, "问题表现最多1000字（现有1001字）")
        self.assertEqual(self.count(), before)

    def test_a_member_cannot_open_another_members_page(self):
        self.login("member")
        self.assertEqual(self.client.get(f"{self.batch_url}?member={self.wangfang.pk}").status_code, 403)


class ProblemLengthTest(ProblemBulkTestCase):
    def test_forms_show_and_enforce_the_limit_naming_the_field(self):
        self.login("preparer")
        url = reverse("problems:problem_create", args=[self.meeting.pk])
        page = self.client.get(url)
        self.assertContains(page, 'maxlength="1000"')
        self.assertContains(page, "最多1000字")
        before = self.count()
        response = self.client.post(url, {"aspect": self.aspects[0].pk, "description": LONG, "source": "self"})
        self.assertContains(response, "问题表现最多1000字（现有1001字）")
        self.assertEqual(self.count(), before)
        cause_url = reverse("problems:cause_create", args=[self.meeting.pk])
        response = self.client.post(cause_url, {"heading": "标" * 201, "text": "剖" * 2001})
        self.assertContains(response, "标题最多200字（现有201字）")
        self.assertContains(response, "剖析最多2000字（现有2001字）")

    def test_services_refuse_over_long_text(self):
        with self.assertRaisesMessage(ValidationError, "问题表现最多1000字（现有1001字）"):
            problem_create(actor=self.preparer, meeting=self.meeting, member=None, aspect=self.aspects[0],
                           description=LONG)  # fmt: skip
        problem = problem_create(
            actor=self.preparer, meeting=self.meeting, member=None, aspect=self.aspects[0], description="短"
        )
        with self.assertRaisesMessage(ValidationError, "具体事例（比如…）最多1000字（现有1001字）"):
            problem_update(actor=self.preparer, problem=problem, data={"example": LONG})
        with self.assertRaisesMessage(ValidationError, "剖析最多2000字"):
            cause_create(actor=self.preparer, meeting=self.meeting, member=None, heading="标题", text="剖" * 2001)


class ProblemPagesQueryCountTest(ProblemBulkTestCase):
    """The overview and an owner's page run the same number of queries for 5 or 60 problems."""

    def add(self, n: int) -> None:
        for i in range(n):
            problem = problem_create(
                actor=self.preparer, meeting=self.meeting, member=self.lihua if i % 2 else None,
                aspect=self.aspects[i % len(self.aspects)], description=f"计数问题{i}", example="比如，……",
            )  # fmt: skip
            problem.opinions.set([])

    def queries(self, url: str) -> int:
        self.client.get(url)  # warm caches
        with CaptureQueriesContext(connection) as captured:
            self.assertEqual(self.client.get(url).status_code, 200)
        return len(captured)

    def test_fixed_counts(self):
        self.login("preparer")
        urls = {
            "overview": reverse("problems:overview", args=[self.meeting.pk]),
            "team": reverse("problems:team", args=[self.meeting.pk]),
            "member": reverse("problems:member", args=[self.lihua.pk]),
        }
        self.add(5)
        small = {name: self.queries(url) for name, url in urls.items()}
        self.add(55)
        for name, url in urls.items():
            with self.subTest(name), self.assertNumQueries(small[name]):
                self.client.get(url)


class RetiredAspectTest(ProblemBulkTestCase):
    """A retired aspect keeps its problems but is not offered, typed or imported for new ones."""

    def setUp(self):
        Aspect.objects.filter(pk=self.aspects[-1].pk).update(retired=True)
        self.retired = Aspect.objects.get(pk=self.aspects[-1].pk)

    def test_a_new_problem_cannot_take_a_retired_aspect(self):
        with self.assertRaisesMessage(ValidationError, "已停用"):
            problem_create(
                actor=self.preparer, meeting=self.meeting, member=None, aspect=self.retired, description="问题"
            )

    def test_a_problem_that_has_it_keeps_it(self):
        Aspect.objects.filter(pk=self.retired.pk).update(retired=False)
        problem = problem_create(
            actor=self.preparer,
            meeting=self.meeting,
            member=None,
            aspect=Aspect.objects.get(pk=self.retired.pk),
            description="问题",
        )
        Aspect.objects.filter(pk=self.retired.pk).update(retired=True)
        problem.refresh_from_db()
        problem_update(actor=self.preparer, problem=problem, data={"description": "改过的问题"})
        self.assertEqual(Problem.objects.get(pk=problem.pk).aspect_id, self.retired.pk)

    def test_the_import_and_the_several_rows_page_do_not_offer_it(self):
        self.login("preparer")
        response = self.upload(["领导班子", str(self.retired.order), "问题表现", "", ""])
        self.assertContains(response, "第2行")
        self.assertEqual(self.count(), Problem.objects.filter(meeting=self.meeting).count())
        page = self.client.get(self.batch_url)
        self.assertNotContains(page, self.retired.title)
        self.assertContains(page, self.aspects[0].title)
