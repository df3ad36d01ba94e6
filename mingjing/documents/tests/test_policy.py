"""The paragraph-override services ask the policy (Ability.EDIT) with their actor, as the page,
the CLI or an import would call them; the per-kind read rules come from the policy too."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from mingjing.accounts.policy import Ability, policy_for
from mingjing.documents.models import ParagraphOverride
from mingjing.documents.registry import get_kind
from mingjing.documents.services import paragraph_override_reset, paragraph_override_save
from mingjing.meetings.services import meeting_step_sync
from mingjing.test import DEMO_DAY, BaseTestCase


class OverrideServicesAskThePolicyTest(BaseTestCase):
    def save(self, actor, text="改写的概述。"):
        return paragraph_override_save(
            actor=actor, meeting=self.meeting, kind=get_kind("talks"), member=None, key="intro", text=text
        )

    def test_a_member_actor_may_not_edit_a_paragraph(self):
        for persona in ("member", "principal", "supervisor", "superior"):
            with self.subTest(persona), self.assertRaisesMessage(PermissionDenied, "只有本单位党务工作人员"):
                self.save(getattr(self, persona), text=f"{persona}改写")
        self.assertFalse(ParagraphOverride.objects.filter(kind="talks").exists())

    def test_a_member_actor_may_not_reset_the_preparers_edit(self):
        override = self.save(self.preparer)
        for persona in ("member", "principal", "supervisor"):
            with self.subTest(persona), self.assertRaises(PermissionDenied):
                paragraph_override_reset(actor=getattr(self, persona), override=override, kind=get_kind("talks"))
        self.assertTrue(ParagraphOverride.objects.filter(pk=override.pk).exists())
        paragraph_override_reset(actor=self.preparer, override=override, kind=get_kind("talks"))
        self.assertFalse(ParagraphOverride.objects.filter(kind="talks").exists())


class KindReadRulesTest(BaseTestCase):
    def test_each_kind_names_its_ability_in_the_policy(self):
        self.assertEqual(get_kind("member-outline").read, Ability.READ_DRAFTS)
        self.assertEqual(get_kind("team-examination").read, Ability.READ)
        self.assertEqual(get_kind("feedback").read, Ability.READ_FEEDBACK)
        self.assertEqual(get_kind("opinion-summary").read, Ability.READ_EVERY_TARGET)

    def test_a_members_outline_is_listed_for_him_and_after_the_meeting_for_everyone(self):
        outline = get_kind("member-outline")
        roster = {e.name: e for e in self.meeting.roster.all()}
        policy = policy_for(user=self.member, meeting=self.meeting)
        self.assertEqual(
            {name for name, e in roster.items() if outline.visible_to(policy, e)},
            {"李华"},
        )
        meeting_step_sync(meeting=self.meeting, step="meeting", done_on=DEMO_DAY)  # as finalised minutes do
        self.login("member")
        page = self.client.get(f"/meetings/{self.meeting.pk}/documents/").content.decode()
        for entry in roster.values():
            self.assertIn(f"member-outline/?member={entry.pk}", page)
