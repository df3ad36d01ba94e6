"""The record's services ask the policy themselves (Ability.EDIT): called directly — by the CLI,
the demo, the bundle import or a future page — they refuse whom the pages refuse, and an imported
copy of a meeting (Meeting.is_copy) is read-only for everyone."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied

from mingjing.accounts.policy import COPY_MESSAGE
from mingjing.meetings.models import Meeting
from mingjing.meetings.services import meeting_create
from mingjing.minutes.models import AgendaItem, Attendance, Criticism, MeetingRecord, RecordStatus
from mingjing.minutes.services import (
    agenda_item_add,
    agenda_item_move,
    criticism_add,
    minutes_finalise,
    minutes_reopen,
    minutes_row_remove,
    minutes_row_update,
    minutes_start,
    minutes_sync_roster,
    minutes_update,
    observer_add,
    supervisor_present_add,
)
from mingjing.test import BaseTestCase
from mingjing.yearconfigs.models import YearConfig


class MinutesServicesTest(BaseTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.record = minutes_start(actor=None, meeting=cls.meeting)
        roster = {e.name: e for e in cls.meeting.roster.all()}
        cls.criticism = criticism_add(
            actor=None, record=cls.record, from_entry=roster["李华"], to_entry=roster["张明"], text="调研不深入"
        )
        cls.unstarted = meeting_create(
            actor=None,
            organization=cls.bureau,
            config=YearConfig.objects.get(preset_code="2025-annual"),
            kind="special",
            planned_date=dt.date(2026, 12, 10),
        )

    def writes(self, *, copy: bool = False) -> dict:
        """Every write of the record, as a callable taking the actor, on records loaded as a
        request would load them (with `copy`, after the meetings became imported copies)."""
        if copy:
            Meeting.objects.filter(pk__in=[self.meeting.pk, self.unstarted.pk]).update(is_copy=True)
        record = MeetingRecord.objects.select_related("meeting__organization", "meeting__config").get(pk=self.record.pk)
        unstarted = Meeting.objects.select_related("organization", "config").get(pk=self.unstarted.pk)

        def row(model):
            found = model.objects.filter(record=record).order_by("pk").first()
            found.record = record
            return found

        final = MeetingRecord.objects.select_related("meeting__organization").get(pk=self.record.pk)
        final.status = RecordStatus.FINAL  # as it would be once finalised (reopen needs one)
        to_entry = self.meeting.roster.get(name="王芳")
        return {
            "minutes_start": lambda a: minutes_start(actor=a, meeting=unstarted),
            "minutes_sync_roster": lambda a: minutes_sync_roster(actor=a, record=record),
            "minutes_update": lambda a: minutes_update(actor=a, record=record, data={"place": "别处"}),
            "minutes_row_update": lambda a: minutes_row_update(
                actor=a, row=row(Attendance), data={"status": "leave", "leave_reason": "外出"}
            ),
            "supervisor_present_add": lambda a: supervisor_present_add(actor=a, record=record, name="马骏"),
            "observer_add": lambda a: observer_add(actor=a, record=record, name="孙丽"),
            "agenda_item_add": lambda a: agenda_item_add(actor=a, record=record, text="补充议程"),
            "agenda_item_move": lambda a: agenda_item_move(actor=a, item=row(AgendaItem), offset=1),
            "criticism_add": lambda a: criticism_add(actor=a, record=record, to_entry=to_entry, text="不够深入"),
            "minutes_row_remove": lambda a: minutes_row_remove(actor=a, row=row(Criticism)),
            "minutes_finalise": lambda a: minutes_finalise(actor=a, record=record),
            "minutes_reopen": lambda a: minutes_reopen(actor=a, record=final, reason="补记"),
        }

    def snapshot(self) -> tuple:
        record = MeetingRecord.objects.get(pk=self.record.pk)
        return (
            record.place,
            record.status,
            list(Attendance.objects.filter(record=record).values_list("pk", "status")),
            list(AgendaItem.objects.filter(record=record).values_list("pk", "order", "text")),
            list(Criticism.objects.filter(record=record).values_list("pk", "text")),
            record.supervisors.count(),
            record.observers.count(),
            MeetingRecord.objects.filter(meeting=self.unstarted).exists(),
        )

    def test_who_does_not_keep_the_records_is_refused_by_the_services(self) -> None:
        before = self.snapshot()
        for persona in ("member", "principal", "supervisor", "superior", "outsider"):
            writes = self.writes()
            for name, write in writes.items():
                with self.subTest(persona=persona, write=name), self.assertRaises(PermissionDenied):
                    write(getattr(self, persona))
        self.assertEqual(self.snapshot(), before, "nothing written")

    def test_an_imported_copy_refuses_even_its_preparer_and_the_console(self) -> None:
        writes = self.writes(copy=True)
        before = self.snapshot()
        for actor in (self.preparer, None):
            for name, write in writes.items():
                with self.subTest(actor=actor, write=name), self.assertRaisesMessage(PermissionDenied, COPY_MESSAGE):
                    write(actor)
        self.assertEqual(self.snapshot(), before, "nothing written")

    def test_the_preparer_still_writes(self) -> None:
        writes = self.writes()
        writes["minutes_update"](self.preparer)
        writes["observer_add"](self.preparer)
        writes["minutes_start"](self.preparer)
        self.assertEqual(MeetingRecord.objects.get(pk=self.record.pk).place, "别处")
        self.assertTrue(MeetingRecord.objects.filter(meeting=self.unstarted).exists())

    def test_the_copys_pages_offer_and_take_no_edits(self) -> None:
        Meeting.objects.filter(pk=self.meeting.pk).update(is_copy=True)
        self.login("preparer")
        base = f"/meetings/{self.meeting.pk}/minutes/"
        page = self.client.get(base)
        self.assertContains(page, "调研不深入")
        self.assertNotContains(page, "继续现场记录")
        self.assertEqual(self.client.get(base + "live/").status_code, 403)
        response = self.client.post(base + "save/", {"kind": "record", "place": "别处"})
        self.assertContains(response, COPY_MESSAGE, status_code=403)
        self.assertNotEqual(MeetingRecord.objects.get(pk=self.record.pk).place, "别处")
