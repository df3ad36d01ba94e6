"""Issue 12: a study session is dated within the meeting's preparation and its texts have limits."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from mingjing.studies.models import StudySession
from mingjing.studies.services import study_session_record, study_session_update
from mingjing.test import DEMO_DAY, BaseTestCase


class StudyDatesAndLengthsTest(BaseTestCase):
    def post(self, **data):
        self.login("preparer")
        fields = {"session_date": "2026-11-05", "form": "collective", "materials": "党章"} | data
        return self.client.post(f"/meetings/{self.meeting.pk}/studies/new/", fields)

    def test_a_session_dated_2030_is_refused_on_the_date_field(self):
        response = self.post(session_date="2030-01-01")
        self.assertContains(
            response,
            "日期：学习研讨日期应在2025年1月1日至2026年11月23日之间（本次民主生活会于2026年11月23日召开）",
        )
        self.assertFalse(StudySession.objects.filter(meeting=self.meeting).exists())

    def test_a_session_after_the_meeting_or_before_its_year_is_refused_by_the_service(self):
        for day in ("2026-11-24", "2024-12-31"):
            with self.subTest(day), self.assertRaisesMessage(ValidationError, "学习研讨日期应在2025年1月1日"):
                study_session_record(
                    actor=self.preparer,
                    meeting=self.meeting,
                    session_date=dt.date.fromisoformat(day),
                    form="seminar",
                    materials="党章",
                )
        session = study_session_record(
            actor=self.preparer, meeting=self.meeting, session_date=DEMO_DAY, form="seminar", materials="党章"
        )
        with self.assertRaisesMessage(ValidationError, "学习研讨日期应在"):
            study_session_update(actor=self.preparer, session=session, data={"session_date": dt.date(2030, 1, 1)})
        session.refresh_from_db()
        self.assertEqual(session.session_date, DEMO_DAY)

    def test_80000_characters_of_content_are_refused_with_the_fields_name(self):
        self.login("preparer")
        page = self.client.get(f"/meetings/{self.meeting.pk}/studies/new/")
        self.assertContains(page, "每行一项；最多3000字")
        self.assertContains(page, 'maxlength="3000"')
        response = self.post(materials="学" * 80000, minutes="记" * 2001)
        self.assertContains(response, "学习内容：学习内容最多3000字（现有80000字）")
        self.assertContains(response, "简要记录：简要记录最多2000字（现有2001字）")
        self.assertNotContains(response, "确保该变量")
        self.assertFalse(StudySession.objects.filter(meeting=self.meeting).exists())
        with self.assertRaisesMessage(ValidationError, "学习内容最多3000字（现有80000字）"):
            study_session_record(
                actor=self.preparer, meeting=self.meeting, session_date=DEMO_DAY, form="seminar", materials="学" * 80000
            )
