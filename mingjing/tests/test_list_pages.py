"""Lists that grow come in pages of 50 with search and filters (issue 15 point 4): what a user finds,
how ?page= keeps the filters, and that a page runs the same queries with 10 or 200 more rows."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mingjing.meetings.models import Meeting
from mingjing.opinions.demo import PAPER_TITLE
from mingjing.opinions.models import Campaign, Opinion, OpinionItem
from mingjing.organizations.models import Organization
from mingjing.problems.models import Problem
from mingjing.test import DEMO_DAY, BaseTestCase


class MeetingsAndUnitsTest(BaseTestCase):
    def add_units(self, count: int) -> list[Organization]:
        """Units below the bureau, each with a 2025 meeting (bulk: only the list pages read them)."""
        units = Organization.objects.bulk_create(
            Organization(parent=self.bureau, name=f"分页测试单位{i:03d}", short_name=f"分页{i:03d}", path="")
            for i in range(count)
        )
        for u in units:
            u.path = f"{self.bureau.path}{u.pk}/"
        Organization.objects.bulk_update(units, ["path"])
        Meeting.objects.bulk_create(
            Meeting(
                organization=u,
                config=self.meeting.config,
                title=f"分页{i:03d}会议",
                planned_date=dt.date(2026, 1, 1) + dt.timedelta(days=i),
            )
            for i, u in enumerate(units)
        )
        return units

    def test_the_superior_pages_through_meetings_and_finds_one_by_unit_and_year(self) -> None:
        self.add_units(120)
        self.login("superior")
        url = reverse("meetings:list")
        page = self.client.get(url).content.decode()
        self.assertIn("共", page)
        self.assertIn("page=2", page)
        self.assertIn(page.count("会议</a>"), (49, 50))  # 50 rows of the 122 meetings (one the demo's)
        found = self.client.get(url, {"q": "分页007", "year": "2025"})
        self.assertContains(found, "分页007会议")
        self.assertNotContains(found, "分页008会议")
        self.assertNotContains(self.client.get(url, {"q": "分页007", "year": "2024"}), "分页007会议")
        # The pager keeps the search.
        many = self.client.get(url, {"q": "分页", "kind": "annual"}).content.decode()
        self.assertIn("q=%E5%88%86%E9%A1%B5&amp;kind=annual&amp;page=2", many)

    def test_a_units_children_beyond_thirty_are_reached_through_the_units_list(self) -> None:
        self.add_units(60)
        self.login("admin")
        detail = self.client.get(reverse("organizations:detail", args=[self.bureau.pk])).content.decode()
        self.assertIn(f"?parent={self.bureau.pk}", detail)
        self.assertEqual(detail.count("分页测试单位"), 30)
        children = self.client.get(reverse("organizations:list"), {"parent": self.bureau.pk})
        self.assertContains(children, "的下级单位")
        self.assertContains(children, "共60条")
        self.assertNotContains(children, self.superior_unit.name)
        found = self.client.get(reverse("organizations:list"), {"q": "分页测试单位059"})
        self.assertContains(found, "分页测试单位059")
        self.assertNotContains(found, "分页测试单位058")


class MeetingRecordsTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.paper = Campaign.objects.get(meeting=cls.meeting, title=PAPER_TITLE)

    def add_opinions(self, start: int, stop: int) -> None:
        Opinion.objects.bulk_create(
            Opinion(campaign=self.paper, text=f"分页意见{i:03d}", received_on=DEMO_DAY) for i in range(start, stop)
        )

    def test_grouping_pages_run_the_same_queries_and_find_an_item(self) -> None:
        self.login("preparer")
        url = reverse("opinions:items", args=[self.paper.pk])

        def add(start: int, stop: int) -> None:
            OpinionItem.objects.bulk_create(
                OpinionItem(campaign=self.paper, text=f"分页归纳{i:03d}", order=100 + i) for i in range(start, stop)
            )

        add(0, 10)
        self.client.get(url)
        with CaptureQueriesContext(connection) as small:
            self.client.get(url)
        add(10, 200)
        with self.assertNumQueries(len(small)):
            response = self.client.get(url)
        self.assertContains(response, "page=2")
        with self.assertNumQueries(len(small)):
            found = self.client.get(url, {"q": "分页归纳199"})
        self.assertContains(found, "分页归纳199")
        self.assertNotContains(found, "分页归纳198")
        self.assertContains(response, "项")  # the summary counts every item, not the page

    def test_the_problem_form_offers_a_hundred_opinions_and_finds_the_rest(self) -> None:
        self.add_opinions(0, 150)
        self.login("preparer")
        url = reverse("problems:problem_create", args=[self.meeting.pk])
        page = self.client.get(url).content.decode()
        self.assertIn("只列出前100条", page)
        self.assertLessEqual(page.count('name="opinions"'), 100)
        found = self.client.get(url, {"oq": "分页意见149"}).content.decode()
        self.assertIn("分页意见149", found)
        self.assertNotIn("分页意见148", found)
        # An opinion found by the search is linked when the problem is saved from that page.
        opinion = Opinion.objects.get(text="分页意见149")
        aspect = self.meeting.config.aspects.order_by("order").first()
        self.client.post(
            f"{url}?oq=分页意见149",
            {"aspect": aspect.pk, "description": "分页测试问题", "source": "opinion", "opinions": [opinion.pk]},
        )
        problem = Problem.objects.get(description="分页测试问题")
        self.assertEqual(list(problem.opinions.all()), [opinion])
