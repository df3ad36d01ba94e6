"""The ledger roll-up the superior's overview reads (rectification.tally) always says what the items say."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count

from mingjing.oversight.selectors import overview_rows
from mingjing.rectification.models import LedgerTally, RectificationItem, Status
from mingjing.rectification.services import item_create, item_delete, item_update
from mingjing.rectification.tally import deferred_tallies, refresh_tallies
from mingjing.test import BaseTestCase


class TallyTest(BaseTestCase):
    def assert_tally_matches_items(self) -> None:
        items = (
            RectificationItem.objects.order_by().values_list("meeting_id", "status", "deadline").annotate(n=Count("id"))
        )
        tally: dict = {}
        for m, s, d, n in LedgerTally.objects.values_list("meeting_id", "status", "deadline", "count"):
            tally[(m, s, d)] = tally.get((m, s, d), 0) + n
        self.assertEqual({(m, s, d): n for m, s, d, n in items}, {k: n for k, n in tally.items() if n})

    def row(self, on: dt.date):
        rows = overview_rows(user=self.superior, year=2025, on=on)[0]
        return next(r for r in rows if r.meeting and r.meeting.pk == self.meeting.pk)

    def test_the_demo_and_every_write_keep_the_roll_up(self) -> None:
        self.assert_tally_matches_items()  # the demo, written through the services
        roster = {e.name: e for e in self.meeting.roster.all()}
        on = self.meeting.planned_date + dt.timedelta(days=60)
        before = self.row(on)
        item = item_create(
            actor=self.preparer,
            meeting=self.meeting,
            owner=roster["李华"],
            problem_text="新的整改事项",
            measures="措施",
            deadline=self.meeting.planned_date + dt.timedelta(days=10),
        )
        self.assert_tally_matches_items()
        after = self.row(on)
        self.assertEqual((after.items_total, after.items_overdue), (before.items_total + 1, before.items_overdue + 1))
        # A later deadline: no longer overdue.
        item_update(actor=self.preparer, item=item, data={"deadline": on + dt.timedelta(days=30)})
        self.assert_tally_matches_items()
        self.assertEqual(self.row(on).items_overdue, before.items_overdue)
        # Closed (as closure_verify saves it): counted as closed.
        item = RectificationItem.objects.get(pk=item.pk)
        item.status, item.closed_on = Status.CLOSED, on
        item.save()
        self.assertEqual(RectificationItem.objects.get(pk=item.pk).status, Status.CLOSED)
        self.assert_tally_matches_items()
        self.assertEqual(self.row(on).items_closed, before.items_closed + 1)
        item_delete(actor=self.preparer, item=RectificationItem.objects.get(pk=item.pk))
        self.assert_tally_matches_items()
        self.assertEqual(self.row(on).items_total, before.items_total)

    def test_bulk_writes_recount_their_meetings(self) -> None:
        with deferred_tallies():
            RectificationItem.objects.bulk_create(
                [
                    RectificationItem(meeting=self.meeting, number=900 + n, problem_text="批量", measures="措施")
                    for n in range(5)
                ]
            )
            RectificationItem.objects.filter(meeting=self.meeting, number__gte=900).update(status=Status.CLOSED)
            # Nothing recounted item by item inside the block …
            item = RectificationItem.objects.get(meeting=self.meeting, number=900)
            item.status = Status.IN_PROGRESS
            item.save()
            refresh_tallies([self.meeting.pk])  # … (bulk_create and update() send no signals: recount here)
        self.assert_tally_matches_items()
        RectificationItem.objects.filter(meeting=self.meeting, number__gte=900).update(status=Status.REQUESTED)
        refresh_tallies([self.meeting.pk])
        self.assert_tally_matches_items()

    def test_deleting_a_meeting_takes_its_roll_up(self) -> None:
        meeting_id = self.last_meeting.pk
        self.assertTrue(LedgerTally.objects.filter(meeting_id=meeting_id).exists())
        RectificationItem.objects.filter(meeting_id=meeting_id, carried_from__isnull=False).update(carried_from=None)
        RectificationItem.objects.filter(carried_from__meeting_id=meeting_id).update(carried_from=None)
        RectificationItem.objects.filter(meeting_id=meeting_id).delete()
        self.assertFalse(LedgerTally.objects.filter(meeting_id=meeting_id, count__gt=0).exists())
        self.assert_tally_matches_items()
