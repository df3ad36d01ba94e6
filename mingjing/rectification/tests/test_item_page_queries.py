"""The item page names the item's list, problem, leader, division, person and last year's item from the
one query that fetches the item (issue 15: CPU per typical page), not one query each."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mingjing.organizations.models import Division
from mingjing.rectification.models import RectificationItem
from mingjing.rectification.services import item_create
from mingjing.test import BaseTestCase

FROM = re.compile(r'\bFROM "(\w+)"')


class ItemPageQueriesTest(BaseTestCase):
    def test_related_records_come_with_the_item(self) -> None:
        member = self.meeting.roster.get(name="李华")
        leader = self.meeting.roster.get(team_role="principal")
        problem = self.meeting.problems.filter(member=member).order_by("id").first()
        division = Division.objects.filter(organization=self.bureau).order_by("order").first()
        item = item_create(
            actor=self.preparer,
            meeting=self.meeting,
            owner=member,
            problem=problem,
            problem_text="调查研究不够深入",
            measures="每季度到基层调研一次",
            responsible_leader=leader,
            responsible_division=division,
            responsible_person=member.person,
            deadline=self.meeting.planned_date,
        )
        self.assertIsInstance(item, RectificationItem)
        self.login("member")
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("rectification:item", args=[item.pk]))
        self.assertEqual(response.status_code, 200)
        page = response.content.decode()
        for text in ("李华同志整改清单", leader.name, division.name, problem.description[:20]):
            self.assertIn(text, page)
        tables = [m.group(1) for q in queries.captured_queries for m in [FROM.search(q["sql"])] if m]
        # Only the policy reads a roster line (the member's own); no lookup of a problem, division or person.
        self.assertEqual(tables.count("meetings_rosterentry"), 1, tables)
        for table in ("problems_problem", "organizations_division", "organizations_person"):
            self.assertNotIn(table, tables)
        # The item itself and its carried copies (shown and used by the history), each read once.
        self.assertEqual(tables.count("rectification_rectificationitem"), 2, tables)
