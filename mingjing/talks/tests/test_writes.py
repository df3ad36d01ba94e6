"""Talks are the unit's own records: only its preparer or administrator records, changes or deletes
them (Ability.EDIT), whoever calls the service; an imported copy refuses every write."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mingjing.accounts.policy import COPY_MESSAGE, MESSAGES, Ability
from mingjing.meetings.models import Meeting
from mingjing.talks.models import Talk
from mingjing.talks.services import talk_delete, talk_record, talk_update
from mingjing.test import DEMO_DAY, BaseTestCase


class TalkWritesTest(BaseTestCase):
    def setUp(self) -> None:
        roster = {e.name: e for e in self.meeting.roster.all()}
        self.zhang, self.li = roster["张明"], roster["李华"]
        self.talk = talk_record(
            topics="交流思想",
            actor=self.preparer,
            meeting=self.meeting,
            talk_date=DEMO_DAY,
            member=self.zhang,
            counterpart_kind="member",
            other_member=self.li,
        )

    def writes(self, actor):
        meeting = Meeting.objects.select_related("organization").get(pk=self.meeting.pk)
        talk = Talk.objects.select_related("meeting__organization").get(pk=self.talk.pk)
        return {
            "talk_record": lambda: talk_record(
                topics="交流思想",
                actor=actor,
                meeting=meeting,
                talk_date=DEMO_DAY,
                member=self.li,
                counterpart_kind="member",
                other_member=self.zhang,
            ),
            "talk_update": lambda: talk_update(actor=actor, talk=talk, data={"topics": "改过"}),
            "talk_delete": lambda: talk_delete(actor=actor, talk=talk),
        }

    def test_members_and_the_superior_cannot_record_change_or_delete_talks(self):
        for persona in ("principal", "member", "supervisor", "superior", "outsider"):
            for name, write in self.writes(getattr(self, persona)).items():
                with self.subTest(persona=persona, service=name):
                    self.assertRaisesMessage(PermissionDenied, MESSAGES[Ability.EDIT], write)
        self.assertEqual(Talk.objects.filter(meeting=self.meeting).count(), 1)
        self.assertEqual(Talk.objects.get(pk=self.talk.pk).topics, "交流思想")

    def test_superior_pages_refuse_talk_writes(self):
        self.login("superior")
        self.assertNotContains(self.client.get(reverse("talks:list", args=[self.meeting.pk])), "登记谈话")
        for url in (reverse("talks:edit", args=[self.talk.pk]), reverse("talks:delete", args=[self.talk.pk])):
            with self.subTest(url):
                self.assertEqual(self.client.post(url, {"topics": "改过"}).status_code, 403)
        self.assertTrue(Talk.objects.filter(pk=self.talk.pk).exists())

    def test_an_imported_copy_refuses_every_write(self):
        Meeting.objects.filter(pk=self.meeting.pk).update(is_copy=True)
        for persona in ("preparer", None):
            for name, write in self.writes(getattr(self, persona) if persona else None).items():
                with self.subTest(persona=persona or "system", service=name):
                    self.assertRaisesMessage(PermissionDenied, COPY_MESSAGE, write)
        self.login("preparer")
        self.assertNotContains(self.client.get(reverse("talks:list", args=[self.meeting.pk])), "登记谈话")
