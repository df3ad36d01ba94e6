"""The meeting page tells the policy what it has read already (the user's roster line, his
assignment): the ledger button's warnings must still count exactly the items the user's own
ledger page marks, for every persona."""

from __future__ import annotations

import re

from django.urls import reverse

from mingjing.test import BaseTestCase

BADGE = re.compile(r'id="rectification-(overdue|soon)">[^<]*?(\d+)项')


class LedgerWarningsOnTheMeetingPageTest(BaseTestCase):
    def counts_on_meeting_page(self, meeting) -> dict[str, int]:
        page = self.client.get(reverse("meetings:detail", args=[meeting.pk])).content.decode()
        return {kind: int(n) for kind, n in BADGE.findall(page)}

    def counts_on_ledger(self, meeting) -> dict[str, int]:
        page = self.client.get(reverse("rectification:ledger", args=[meeting.pk]))
        if page.status_code != 200:
            return {}
        html = page.content.decode()
        counts = {"overdue": html.count("mark-overdue"), "soon": html.count("mark-urgent") + html.count("mark-warning")}
        return {k: v for k, v in counts.items() if v}

    def test_each_persona_sees_the_warnings_of_the_items_he_may_read(self) -> None:
        seen_any = False
        for persona in ("member", "principal", "supervisor", "preparer"):
            self.login(persona)
            for meeting in (self.meeting, self.last_meeting):
                with self.subTest(persona=persona, meeting=meeting.title):
                    on_page = self.counts_on_meeting_page(meeting)
                    self.assertEqual(on_page, self.counts_on_ledger(meeting))
                    seen_any = seen_any or (persona == "member" and bool(on_page))
        self.assertTrue(seen_any, "演示数据中李华应有临近时限或逾期的整改事项")

    def test_the_meeting_s_own_warning_days_are_used(self) -> None:
        # The page reads the ledger's settings with the meeting (select_related): an item due in 30
        # days is not yet near its deadline by the default 20 days, but is for a meeting that warns
        # 40 days ahead, as its ledger says.
        import datetime as dt

        from mingjing.lib.dates import today
        from mingjing.rectification.models import RectificationItem, RectificationSettings

        self.login("preparer")
        meeting = self.meeting
        RectificationItem.objects.filter(meeting=meeting, deadline__isnull=False).update(
            deadline=today() + dt.timedelta(days=30)
        )
        self.assertEqual(self.counts_on_meeting_page(meeting), {})
        RectificationSettings.objects.update_or_create(
            meeting=meeting, defaults={"first_warning_days": 40, "second_warning_days": 10}
        )
        on_page = self.counts_on_meeting_page(meeting)
        self.assertEqual(on_page, {"soon": 1})
        self.assertEqual(on_page, self.counts_on_ledger(meeting))
