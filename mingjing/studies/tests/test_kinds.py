"""Study session forms come from the meeting's year configuration: a unit offers 中心组学习; a session
keeps a form the configuration no longer offers."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.urls import reverse

from mingjing.meetings.models import StepCompletion
from mingjing.studies.models import StudySession
from mingjing.studies.services import study_session_record, study_session_update
from mingjing.test import DEMO_DAY, BaseTestCase
from mingjing.yearconfigs.models import YearConfig


class StudyKindsTest(BaseTestCase):
    def offer(self, *codes: str) -> None:
        YearConfig.objects.filter(pk=self.meeting.config_id).update(study_kinds=list(codes))
        self.meeting.config.refresh_from_db()

    def test_configs_offer_the_old_forms_by_default(self):
        self.assertEqual(
            YearConfig.objects.get(pk=self.meeting.config_id).study_kinds, ["collective", "seminar", "self"]
        )

    def test_the_preparer_records_a_central_group_session(self):
        self.offer("collective", "central_group", "seminar", "self")
        StudySession.objects.filter(meeting=self.meeting).delete()
        StepCompletion.objects.filter(meeting=self.meeting, step="study").delete()
        self.login("preparer")
        url = reverse("studies:create", args=[self.meeting.pk])
        self.assertContains(self.client.get(url), "中心组学习")
        response = self.client.post(
            url, {"session_date": DEMO_DAY.isoformat(), "form": "central_group", "materials": "党章", "minutes": ""}
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        session = StudySession.objects.get(meeting=self.meeting, form="central_group")
        self.assertEqual(str(session).split()[-1], "中心组学习")
        page = self.client.get(reverse("studies:list", args=[self.meeting.pk])).content.decode()
        self.assertIn("中心组学习1次", page)
        # A 中心组学习 is a collective session: it completes the 学习研讨 step.
        self.assertEqual(StepCompletion.objects.get(meeting=self.meeting, step="study").completed_on, DEMO_DAY)

    def test_a_form_the_config_does_not_offer_is_refused_and_not_counted(self):
        self.login("preparer")
        page = self.client.get(reverse("studies:list", args=[self.meeting.pk])).content.decode()
        self.assertNotIn("中心组学习", page)
        with self.assertRaises(ValidationError) as caught:
            study_session_record(
                actor=self.preparer, meeting=self.meeting, session_date=DEMO_DAY, form="central_group", materials="党章"
            )
        self.assertIn("“中心组学习”不是本次会议可选的学习研讨形式", caught.exception.message_dict["form"][0])

    def test_a_session_keeps_a_form_no_longer_offered(self):
        session = study_session_record(
            actor=self.preparer, meeting=self.meeting, session_date=DEMO_DAY, form="self", materials="党章"
        )
        self.offer("collective", "seminar")
        self.login("preparer")
        self.assertContains(self.client.get(reverse("studies:edit", args=[session.pk])), "个人自学")
        study_session_update(actor=self.preparer, session=session, data={"materials": "党章\n准则"})
        session.refresh_from_db()
        self.assertEqual((session.form, session.materials), ("self", "党章\n准则"))
