import datetime as dt
import io

from django.core.management import call_command
from django.test import SimpleTestCase, override_settings
from django.urls import reverse

from mingjing.audit.models import AuditEvent
from mingjing.meetings.models import Meeting, RosterEntry, StepCompletion, SupervisorAssignment
from mingjing.meetings.selectors import meeting_timeline
from mingjing.organizations.models import Person, TeamRole
from mingjing.organizations.services import person_update
from mingjing.test import DEMO_DAY, BaseTestCase
from mingjing.yearconfigs.models import YearConfig


def preset(code: str) -> YearConfig:
    return YearConfig.objects.get(preset_code=code)


class CreateMeetingTest(BaseTestCase):
    def create(self, **overrides):
        data = {
            "organization": self.bureau.pk,
            "config": preset("2025-annual").pk,
            "kind": "special",  # the bureau has its 2025 annual meeting: one per unit, year and kind
            "title": "",
            "planned_date": "2026-12-20",
            "half_day": "pm",
            "place": "局机关三楼会议室",
        }
        data.update(overrides)
        return self.client.post("/meetings/new/", data)

    def test_preparer_creates_meeting_and_roster_is_frozen_in_order(self):
        self.login("preparer")
        response = self.create()
        meeting = Meeting.objects.latest("id")
        self.assertRedirects(response, f"/meetings/{meeting.pk}/")
        self.assertEqual(meeting.title, "市农业农村局党组领导班子2025年度民主生活会")
        self.assertEqual(meeting.kind, "special")
        names = list(meeting.roster.order_by("precedence").values_list("name", flat=True))
        self.assertEqual(names, ["张明", "李华", "王芳", "赵强"])
        page = self.client.get(f"/meetings/{meeting.pk}/").content.decode()
        self.assertIn("班子名单（已冻结，4人）", page)
        # The principal is listed first on the page, whatever the codes' alphabetical order.
        roster = page[page.index("班子名单（已冻结") :]
        self.assertLess(roster.index("张明"), roster.index("李华"))

    def test_frozen_roster_keeps_last_years_post_after_the_person_changes(self):
        person = Person.objects.get(organization=self.bureau, name="王芳")
        person_update(actor=None, person=person, data={"post": "局党组副书记、副局长"}, audit=False)
        entry = RosterEntry.objects.get(meeting=self.meeting, person=person)
        self.assertEqual(entry.post, "局党组成员、副局长")

    def test_missing_date_is_reported_in_chinese_on_the_field(self):
        self.login("preparer")
        response = self.create(planned_date="")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "计划召开日期：这个字段是必填项。")
        self.assertEqual(Meeting.objects.count(), 2)

    def test_member_cannot_create(self):
        self.login("member")
        self.assertEqual(self.client.get("/meetings/new/").status_code, 403)
        self.assertEqual(self.create().status_code, 403)

    def test_config_of_another_unit_is_refused(self):
        from mingjing.yearconfigs.services import yearconfig_copy

        foreign = yearconfig_copy(
            actor=None,
            source=preset("2025-annual"),
            organization=self.outsider_unit,
            year=2026,
            name="教育局2026年度配置",
        )
        self.login("preparer")
        response = self.create(config=foreign.pk)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(Meeting.objects.count(), 2)


class TimelineTest(BaseTestCase):
    def test_due_dates_come_from_the_configuration(self):
        timeline = {v.step.key: v for v in meeting_timeline(meeting=self.meeting, on=DEMO_DAY)}
        planned = self.meeting.planned_date
        self.assertEqual(planned, DEMO_DAY + dt.timedelta(days=21))
        self.assertEqual(timeline["plan_request"].due_on, planned - dt.timedelta(days=15))
        self.assertEqual(timeline["report"].due_on, planned + dt.timedelta(days=15))
        self.assertEqual(timeline["plan_request"].state, "done")
        self.assertEqual(timeline["solicitation"].state, "pending")
        self.assertEqual(timeline["talks"].responsible_names, ("张明",))
        self.assertEqual(timeline["plan_request"].responsible_names, ("黄蕾",))

    def test_changing_lead_days_moves_the_due_date(self):
        config = self.meeting.config
        config.plan_lead_days = 7
        config.save()
        timeline = {v.step.key: v for v in meeting_timeline(meeting=self.meeting, on=DEMO_DAY)}
        self.assertEqual(timeline["plan_request"].due_on, self.meeting.planned_date - dt.timedelta(days=7))

    def test_unfinished_step_after_its_due_date_is_late_with_days_and_person(self):
        StepCompletion.objects.filter(meeting=self.meeting, step="plan_request").delete()
        due = self.meeting.planned_date - dt.timedelta(days=15)
        timeline = {v.step.key: v for v in meeting_timeline(meeting=self.meeting, on=due + dt.timedelta(days=4))}
        self.assertEqual(timeline["plan_request"].state, "late")
        self.assertEqual(timeline["plan_request"].state_label, "已逾期4天")

    def test_home_page_shows_late_steps_and_responsible(self):
        StepCompletion.objects.filter(meeting=self.meeting, step="plan_request").delete()
        self.login("principal")
        with override_settings(TIME_ZONE="Asia/Shanghai"):
            from unittest import mock

            late_day = self.meeting.planned_date - dt.timedelta(days=10)
            with mock.patch("mingjing.meetings.selectors.today", return_value=late_day):
                page = self.client.get(f"/meetings/{self.meeting.pk}/").content.decode()
        self.assertIn("逾期提醒", page)
        self.assertIn("“制定方案并向上级请示”应于", page)
        self.assertIn("已逾期5天（责任：党务工作人员 黄蕾）", page)

    def test_preparer_marks_a_step_done_and_can_reopen_it(self):
        self.login("preparer")
        url = f"/meetings/{self.meeting.pk}/steps/done/"
        self.client.post(url, {"step": "report", "completed_on": "2026-11-05"})
        done = StepCompletion.objects.get(meeting=self.meeting, step="report")
        self.assertEqual(done.completed_on, dt.date(2026, 11, 5))
        page = self.client.get(f"/meetings/{self.meeting.pk}/").content.decode()
        self.assertIn("黄蕾（党务工作人员） 于", page)
        self.assertIn("将“向上级报送情况报告”标记为已完成（2026年11月5日）", page)
        self.assertIn("完成：2026年11月5日 · 黄蕾标记", page)  # the timeline names who marked it
        self.client.post(f"/meetings/{self.meeting.pk}/steps/reopen/", {"step": "report"})
        self.assertFalse(StepCompletion.objects.filter(meeting=self.meeting, step="report").exists())

    def test_read_only_roles_cannot_mark_steps(self):
        for persona in ("member", "principal", "superior", "supervisor"):
            self.login(persona)
            response = self.client.post(
                f"/meetings/{self.meeting.pk}/steps/done/", {"step": "talks", "completed_on": "2026-11-05"}
            )
            self.assertEqual(response.status_code, 403, persona)
        self.assertFalse(StepCompletion.objects.filter(meeting=self.meeting, step="talks").exists())


class EditAndHistoryTest(BaseTestCase):
    def test_date_change_reads_as_a_plain_chinese_sentence(self):
        self.login("preparer")
        old = self.meeting.planned_date
        response = self.client.post(
            f"/meetings/{self.meeting.pk}/edit/",
            {
                "config": self.meeting.config_id,
                "kind": "annual",
                "title": self.meeting.title,
                "planned_date": "2026-12-25",
                "half_day": "pm",
                "place": "局机关三楼会议室",
            },
        )
        self.assertRedirects(response, f"/meetings/{self.meeting.pk}/")
        event = AuditEvent.objects.filter(object_id=self.meeting.pk, event_type="updated").latest("id")
        self.assertEqual(event.actor, self.preparer)
        self.assertEqual(event.actor_role, "党务工作人员")
        self.assertEqual(event.organization, self.bureau)
        self.assertEqual(event.changes[0]["old"], f"{old.year}年{old.month}月{old.day}日")
        page = self.client.get(f"/meetings/{self.meeting.pk}/").content.decode()
        self.assertIn(f"将计划召开日期由“{old.year}年{old.month}月{old.day}日”改为“2026年12月25日”", page)


class NextYearTest(BaseTestCase):
    def test_next_meeting_carries_roster_changes_and_links_last_year(self):
        # Between the years 赵强 leaves the team and 孙丽 joins it.
        zhao = Person.objects.get(organization=self.bureau, name="赵强")
        person_update(actor=None, person=zhao, data={"is_active": False}, audit=False)
        sun = Person.objects.get(organization=self.bureau, name="孙丽")
        person_update(actor=None, person=sun, data={"team_role": TeamRole.MEMBER, "precedence": 5}, audit=False)
        config = YearConfig.objects.create(
            year=2026, name="2026年度民主生活会", organization=self.bureau, talk_rules=[], plan_lead_days=10
        )
        self.login("preparer")
        form = self.client.get(f"/meetings/{self.meeting.pk}/next/").content.decode()
        self.assertIn("2026年度民主生活会", form)
        response = self.client.post(
            f"/meetings/{self.meeting.pk}/next/",
            {
                "config": config.pk,
                "title": "",
                "planned_date": "2027-12-28",
                "half_day": "am",
                "place": "",
            },
            follow=True,
        )
        new = Meeting.objects.latest("id")
        self.assertEqual(new.previous, self.meeting)
        self.assertEqual(new.place, "局机关三楼会议室")
        self.assertEqual(list(new.roster.values_list("name", flat=True)), ["张明", "李华", "王芳", "孙丽"])
        self.assertContains(response, "新进班子：孙丽；离开班子：赵强")


class SupervisorTest(BaseTestCase):
    def test_superior_assigns_a_supervisor_who_then_sees_only_that_meeting(self):
        SupervisorAssignment.objects.all().delete()
        self.login("supervisor")
        self.assertEqual(self.client.get(f"/meetings/{self.meeting.pk}/").status_code, 404)
        self.login("superior")
        membership = self.supervisor.memberships.get()
        self.client.post(
            f"/meetings/{self.meeting.pk}/supervisors/add/",
            {"membership": membership.pk, "title": "市委第三督导组组长"},
        )
        self.assertTrue(SupervisorAssignment.objects.filter(meeting=self.meeting, user=self.supervisor).exists())
        self.login("supervisor")
        page = self.client.get(f"/meetings/{self.meeting.pk}/")
        self.assertContains(page, "市委第三督导组组长")
        # He may not open the unit's own pages, so the page does not link there.
        self.assertNotContains(page, f'href="/units/{self.bureau.pk}/"')
        self.assertEqual(self.client.get(f"/meetings/{self.last_meeting.pk}/").status_code, 404)

    def test_only_supervisors_of_units_above_can_be_assigned(self):
        from django.core.exceptions import ValidationError

        from mingjing.meetings.services import meeting_supervisor_assign

        with self.assertRaisesMessage(ValidationError, "只能指派上级单位的督导组成员"):
            meeting_supervisor_assign(actor=None, meeting=self.meeting, user=self.outsider)


class MeetingsCommandTest(BaseTestCase):
    def test_lists_id_unit_year_title_and_current_step(self):
        out = io.StringIO()
        call_command("meetings", stdout=out)
        lines = out.getvalue().splitlines()
        self.assertIn("编号", lines[0])
        self.assertIn("当前步骤", lines[0])
        row = next(line for line in lines if line.startswith(str(self.meeting.pk) + " "))
        self.assertIn("市农业农村局党组", row)
        self.assertIn("2025", row)
        self.assertIn("学习研讨", row)  # no study session yet: the step follows the records
        self.assertIn("2026年11月23日", row)
        last = next(line for line in lines if line.startswith(str(self.last_meeting.pk) + " "))
        self.assertNotIn("已全部完成", last)  # last year's meeting was never boxed here


class SystemActorTest(BaseTestCase):
    def test_a_step_can_be_completed_by_the_system(self):
        from mingjing.meetings.services import meeting_step_complete

        meeting_step_complete(actor=None, meeting=self.meeting, step="report", completed_on=DEMO_DAY)
        self.assertContains(self.client_for("preparer").get(f"/meetings/{self.meeting.pk}/"), "系统 于")

    def client_for(self, persona):
        self.login(persona)
        return self.client


class RefreezeRosterTest(BaseTestCase):
    """Refreezing takes the team again without losing what was recorded for its members."""

    def talk_for(self, name):
        from mingjing.talks.services import talk_record

        roster = {e.name: e for e in self.meeting.roster.all()}
        return talk_record(
            topics="交流思想",
            actor=self.preparer,
            meeting=self.meeting,
            talk_date=self.meeting.planned_date,
            member=roster["张明"],
            counterpart_kind="member",
            other_member=roster[name],
        )

    def test_records_stay_linked_and_changes_are_taken(self):
        talk = self.talk_for("王芳")
        wang = Person.objects.get(organization=self.bureau, name="王芳")
        person_update(actor=self.admin, person=wang, data={"post": "党组成员、副局长（主持日常工作）"})
        self.login("preparer")
        response = self.client.post(reverse("meetings:roster_refreeze", args=[self.meeting.pk]))
        self.assertEqual(response.status_code, 302)
        talk.refresh_from_db()
        self.assertEqual(talk.other_member.post, "党组成员、副局长（主持日常工作）")
        self.assertEqual(self.meeting.roster.count(), 4)

    def test_a_member_who_left_with_records_is_not_dropped_silently(self):
        self.talk_for("赵强")
        zhao = Person.objects.get(organization=self.bureau, name="赵强")
        person_update(actor=self.admin, person=zhao, data={"team_role": "none"})
        self.login("preparer")
        response = self.client.post(reverse("meetings:roster_refreeze", args=[self.meeting.pk]), follow=True)
        errors = [str(m) for m in response.context["messages"]]
        self.assertEqual(len(errors), 1)
        self.assertRegex(errors[0], r"不能从名单中移除：赵强（已有[^）]*谈心谈话")
        self.assertTrue(self.meeting.roster.filter(name="赵强").exists())


class RecordDateWindowTest(SimpleTestCase):
    """mingjing.meetings.dates: the one rule every app uses to date a meeting's records."""

    def meeting(self):
        from types import SimpleNamespace

        return SimpleNamespace(planned_date=dt.date(2026, 1, 15), config=SimpleNamespace(year=2025))

    def test_windows(self):
        from mingjing.meetings.dates import Phase, date_window

        m = self.meeting()
        self.assertEqual(date_window(m, Phase.PREPARATION), (dt.date(2025, 1, 1), dt.date(2026, 1, 15)))
        self.assertEqual(date_window(m, Phase.MEETING_DAY), (dt.date(2026, 1, 15), dt.date(2026, 1, 15)))
        self.assertEqual(date_window(m, Phase.AFTER), (dt.date(2026, 1, 15), dt.date(2029, 1, 15)))

    def test_outside_the_window_names_the_field_and_the_range(self):
        from django.core.exceptions import ValidationError

        from mingjing.meetings.dates import Phase, check_record_date

        m = self.meeting()
        check_record_date(m, dt.date(2025, 12, 5), phase=Phase.PREPARATION, field="held_on", label="学习日期")
        with self.assertRaises(ValidationError) as caught:
            check_record_date(m, dt.date(2030, 1, 1), phase=Phase.PREPARATION, field="held_on", label="学习日期")
        self.assertEqual(
            caught.exception.message_dict["held_on"],
            ["学习日期应在2025年1月1日至2026年1月15日之间（本次民主生活会于2026年1月15日召开）"],
        )
        with self.assertRaises(ValidationError):
            check_record_date(m, dt.date(2020, 1, 1), phase=Phase.AFTER, field="deadline", label="整改时限")
