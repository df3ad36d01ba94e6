"""The overview's compliance column (rules broken per unit, red when any) in a fixed number of
queries, and the printable summary table with the same figures."""

from __future__ import annotations

import datetime as dt
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from mingjing.compliance.selectors import meeting_compliance
from mingjing.meetings.services import meeting_create, meeting_step_sync
from mingjing.organizations.models import TeamRole
from mingjing.organizations.services import organization_create, person_create
from mingjing.problems.models import Problem
from mingjing.test import BaseTestCase
from mingjing.yearconfigs.models import YearConfig


class ComplianceColumnTest(BaseTestCase):
    def test_the_column_shows_the_rules_broken_in_red_and_links_to_the_meeting(self):
        broken = meeting_compliance(meeting=self.last_meeting).broken_count
        self.assertGreater(broken, 0)
        self.login("superior")
        page = self.client.get(reverse("oversight:overview"), {"year": 2024})
        self.assertContains(page, "不符合的<br>合规检查项")
        self.assertContains(page, f'<span class="badge state-late">{broken}项</span>', html=False)
        self.assertContains(page, reverse("meetings:detail", args=[self.last_meeting.pk]) + "#compliance")

    def test_export_has_the_column(self):
        self.login("superior")
        response = self.client.get(reverse("oversight:export"), {"year": 2024})
        sheet = load_workbook(io.BytesIO(response.content)).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        column = values[0].index("不符合的合规检查项")
        bureau = next(v for v in values if v[0] == self.bureau.name)
        self.assertEqual(bureau[column], meeting_compliance(meeting=self.last_meeting).broken_count)

    def test_printable_summary_table(self):
        self.login("superior")
        page = self.client.get(reverse("oversight:summary"), {"year": 2024})
        self.assertContains(page, "2024年度民主生活会情况汇总表")
        self.assertContains(page, "@media print")
        self.assertContains(page, self.bureau.name)
        self.assertContains(page, self.outsider_unit.name)  # no 2024 meeting: its row all the same
        self.assertContains(page, "存在不符合合规检查项的1个")
        self.assertContains(page, "data-print")
        self.assertEqual(self.client.get(reverse("oversight:overview")).status_code, 200)
        self.login("supervisor")  # reads only his assigned meeting: no overview, no summary
        self.assertEqual(self.client.get(reverse("oversight:summary")).status_code, 403)

    def test_fixed_number_of_queries_for_many_units_with_meetings(self):
        preset = YearConfig.objects.get(preset_code="2025-annual")

        def add(start: int, stop: int) -> None:
            for i in range(start, stop):
                unit = organization_create(
                    actor=self.admin, parent=self.bureau, name=f"合规测试单位{i:03d}", short_name=f"合规{i:03d}"
                )
                person_create(actor=None, organization=unit, name=f"书记{i}", post="书记", team_role=TeamRole.PRINCIPAL)
                person_create(actor=None, organization=unit, name=f"委员{i}", post="委员", team_role=TeamRole.MEMBER)
                meeting = meeting_create(
                    actor=None, organization=unit, config=preset, planned_date=dt.date(2026, 1, 10) + dt.timedelta(i)
                )
                meeting_step_sync(meeting=meeting, step="meeting", done_on=meeting.planned_date)
                Problem.objects.create(meeting=meeting, description=f"问题{i}")

        url = reverse("oversight:overview")
        self.login("superior")
        add(0, 3)
        self.client.get(url, {"year": 2025})
        with CaptureQueriesContext(connection) as small:
            self.assertContains(self.client.get(url, {"year": 2025}), "合规002")
        with CaptureQueriesContext(connection) as small_summary:
            self.client.get(reverse("oversight:summary"), {"year": 2025})
        add(3, 15)
        with self.assertNumQueries(len(small)):
            response = self.client.get(url, {"year": 2025})
        self.assertContains(response, "合规014")
        with self.assertNumQueries(len(small_summary)):
            response = self.client.get(reverse("oversight:summary"), {"year": 2025})
        self.assertContains(response, "合规测试单位014")
