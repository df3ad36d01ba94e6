"""The superior's overview: one row per unit below (with or without a meeting), filters, sort, export."""

from __future__ import annotations

import datetime as dt
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from mingjing.organizations.services import organization_create
from mingjing.oversight.selectors import GREEN, RED, overview_rows
from mingjing.rectification.models import RectificationItem
from mingjing.rectification.services import item_create
from mingjing.test import BaseTestCase


class OverviewTest(BaseTestCase):
    def rows(self, **kwargs):
        kwargs.setdefault("year", 2025)
        return {r.unit.pk: r for r in overview_rows(user=self.superior, **kwargs)[0]}

    def test_every_unit_below_with_or_without_a_meeting(self) -> None:
        rows = self.rows(on=dt.date(2027, 3, 1))
        bureau, outsider = rows[self.bureau.pk], rows[self.outsider_unit.pk]
        self.assertEqual(bureau.meeting.pk, self.meeting.pk)
        self.assertIsNone(outsider.meeting)  # no 2025 meeting: shown all the same, and late once the year is over
        self.assertEqual(outsider.lateness, RED)
        self.login("superior")
        response = self.client.get(reverse("oversight:overview"), {"year": 2025})
        self.assertContains(response, self.outsider_unit.short_name)
        self.assertContains(response, "未建立民主生活会")
        self.assertContains(response, f'href="{reverse("meetings:detail", args=[self.meeting.pk])}"')

    def test_lateness_counts_steps_and_overdue_items(self) -> None:
        held = self.meeting.planned_date
        late = self.rows(on=held + dt.timedelta(days=40))[self.bureau.pk]
        self.assertEqual(late.lateness, RED)
        self.assertIn("向上级报送情况报告", late.lateness_label)
        roster = {e.name: e for e in self.meeting.roster.all()}
        item_create(
            actor=self.preparer,
            meeting=self.meeting,
            owner=roster["李华"],
            problem_text="逾期事项",
            measures="措施",
            deadline=held + dt.timedelta(days=5),
        )
        row = self.rows(on=held + dt.timedelta(days=40))[self.bureau.pk]
        expected = RectificationItem.objects.filter(meeting=self.meeting).exclude(status="carried").count()
        self.assertEqual(row.items_total, expected)
        self.assertGreaterEqual(row.items_overdue, 1)
        # A month before the meeting no step is late yet.
        early = self.rows(on=held - dt.timedelta(days=30))[self.bureau.pk]
        self.assertEqual(early.late_steps, ())
        self.assertEqual(early.lateness, RED if early.items_overdue else GREEN)

    def test_year_kind_state_and_subtree_filters_and_sort(self) -> None:
        self.assertIn(self.bureau.pk, self.rows(state="late", on=dt.date(2027, 3, 1)))
        self.assertNotIn(self.bureau.pk, self.rows(state="none"))
        self.assertIn(self.outsider_unit.pk, self.rows(state="none"))
        self.assertEqual(set(self.rows(subtree=self.bureau.pk)), {self.bureau.pk})
        last_year = self.rows(year=2024)[self.bureau.pk]
        self.assertEqual(last_year.meeting.pk, self.last_meeting.pk)
        self.assertIsNone(self.rows(kind="special")[self.bureau.pk].meeting)
        ordered = [r.unit.pk for r in overview_rows(user=self.superior, year=2025, sort="lateness")[0]]
        self.assertEqual(len(ordered), len(set(ordered)))
        self.login("superior")
        response = self.client.get(reverse("oversight:overview"), {"year": 2024})
        self.assertContains(response, "2024年度民主生活会总览")

    def test_a_unit_below_the_bureau_is_its_own_row_and_the_member_sees_only_his_unit(self) -> None:
        child = organization_create(actor=self.admin, parent=self.bureau, name="测试下级单位", short_name="下级单位")
        self.assertIn(child.pk, self.rows())
        member_units = {r.unit.pk for r in overview_rows(user=self.member, year=2025)[0]}
        self.assertEqual(member_units, {self.bureau.pk})
        self.login("supervisor")
        self.assertEqual(self.client.get(reverse("oversight:overview")).status_code, 403)

    def test_export(self) -> None:
        self.login("superior")
        response = self.client.get(reverse("oversight:export"), {"year": 2025})
        self.assertEqual(response.status_code, 200)
        sheet = load_workbook(
            io.BytesIO(b"".join(response.streaming_content if response.streaming else [response.content]))
        ).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        self.assertEqual(values[0][0], "单位")
        self.assertIn(self.bureau.name, [v[0] for v in values])
        self.assertIn(self.outsider_unit.name, [v[0] for v in values])

    def test_fixed_number_of_queries(self) -> None:
        self.login("superior")
        url = reverse("oversight:overview")

        def add(start: int, stop: int) -> None:
            for i in range(start, stop):
                organization_create(
                    actor=self.admin, parent=self.bureau, name=f"数量测试单位{i:03d}", short_name=f"数量{i:03d}"
                )
            for i in range(start, stop):
                item_create(
                    actor=self.preparer,
                    meeting=self.meeting,
                    owner=None,
                    problem_text=f"事项{i}",
                    measures="措施",
                    deadline=self.meeting.planned_date + dt.timedelta(days=i),
                )

        add(0, 5)
        self.client.get(url, {"year": 2025})
        with CaptureQueriesContext(connection) as small:
            self.assertContains(self.client.get(url, {"year": 2025}), "数量004")
        add(5, 80)
        with self.assertNumQueries(len(small)):
            response = self.client.get(url, {"year": 2025, "sort": "unit"})
        self.assertContains(response, "下一页")
