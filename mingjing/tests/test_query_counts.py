"""Every list page runs a fixed number of queries, however many rows it shows.

For each page: add 10 rows and check the hard-coded count (a regression shows up as a changed
number), then add 190 more and check the count has not moved. A count that grows with the rows is
an N+1: a related lookup per row that the page's selector should select_related/prefetch_related.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mingjing.meetings.services import meeting_create, meeting_step_sync
from mingjing.organizations.models import Division, PartyBranch, TeamRole
from mingjing.organizations.services import organization_create, person_create
from mingjing.test import BaseTestCase
from mingjing.yearconfigs.models import YearConfig
from mingjing.yearconfigs.services import yearconfig_create

SMALL, LARGE = 10, 200

# Queries per page with SMALL extra rows. Every signed-in page starts with 3: the session, the user
# and his roles (access_for).
EXPECTED = {
    # + the count and one page of meetings (with unit and config) + their step completions (prefetch).
    # The superior may create no meeting, so the can_create check is an empty filter that runs no query.
    "meetings:list": 6,
    # + the count and one page of units (with parent)
    "organizations:list": 5,
    # + the unit, its history, people (with branch, headed division, user), their supervised
    # divisions (prefetch), divisions, branches, child units
    "organizations:detail": 10,
    # + the unit-admin check for "新建", configs (with unit and aspect count)
    "yearconfigs:list": 5,
    # + the 20 latest meetings, their step completions (prefetch); the user's roles are read once, with
    # their units (accounts/views.py home: they serve access_for too, not a query of their own); + the 待办 panel
    # (mingjing/todo/selectors.py): live meetings (objects where he has a part, rows where he is only the
    # superior), their completions and year configurations, his 督导组 assignments, roster lines, person,
    # ledger settings, submitted materials, items to verify or his own, the superior-only meetings these name
    "home": 16,
}


class QueryCountTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.preset = YearConfig.objects.get(preset_code="2025-annual")
        cls.divisions = list(Division.objects.filter(organization=cls.bureau).order_by("order"))
        cls.branches = list(PartyBranch.objects.filter(organization=cls.bureau).order_by("order"))

    def assert_fixed_count(
        self, persona: str, name: str, add_rows: Callable[[int, int], None], shows: Callable[[int], str], **kwargs
    ) -> None:
        """add_rows(start, stop) adds rows numbered start..stop-1; shows(i) is text row i puts on the page."""
        self.login(persona)
        url = reverse(name, kwargs=kwargs)
        add_rows(0, SMALL)
        self.assertContains(self.client.get(url), shows(SMALL - 1))  # warm up caches (content types, ...)
        with CaptureQueriesContext(connection) as small:
            self.client.get(url)
        with self.subTest(f"{name}: {SMALL} rows, the hard-coded count"), self.assertNumQueries(EXPECTED[name]):
            self.client.get(url)
        add_rows(SMALL, LARGE)
        with self.subTest(f"{name}: {LARGE} rows, the same count as with {SMALL}"):
            with self.assertNumQueries(len(small)):
                response = self.client.get(url)
            self.assertContains(response, shows(LARGE - 1))

    # --- row makers -------------------------------------------------------------------------------

    def add_meetings(self, start: int, stop: int) -> None:
        """Meetings in the bureau and in the outsider's unit (the superior sees both), some with steps done."""
        for i in range(start, stop):
            unit = self.bureau if i % 2 else self.outsider_unit
            # One meeting per unit, year and kind: the others are extra 专题 meetings (the system may add them).
            meeting = meeting_create(
                actor=None,
                organization=unit,
                config=self.preset,
                kind="special",
                extra_reason="测试",
                planned_date=dt.date(2026, 1, 1) + dt.timedelta(days=i),
                title=f"测试会议{i:03d}",
            )
            if i % 3:
                meeting_step_sync(meeting=meeting, step="plan_request", done_on=dt.date(2026, 12, 1))

    def add_units(self, start: int, stop: int) -> None:
        for i in range(start, stop):
            organization_create(
                actor=self.admin, parent=self.bureau, name=f"测试下级党支部{i:03d}", short_name=f"下级{i:03d}"
            )

    def add_people(self, start: int, stop: int) -> None:
        """People with every related field the people table shows, and child units for its 下级单位 list."""
        d, b = self.divisions, self.branches
        for i in range(start, stop):
            organization_create(
                actor=self.admin, parent=self.bureau, name=f"测试下级单位{i:03d}", short_name=f"下级{i:03d}"
            )
            person_create(
                actor=self.preparer,
                organization=self.bureau,
                name=f"测试人员{i:03d}",
                post="科员",
                team_role=TeamRole.MEMBER if i % 4 == 0 else TeamRole.NONE,
                precedence=10 + i,
                supervised_divisions=[d[i % len(d)], d[(i + 1) % len(d)]],
                heads_division=d[i % len(d)],
                branch=b[i % len(b)],
                is_active=bool(i % 5),
            )

    def add_configs(self, start: int, stop: int) -> None:
        for i in range(start, stop):
            yearconfig_create(
                actor=self.admin,
                organization=self.bureau,
                year=2030 + i,
                name=f"测试配置{i:03d}",
                aspects=[{"title": "方面一"}, {"title": "方面二"}],
            )

    # --- pages ------------------------------------------------------------------------------------

    def test_meeting_list(self) -> None:
        self.assert_fixed_count("superior", "meetings:list", self.add_meetings, lambda i: f"测试会议{i:03d}")

    def test_unit_list(self) -> None:
        # 50 units a page: with LARGE units the pager says how many there are.
        self.assert_fixed_count(
            "admin",
            "organizations:list",
            self.add_units,
            lambda i: f"测试下级党支部{i:03d}" if i < SMALL else f"共{LARGE + 1}条",
        )

    def test_unit_detail_people_table(self) -> None:
        self.assert_fixed_count(
            "preparer", "organizations:detail", self.add_people, lambda i: f"测试人员{i:03d}", unit_id=self.bureau.pk
        )

    def test_config_list(self) -> None:
        self.assert_fixed_count("admin", "yearconfigs:list", self.add_configs, lambda i: f"测试配置{i:03d}")

    def test_home(self) -> None:
        # The home page shows the 20 latest meetings: 12 rows with SMALL, 20 with LARGE.
        self.assert_fixed_count("superior", "home", self.add_meetings, lambda i: f"测试会议{i:03d}")
