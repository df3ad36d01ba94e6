import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from mingjing.meetings.models import StepCompletion
from mingjing.meetings.selectors import meeting_timeline
from mingjing.studies.models import StudySession
from mingjing.studies.services import study_session_delete, study_session_record
from mingjing.test import DEMO_DAY, BaseTestCase


class StudySessionTest(BaseTestCase):
    def entries(self, *names):
        return [self.meeting.roster.get(name=n) for n in names]

    def test_preparer_records_a_session_and_the_counts_by_form_update(self):
        self.login("preparer")
        url = f"/meetings/{self.meeting.pk}/studies/"
        self.assertContains(self.client.get(url), "共0次：</strong>集中学习0次，研讨0次，个人自学0次")
        response = self.client.post(
            f"{url}new/",
            {
                "session_date": "2026-11-05",
                "form": "collective",
                "materials": "党章\n习近平总书记关于加强作风建设的重要论述\n",
                "participants": [e.pk for e in self.entries("张明", "李华", "王芳")],
                "minutes": "张明同志领学",
            },
            follow=True,
        )
        self.assertContains(response, "学习研讨记录已保存")
        self.assertContains(response, "共1次：</strong>集中学习1次，研讨0次，个人自学0次")
        self.assertContains(response, "党章<br>习近平总书记关于加强作风建设的重要论述")
        self.assertContains(response, "张明、李华、王芳")

    def test_missing_materials_are_named_and_nothing_is_saved(self):
        self.login("preparer")
        response = self.client.post(
            f"/meetings/{self.meeting.pk}/studies/new/",
            {"session_date": "2026-11-05", "form": "seminar", "materials": ""},
        )
        self.assertContains(response, "学习内容：这个字段是必填项。")
        self.assertFalse(StudySession.objects.filter(meeting=self.meeting).exists())

    def test_participants_must_be_on_this_meetings_roster(self):
        from django.core.exceptions import ValidationError

        with self.assertRaisesMessage(ValidationError, "只能选择本次会议班子名单中的成员"):
            study_session_record(
                actor=None,
                meeting=self.meeting,
                session_date=DEMO_DAY,
                form="seminar",
                materials="党章",
                participants=[self.last_meeting.roster.first()],
            )

    def test_changing_participants_is_in_the_history(self):
        session = study_session_record(
            actor=self.preparer,
            meeting=self.meeting,
            session_date=DEMO_DAY,
            form="seminar",
            materials="党章",
            participants=self.entries("张明"),
        )
        self.login("preparer")
        self.client.post(
            f"/studies/{session.pk}/edit/",
            {
                "session_date": DEMO_DAY.isoformat(),
                "form": "seminar",
                "materials": "党章",
                "participants": [e.pk for e in self.entries("张明", "赵强")],
                "minutes": "",
            },
        )
        page = self.client.get(f"/studies/{session.pk}/edit/").content.decode()
        self.assertIn("将参加的班子成员由“张明”改为“张明、赵强”", page)

    def test_list_runs_a_fixed_number_of_queries(self):
        self.login("member")
        url = f"/meetings/{self.meeting.pk}/studies/"

        def add(count):
            people = list(self.meeting.roster.all())
            for i in range(count):
                study_session_record(
                    actor=None,
                    meeting=self.meeting,
                    session_date=DEMO_DAY - dt.timedelta(days=i % 30),
                    form="collective",
                    materials="党章",
                    participants=people[: 1 + i % 4],
                )

        add(10)
        with CaptureQueriesContext(connection) as ten:
            self.client.get(url)
        add(190)
        with self.assertNumQueries(len(ten)):
            self.client.get(url)
        self.assertNotContains(self.client.get(url), "登记学习研讨")


class StudyStepTest(BaseTestCase):
    def study_step(self):
        return next(v for v in meeting_timeline(meeting=self.meeting, on=DEMO_DAY) if v.step.key == "study")

    def test_a_collective_session_completes_the_step_and_self_study_does_not(self):
        record = dict(actor=self.preparer, meeting=self.meeting, materials="党章")
        study_session_record(**record, session_date=DEMO_DAY, form="self")
        self.assertEqual(self.study_step().state, "pending")
        seminar = study_session_record(**record, session_date=DEMO_DAY + dt.timedelta(days=1), form="seminar")
        step = self.study_step()
        self.assertEqual((step.state, step.completed_on), ("done", DEMO_DAY + dt.timedelta(days=1)))
        study_session_delete(actor=self.preparer, session=seminar)
        self.assertEqual(self.study_step().state, "pending")

    def test_a_step_marked_by_hand_before_gives_way_to_the_records(self):
        StepCompletion.objects.create(
            meeting=self.meeting, step="study", completed_on=DEMO_DAY, completed_by=self.preparer
        )
        study_session_record(
            actor=self.preparer,
            meeting=self.meeting,
            materials="党章",
            session_date=DEMO_DAY - dt.timedelta(days=2),
            form="collective",
        )
        self.assertEqual(self.study_step().completed_on, DEMO_DAY - dt.timedelta(days=2))
        self.assertIsNone(StepCompletion.objects.get(meeting=self.meeting, step="study").completed_by)
