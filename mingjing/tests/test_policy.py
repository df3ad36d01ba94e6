"""The access policy itself (mingjing.accounts.policy), for every persona: on the live 2025 meeting
before it is held, after it is held, archived, and as an imported read-only copy.

The URL matrix (test_permission_matrix) checks status codes; this checks the answer every page,
service, CLI command and the bundle import ask for, so a rule cannot differ between them.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied

from mingjing.accounts.policy import (
    CANCELLED_MESSAGE,
    COPY,
    COPY_MESSAGE,
    FROZEN_MESSAGE,
    LIVE,
    Ability,
    bundle_import_mode,
    policy_for,
    record_frozen_message,
)
from mingjing.meetings.models import Meeting, RosterEntry, StepCompletion
from mingjing.organizations.models import TeamRole
from mingjing.test import BaseTestCase

A = Ability
COLUMNS = ("admin", "preparer", "principal", "member", "supervisor", "superior", "outsider")

# ability, target ("team", "principal", "member" or "" for none) → one answer per column.
LIVE_BEFORE_MEETING = [
    (A.READ, "", "1111110"),
    (A.READ_DRAFTS, "team", "1111110"),
    (A.READ_DRAFTS, "member", "1111110"),
    (A.READ_DRAFTS, "principal", "1110110"),  # a member does not read the principal's drafts
    (A.READ_EVERY_TARGET, "", "1110110"),
    (A.READ_FEEDBACK, "member", "1111110"),
    (A.READ_FEEDBACK, "principal", "1110110"),
    (A.EDIT, "", "1100000"),
    (A.EDIT_FOR, "team", "1110000"),
    (A.EDIT_FOR, "member", "1101000"),
    (A.WRITE_MATERIAL, "team", "1110000"),
    (A.WRITE_MATERIAL, "member", "0001000"),  # nobody writes a member's outline for him
    (A.SUBMIT_MATERIAL, "member", "0001000"),
    (A.SUBMIT_MATERIAL, "team", "0010000"),
    (A.APPROVE_MATERIAL, "member", "0010000"),  # the principal approves members' outlines
    (A.APPROVE_MATERIAL, "principal", "0000110"),  # his own and the team's go to the 督导组
    (A.APPROVE_MATERIAL, "team", "0000110"),
    (A.REVIEW, "", "0000110"),
    (A.ASSIGN_SUPERVISORS, "", "1100010"),
    (A.LEDGER_READ_ALL, "", "1110110"),
    (A.LEDGER_DEFINE, "", "1110000"),
    (A.LEDGER_MANAGE, "", "1100000"),
    (A.LEDGER_IMPORT, "", "1111000"),
    (A.TAKE_OUT, "", "1100110"),
    (A.ARCHIVE, "", "1100000"),
    (A.REOPEN, "", "0000000"),  # not archived
    (A.CANCEL_MEETING, "", "1100000"),  # delete one with no records, cancel one with records
    (A.ADD_EXTRA_MEETING, "", "1000000"),  # a second 专题 meeting in a year: the unit's administrator
]


def _changed(rows, changes: dict) -> list:
    return [(a, t, changes.get((a, t), e)) for a, t, e in rows]


# Once the meeting is held, every reader reads every member's problems and outline.
LIVE_AFTER_MEETING = _changed(LIVE_BEFORE_MEETING, {(A.READ_DRAFTS, "principal"): "1111110"})

# Archived: reading, taking out, the ledger and reopening (by the unit's administrator) remain.
ARCHIVED = _changed(
    LIVE_BEFORE_MEETING,
    {
        **{(a, t): "0000000" for a, t, _ in LIVE_BEFORE_MEETING},
        (A.READ, ""): "1111110",
        (A.READ_DRAFTS, "team"): "1111110",
        (A.READ_DRAFTS, "member"): "1111110",
        (A.READ_DRAFTS, "principal"): "1110110",
        (A.READ_EVERY_TARGET, ""): "1110110",
        (A.READ_FEEDBACK, "member"): "1111110",
        (A.READ_FEEDBACK, "principal"): "1110110",
        (A.LEDGER_READ_ALL, ""): "1110110",
        (A.LEDGER_DEFINE, ""): "1110000",
        (A.LEDGER_MANAGE, ""): "1100000",
        (A.LEDGER_IMPORT, ""): "1111000",
        (A.TAKE_OUT, ""): "1100110",
        (A.REOPEN, ""): "1000000",
    },
)

# An imported copy only reads (and may be taken out again); not even its ledger changes.
COPY_ROWS = _changed(
    ARCHIVED,
    {
        (A.LEDGER_DEFINE, ""): "0000000",
        (A.LEDGER_MANAGE, ""): "0000000",
        (A.LEDGER_IMPORT, ""): "0000000",
        (A.REOPEN, ""): "0000000",
    },
)

# Cancelled: kept to be read, like a copy; nothing in it changes, its ledger neither.
CANCELLED_ROWS = COPY_ROWS


class PolicyMatrixTest(BaseTestCase):
    def fresh_meeting(self) -> Meeting:
        return Meeting.objects.select_related("organization").get(pk=self.meeting.pk)

    def targets(self, meeting: Meeting) -> dict:
        entries = RosterEntry.objects.filter(meeting=meeting)
        return {
            "": None,
            "team": None,
            "principal": entries.get(team_role=TeamRole.PRINCIPAL, person__user=self.principal),
            "member": entries.get(person__user=self.member),
        }

    def assert_table(self, rows, label: str) -> None:
        meeting = self.fresh_meeting()
        targets = self.targets(meeting)
        for ability, target, expected in rows:
            for persona, want in zip(COLUMNS, expected, strict=True):
                policy = policy_for(user=getattr(self, persona), meeting=meeting)
                args = (targets[target],) if target else ()
                with self.subTest(state=label, ability=ability.value, target=target, persona=persona):
                    self.assertEqual(policy.can(ability, *args), want == "1")
                    if want == "1":
                        policy.require(ability, *args)
                    else:
                        with self.assertRaises(PermissionDenied):
                            policy.require(ability, *args)

    def test_live_meeting_before_it_is_held(self):
        self.assertFalse(StepCompletion.objects.filter(meeting=self.meeting, step="meeting").exists())
        self.assert_table(LIVE_BEFORE_MEETING, "live, before the meeting")

    def test_live_meeting_after_it_is_held(self):
        StepCompletion.objects.create(meeting=self.meeting, step="meeting", completed_on=dt.date(2026, 11, 1))
        self.assert_table(LIVE_AFTER_MEETING, "live, after the meeting")

    def test_archived_meeting(self):
        Meeting.objects.filter(pk=self.meeting.pk).update(archived_on=dt.date(2026, 11, 2))
        self.assert_table(ARCHIVED, "archived")

    def test_imported_copy(self):
        Meeting.objects.filter(pk=self.meeting.pk).update(is_copy=True)
        self.assert_table(COPY_ROWS, "imported copy")

    def test_cancelled_meeting(self):
        Meeting.objects.filter(pk=self.meeting.pk).update(cancelled_on=dt.date(2026, 11, 2), cancel_reason="改期")
        self.assert_table(CANCELLED_ROWS, "cancelled")
        policy = policy_for(user=self.preparer, meeting=self.fresh_meeting())
        with self.assertRaisesMessage(PermissionDenied, CANCELLED_MESSAGE):
            policy.require(A.EDIT)

    def test_the_frozen_reason_comes_first(self):
        Meeting.objects.filter(pk=self.meeting.pk).update(archived_on=dt.date(2026, 11, 2))
        policy = policy_for(user=self.member, meeting=self.fresh_meeting())
        with self.assertRaisesMessage(PermissionDenied, FROZEN_MESSAGE):
            policy.require(A.EDIT)

    def test_the_save_guard_asks_the_same_rule(self):
        meeting = self.fresh_meeting()
        self.assertEqual(record_frozen_message(meeting, "talks"), "")
        meeting.archived_on = dt.date(2026, 11, 2)
        self.assertEqual(record_frozen_message(meeting, "talks"), FROZEN_MESSAGE)
        self.assertEqual(record_frozen_message(meeting, "rectification"), "")  # the ledger stays live
        meeting.is_copy = True
        self.assertEqual(record_frozen_message(meeting, "rectification"), COPY_MESSAGE)

    def test_an_anonymous_visitor_never_gets_the_consoles_answer(self):
        from django.contrib.auth.models import AnonymousUser

        meeting = self.fresh_meeting()
        self.assertTrue(policy_for(user=None, meeting=meeting).can(A.EDIT))  # the console
        self.assertFalse(policy_for(user=AnonymousUser(), meeting=meeting).can(A.EDIT))
        self.assertFalse(policy_for(user=AnonymousUser(), meeting=meeting).can(A.READ))


class BundleImportModeTest(BaseTestCase):
    def test_nobody_imports_over_a_live_meeting(self):
        for persona in ("admin", "preparer", "superior"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                bundle_import_mode(user=getattr(self, persona), unit=self.bureau, existing=self.meeting)
        with self.assertRaises(PermissionDenied):
            bundle_import_mode(user=None, unit=self.bureau, existing=self.meeting)

    def test_the_superior_imports_copies_the_unit_moves_meetings_in(self):
        self.assertEqual(bundle_import_mode(user=self.superior, unit=self.bureau, existing=None), COPY)
        self.assertEqual(bundle_import_mode(user=self.preparer, unit=self.bureau, existing=None), LIVE)
        self.assertEqual(bundle_import_mode(user=None, unit=self.bureau, existing=None), LIVE)
        for persona in ("member", "principal", "supervisor", "outsider"):
            with self.subTest(persona=persona), self.assertRaises(PermissionDenied):
                bundle_import_mode(user=getattr(self, persona), unit=self.bureau, existing=None)

    def test_a_copy_is_refreshed_as_a_copy(self):
        Meeting.objects.filter(pk=self.meeting.pk).update(is_copy=True)
        copy = Meeting.objects.get(pk=self.meeting.pk)
        self.assertEqual(bundle_import_mode(user=self.superior, unit=self.bureau, existing=copy), COPY)
        self.assertEqual(bundle_import_mode(user=self.preparer, unit=self.bureau, existing=copy), COPY)
