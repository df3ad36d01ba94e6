"""The meeting page reads its roster once for the roster table, the timeline's responsible names and
the change since last year's team (issue 15: CPU per typical page)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mingjing.test import BaseTestCase


class MeetingPageQueriesTest(BaseTestCase):
    def test_timeline_names_come_from_the_roster_table(self) -> None:
        self.login("preparer")
        with CaptureQueriesContext(connection) as queries:
            response = self.client.get(reverse("meetings:detail", args=[self.meeting.pk]))
        self.assertEqual(response.status_code, 200)
        principal = self.meeting.roster.get(team_role="principal")
        # The timeline still names who is responsible for each step (the principal among them).
        self.assertContains(response, principal.name)
        roster_reads = [
            q["sql"]
            for q in queries.captured_queries
            if 'FROM "meetings_rosterentry" WHERE "meetings_rosterentry"."meeting_id" = ' in q["sql"]
            and '"meetings_rosterentry"."team_role" AS "team_role"' in q["sql"]
        ]
        self.assertEqual(roster_reads, [])
        # The change since last year's team compares last year's roster with the one the page shows.
        self.assertIsNotNone(self.meeting.previous)
        this_year = f'WHERE "meetings_rosterentry"."meeting_id" = {self.meeting.pk} '
        pairs = [q["sql"] for q in queries.captured_queries if this_year in q["sql"] and '"person_id" AS' in q["sql"]]
        self.assertEqual(pairs, [])
