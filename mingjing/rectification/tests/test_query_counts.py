"""The ledger and 我的整改 run a fixed number of queries however many items they show."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mingjing.rectification.services import item_create
from mingjing.test import BaseTestCase

SMALL, LARGE = 10, 120


class RectificationQueryCountTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.entries = list(cls.meeting.roster.exclude(team_role="none").order_by("precedence"))
        cls.person = cls.meeting.roster.get(name="李华").person

    def add_items(self, start: int, stop: int, *, mine: bool = False) -> None:
        for i in range(start, stop):
            owner = self.entries[1] if mine else ([None, *self.entries][i % (len(self.entries) + 1)])
            item_create(
                actor=self.preparer,
                meeting=self.meeting,
                owner=owner,
                problem_text=f"测试问题{i:03d}",
                measures="措施",
                responsible_leader=self.entries[i % len(self.entries)],
                responsible_person=self.person if i % 3 == 0 else None,
                deadline=self.meeting.planned_date + dt.timedelta(days=i * 7),
            )

    def assert_fixed(self, persona: str, url: str, expected: int, *, mine: bool = False, paged: bool = False) -> None:
        """The same count at SMALL and LARGE items; a paged page (50 rows) finds the last row by its search."""
        self.client.force_login(getattr(self, persona))
        self.add_items(0, SMALL, mine=mine)
        self.assertContains(self.client.get(url), f"测试问题{SMALL - 1:03d}")
        with self.assertNumQueries(expected):
            self.client.get(url)
        self.add_items(SMALL, LARGE, mine=mine)
        with CaptureQueriesContext(connection) as large:
            response = self.client.get(url)
        self.assertEqual(len(large), expected, f"{url}: the count grew with the rows")
        if paged:
            self.assertNotContains(response, f"测试问题{LARGE - 1:03d}")
            self.assertContains(response, "page=3")
            with self.assertNumQueries(expected):
                response = self.client.get(url, {"q": f"测试问题{LARGE - 1:03d}", "page": "2"})
        self.assertContains(response, f"测试问题{LARGE - 1:03d}")

    def test_ledger_as_preparer(self) -> None:
        # session, user, roles; the meeting (+ its step completions); settings; items; team
        # roster; the previous meeting, then its items with their successors in one query
        # (carry-over summary); base.html. He keeps the unit's records, so the policy answers every
        # ledger flag the page reads without looking up his 督导组 assignment or his person record
        # (was 14, then 12).
        self.assert_fixed("preparer", reverse("rectification:ledger", args=[self.meeting.pk]), 11, paged=True)

    def test_ledger_as_member(self) -> None:
        # as above, but his roster entry gives his person, and no last year's summary (he sees
        # only his own items)
        self.assert_fixed("member", reverse("rectification:ledger", args=[self.meeting.pk]), 10, mine=True, paged=True)

    def test_my_rectification(self) -> None:
        # session, user, roles; his person and roster lines; the items with their meetings and settings
        # (by the indexed owner, leader and person columns: an OR over joins scanned every item)
        self.assert_fixed("member", reverse("rectification:mine"), 5, mine=True)
