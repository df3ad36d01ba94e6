"""Study sessions are the unit's own records: only its preparer or administrator records, changes
or deletes them (Ability.EDIT), whoever calls the service; an imported copy refuses every write."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from mingjing.accounts.policy import COPY_MESSAGE, MESSAGES, Ability
from mingjing.meetings.models import Meeting
from mingjing.studies.models import StudySession
from mingjing.studies.services import study_session_delete, study_session_record, study_session_update
from mingjing.test import DEMO_DAY, BaseTestCase


class StudyWritesTest(BaseTestCase):
    def setUp(self) -> None:
        self.session = study_session_record(
            actor=self.preparer, meeting=self.meeting, session_date=DEMO_DAY, form="seminar", materials="党章"
        )

    def writes(self, actor):
        meeting = Meeting.objects.select_related("organization").get(pk=self.meeting.pk)
        session = StudySession.objects.select_related("meeting__organization").get(pk=self.session.pk)
        return {
            "study_session_record": lambda: study_session_record(
                actor=actor, meeting=meeting, session_date=DEMO_DAY, form="collective", materials="准则"
            ),
            "study_session_update": lambda: study_session_update(
                actor=actor, session=session, data={"materials": "改过"}
            ),
            "study_session_delete": lambda: study_session_delete(actor=actor, session=session),
        }

    def test_members_and_the_superior_cannot_record_change_or_delete_sessions(self):
        for persona in ("principal", "member", "supervisor", "superior", "outsider"):
            for name, write in self.writes(getattr(self, persona)).items():
                with self.subTest(persona=persona, service=name):
                    self.assertRaisesMessage(PermissionDenied, MESSAGES[Ability.EDIT], write)
        self.assertEqual(list(StudySession.objects.filter(meeting=self.meeting).values_list("materials")), [("党章",)])

    def test_superior_pages_refuse_session_writes(self):
        self.login("superior")
        self.assertNotContains(self.client.get(reverse("studies:list", args=[self.meeting.pk])), "登记学习研讨")
        for url in (reverse("studies:edit", args=[self.session.pk]), reverse("studies:delete", args=[self.session.pk])):
            with self.subTest(url):
                self.assertEqual(self.client.post(url, {"materials": "改过"}).status_code, 403)
        self.assertTrue(StudySession.objects.filter(pk=self.session.pk).exists())

    def test_an_imported_copy_refuses_every_write(self):
        Meeting.objects.filter(pk=self.meeting.pk).update(is_copy=True)
        for persona in ("preparer", None):
            for name, write in self.writes(getattr(self, persona) if persona else None).items():
                with self.subTest(persona=persona or "system", service=name):
                    self.assertRaisesMessage(PermissionDenied, COPY_MESSAGE, write)
        self.login("preparer")
        self.assertNotContains(self.client.get(reverse("studies:list", args=[self.meeting.pk])), "登记学习研讨")
