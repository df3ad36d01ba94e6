import datetime as dt

from django.db import transaction

from mingjing.audit.models import AuditEvent
from mingjing.audit.services import audit_record
from mingjing.meetings.models import Meeting
from mingjing.meetings.services import meeting_update
from mingjing.test import BaseTestCase


class AuditTest(BaseTestCase):
    def test_every_write_leaves_exactly_one_event(self):
        before = AuditEvent.objects.count()
        meeting_update(actor=self.preparer, meeting=self.meeting, data={"place": "局机关五楼会议室"})
        self.assertEqual(AuditEvent.objects.count(), before + 1)
        event = AuditEvent.objects.latest("id")
        self.assertEqual((event.actor_name, event.actor_role, event.event_type), ("黄蕾", "党务工作人员", "updated"))
        self.assertEqual(
            event.changes, [{"field": "place", "label": "地点", "old": "局机关三楼会议室", "new": "局机关五楼会议室"}]
        )

    def test_a_write_that_changes_nothing_leaves_no_event(self):
        before = AuditEvent.objects.count()
        meeting_update(actor=self.preparer, meeting=self.meeting, data={"place": self.meeting.place})
        self.assertEqual(AuditEvent.objects.count(), before)

    def test_event_rolls_back_with_the_change(self):
        before = AuditEvent.objects.count()
        try:
            with transaction.atomic():
                meeting_update(actor=self.preparer, meeting=self.meeting, data={"planned_date": dt.date(2026, 12, 28)})
                raise RuntimeError("the caller fails after the service")
        except RuntimeError:
            pass
        self.assertEqual(AuditEvent.objects.count(), before)
        self.assertNotEqual(Meeting.objects.get(pk=self.meeting.pk).planned_date, dt.date(2026, 12, 28))

    def test_unknown_event_types_are_refused(self):
        with transaction.atomic(), self.assertRaises(ValueError):
            audit_record(actor=None, event_type="something.new", obj=self.meeting)
