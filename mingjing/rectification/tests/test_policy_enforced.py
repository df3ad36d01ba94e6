"""The ledger's services ask the policy themselves: whoever calls them (a page, the CLI, the demo,
the bundle import) gets the same answer as the pages. Carry-over copies only from the same unit;
an imported copy's ledger is frozen while an archived meeting's ledger stays live."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from mingjing.accounts.policy import COPY_MESSAGE
from mingjing.meetings.models import Meeting
from mingjing.meetings.services import meeting_create
from mingjing.problems.models import Problem
from mingjing.rectification import ledger_xlsx
from mingjing.rectification.demo import EVIDENCE_PDF
from mingjing.rectification.models import Notice, RectificationItem, RectificationSettings, Status
from mingjing.rectification.selectors import carry_over
from mingjing.rectification.services import (
    carry_over_items,
    closure_request,
    closure_return,
    closure_verify,
    item_create,
    item_delete,
    item_reopen,
    item_update,
    items_from_problems,
    milestone_add,
    notice_create,
    notice_delete,
    notice_update,
    progress_update,
    settings_update,
)
from mingjing.test import BaseTestCase
from mingjing.yearconfigs.models import YearConfig

MEDIA = tempfile.mkdtemp(prefix="mingjing-rectification-policy-tests-")
DEADLINE = dt.date(2027, 6, 30)


def pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile("佐证.pdf", EVIDENCE_PDF, content_type="application/pdf")


@override_settings(MEDIA_ROOT=MEDIA)
class LedgerServicesTestCase(BaseTestCase):
    @classmethod
    def tearDownClass(cls) -> None:
        super().tearDownClass()
        shutil.rmtree(MEDIA, ignore_errors=True)

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.roster = {e.name: e for e in cls.meeting.roster.all()}

    def fresh(self, meeting: Meeting) -> Meeting:
        """The meeting as a new request would load it (no policy cached on it)."""
        return Meeting.objects.select_related("organization", "config").get(pk=meeting.pk)

    def new_item(self, meeting: Meeting, owner: str | None = None, **extra) -> RectificationItem:
        entry = meeting.roster.get(name=owner) if owner else None
        return item_create(actor=None, meeting=meeting, owner=entry, problem_text="问题", measures="措施",
                           deadline=DEADLINE, **extra)  # fmt: skip

    def requested(self, meeting: Meeting, owner: str | None) -> RectificationItem:
        item = self.new_item(meeting, owner)
        closure_request(actor=None, item=item, note="已完成", files=[pdf()])
        return RectificationItem.objects.select_related("meeting__organization").get(pk=item.pk)

    def writes(self, meeting: Meeting, freeze=None) -> dict:
        """Every write of the ledger, as a callable taking the actor; `freeze(meeting)` then changes
        the meeting's state (archive it, mark it a copy) once the records exist."""
        meeting = self.fresh(meeting)
        mine = self.new_item(meeting, "李华")
        others = self.new_item(meeting, "王芳")
        team = self.new_item(meeting)
        closed = self.new_item(meeting, "李华")
        RectificationItem.objects.filter(pk=closed.pk).update(status=Status.CLOSED, closed_on=dt.date(2026, 11, 1))
        closed.refresh_from_db()
        asked = self.requested(meeting, "王芳")
        notice = notice_create(actor=None, meeting=meeting, kind="publicity", scope="全局党员干部",
                               channel="局一楼公示栏", published_on=meeting.planned_date)  # fmt: skip
        problem = Problem.objects.create(meeting=meeting, member=None, description="班子问题")
        if freeze is not None:
            freeze(meeting)
            meeting.refresh_from_db()  # every record below holds this one meeting object
        for record in (mine, others, team, closed, asked, notice):
            record.meeting = meeting
        self.asked = asked
        return {
            "item_create": lambda a: item_create(
                actor=a, meeting=meeting, owner=None, problem_text="问题", measures="措施", deadline=DEADLINE
            ),  # fmt: skip
            "items_from_problems": lambda a: items_from_problems(
                actor=a, meeting=meeting, problems=[problem], deadline=DEADLINE
            ),
            "item_update (own item)": lambda a: item_update(actor=a, item=mine, data={"measures": "改写的措施"}),
            "item_delete": lambda a: item_delete(actor=a, item=team),
            "progress_update (another's item)": lambda a: progress_update(
                actor=a, item=others, progress=30, progress_note="推进中"
            ),
            "milestone_add (another's item)": lambda a: milestone_add(
                actor=a, item=others, date=meeting.planned_date, text="召开专题会", files=[pdf()]
            ),
            "closure_request (team item)": lambda a: closure_request(actor=a, item=team, note="已完成", files=[pdf()]),
            "closure_verify": lambda a: closure_verify(actor=a, item=asked),
            "closure_return": lambda a: closure_return(actor=a, item=asked, reason="佐证不足"),
            "item_reopen": lambda a: item_reopen(actor=a, item=closed, reason="复查发现反弹"),
            "carry_over_items": lambda a: carry_over_items(actor=a, meeting=meeting),
            "settings_update": lambda a: settings_update(actor=a, meeting=meeting, data={"first_warning_days": 30}),
            "notice_create": lambda a: notice_create(
                actor=a,
                meeting=meeting,
                kind="notification",
                scope="全局",
                channel="内网",
                published_on=meeting.planned_date + dt.timedelta(days=1),
            ),
            "notice_update": lambda a: notice_update(actor=a, notice=notice, data={"scope": "局机关"}),
            "notice_delete": lambda a: notice_delete(actor=a, notice=notice),
            "import (another's item)": lambda a: ledger_xlsx.apply_import(
                actor=a,
                meeting=meeting,
                rows=[{"row": 2, "key": others.key, "note": "表格里写的进展", "progress": "40", "status": ""}],
                digest="",
            ),
        }


class ServicesRefuseTest(LedgerServicesTestCase):
    # What each actor may not do, called straight at the service (no page in between).
    MEMBER_REFUSED = (
        "item_create",
        "items_from_problems",
        "item_update (own item)",
        "item_delete",
        "progress_update (another's item)",
        "milestone_add (another's item)",
        "closure_request (team item)",
        "closure_verify",
        "closure_return",
        "item_reopen",
        "carry_over_items",
        "settings_update",
        "notice_create",
        "notice_update",
        "notice_delete",
    )

    def assert_refused(self, persona: str, names) -> None:
        writes = self.writes(self.meeting)
        actor = getattr(self, persona)
        for name in names:
            with self.subTest(persona=persona, write=name):
                before = self.snapshot()
                with self.assertRaises(PermissionDenied):
                    writes[name](actor)
                self.assertEqual(self.snapshot(), before, "nothing written")

    def snapshot(self) -> tuple:
        items = RectificationItem.objects.filter(meeting=self.meeting).order_by("pk")
        return (
            list(items.values_list("pk", "status", "progress", "measures", "principal_verified_at")),
            list(Notice.objects.filter(meeting=self.meeting).order_by("pk").values_list("pk", "scope")),
            list(RectificationSettings.objects.filter(meeting=self.meeting).values_list("first_warning_days")),
        )

    def test_a_member_is_refused_by_the_services_themselves(self) -> None:
        self.assert_refused("member", self.MEMBER_REFUSED)

    def test_a_members_import_of_another_members_item_is_refused(self) -> None:
        writes = self.writes(self.meeting)
        with self.assertRaises(ledger_xlsx.LedgerImportError) as caught:
            writes["import (another's item)"](self.member)
        self.assertIn("您只能更新本人的整改事项", caught.exception.errors[0])

    def test_the_superior_only_reads_and_verifies_the_ledger(self) -> None:
        refused = [n for n in self.MEMBER_REFUSED if not n.startswith("closure_")] + ["import (another's item)"]
        self.assert_refused("superior", refused)
        self.assert_refused("supervisor", refused)

    def test_the_principal_may_not_manage(self) -> None:
        self.assert_refused("principal", ["item_delete", "item_reopen", "settings_update"])

    def test_nobody_but_the_principal_verifies_first(self) -> None:
        self.assert_refused("preparer", ["closure_verify", "closure_return"])
        self.assert_refused("supervisor", ["closure_verify", "closure_return"])

    def test_the_allowed_callers_still_write(self) -> None:
        writes = self.writes(self.meeting)
        writes["progress_update (another's item)"](self.preparer)
        writes["closure_verify"](self.principal)
        writes["notice_update"](self.principal)
        writes["item_update (own item)"](self.principal)
        writes["milestone_add (another's item)"](None)  # the console


class CarryOverSameUnitTest(LedgerServicesTestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        preset = YearConfig.objects.get(preset_code="2025-annual")
        cls.foreign = meeting_create(
            actor=None, organization=cls.outsider_unit, config=preset, planned_date=dt.date(2025, 12, 1)
        )
        cls.foreign_item = item_create(actor=None, meeting=cls.foreign, owner=None, problem_text="外单位的整改事项",
                                       measures="外单位的措施", deadline=DEADLINE)  # fmt: skip
        # What an edited bundle's previous_uid does: this meeting's "last year" is another unit's.
        Meeting.objects.filter(pk=cls.meeting.pk).update(previous=cls.foreign)

    def test_carry_over_from_another_units_meeting_is_refused(self) -> None:
        meeting = self.fresh(self.meeting)
        before = RectificationItem.objects.filter(meeting=meeting).count()
        with self.assertRaisesMessage(ValidationError, "关联的上年度会议不属于本单位，不能结转其整改事项"):
            carry_over_items(actor=self.preparer, meeting=meeting)
        with self.assertRaisesMessage(ValidationError, "不属于本单位"):
            carry_over_items(actor=None, meeting=meeting)  # the console and the bundle import too
        self.assertEqual(RectificationItem.objects.filter(meeting=meeting).count(), before)
        self.assertFalse(RectificationItem.objects.filter(carried_from=self.foreign_item).exists())

    def test_the_page_says_so_and_shows_nothing_of_the_other_unit(self) -> None:
        self.login("preparer")
        url = reverse("rectification:carry_over", args=[self.meeting.pk])
        response = self.client.post(url, follow=True)
        self.assertContains(response, "关联的上年度会议不属于本单位，不能结转其整改事项")
        self.assertNotContains(response, "外单位的整改事项")
        self.assertNotContains(response, "查看上年度整改台账")  # no link to, nor summary of, its ledger
        self.assertIsNone(carry_over(self.fresh(self.meeting)).previous)


class FrozenCopyLiveArchiveTest(LedgerServicesTestCase):
    """An imported copy (Meeting.is_copy) is read-only, its ledger included; an archived meeting's
    ledger stays live (rectification runs all year)."""

    def test_the_ledger_of_an_imported_copy_refuses_every_write(self) -> None:
        writes = self.writes(self.meeting, freeze=lambda m: Meeting.objects.filter(pk=m.pk).update(is_copy=True))
        before = RectificationItem.objects.filter(meeting=self.meeting).count()
        for name, write in writes.items():
            actor = self.principal if name.startswith("closure_") else self.preparer
            for who in (actor, None):
                with self.subTest(write=name, actor=who), self.assertRaisesMessage(PermissionDenied, COPY_MESSAGE):
                    write(who)
        self.assertEqual(RectificationItem.objects.filter(meeting=self.meeting).count(), before)

    def test_the_copys_pages_offer_no_writes_and_refuse_them(self) -> None:
        item = self.new_item(self.meeting, "李华")
        Meeting.objects.filter(pk=self.meeting.pk).update(is_copy=True)
        self.login("preparer")
        response = self.client.get(reverse("rectification:ledger", args=[self.meeting.pk]))
        self.assertContains(response, "整改台账")
        self.assertNotContains(response, "添加整改事项")
        self.assertNotContains(response, "台账设置")
        self.login("member")
        response = self.client.get(reverse("rectification:item", args=[item.pk]))
        self.assertNotContains(response, "更新进展")
        response = self.client.post(reverse("rectification:progress", args=[item.pk]), {"progress-progress": "50"})
        self.assertEqual(response.status_code, 403)
        item.refresh_from_db()
        self.assertEqual(item.progress, 0)

    def test_an_archived_meetings_ledger_still_accepts_writes(self) -> None:
        from mingjing.archive.testing import archive_held

        writes = self.writes(self.meeting, freeze=lambda m: archive_held(actor=self.preparer, meeting=self.fresh(m)))
        self.assertIsNotNone(self.fresh(self.meeting).archived_on)
        for name in ("item_create", "items_from_problems", "progress_update (another's item)",
                     "milestone_add (another's item)", "settings_update", "notice_update",
                     "item_update (own item)", "item_reopen"):  # fmt: skip
            with self.subTest(write=name):
                writes[name](self.preparer)
        writes["closure_verify"](self.principal)
        self.asked.refresh_from_db()
        self.assertEqual(self.asked.status, Status.CLOSED)
