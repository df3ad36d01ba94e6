import datetime as dt
import io
import re
from contextlib import redirect_stdout
from unittest import mock

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command

from mingjing.cli import main
from mingjing.demo.services import BUREAU, OUTSIDER_UNIT, SUPERIOR, demo_year, load_demo
from mingjing.meetings.selectors import meeting_timeline
from mingjing.opinions.models import Campaign
from mingjing.organizations.models import Organization
from mingjing.plans.models import PlanTask
from mingjing.rectification.deadlines import deadline_mark
from mingjing.rectification.models import RectificationItem
from mingjing.talks.selectors import talk_coverage
from mingjing.test import DEMO_DAY, BaseTestCase
from mingjing.yearconfigs.models import YearConfig


def counts() -> dict[str, int]:
    return {m._meta.label: m.objects.count() for m in apps.get_models() if m._meta.app_label != "sessions"}


class DemoTest(BaseTestCase):
    def test_loading_twice_changes_nothing(self):
        before = counts()
        load_demo(on=DEMO_DAY)
        self.assertEqual(counts(), before)

    def test_demo_meeting_is_part_way_through(self):
        done = set(self.meeting.step_completions.values_list("step", flat=True))
        self.assertEqual(done, {"plan_request"})  # steps follow records: the demo has no study session
        self.assertEqual(self.meeting.previous.config.year, 2024)
        self.assertEqual(self.meeting.roster.count(), 4)

    def test_command_prints_every_demo_account_and_the_password(self):
        out = io.StringIO()
        call_command("demo", stdout=out)
        text = out.getvalue()
        for username in (
            "demo-admin",
            "demo-preparer",
            "demo-principal",
            "demo-member",
            "demo-supervisor",
            "demo-superior",
            "demo-outsider",
        ):
            self.assertIn(username, text)
        self.assertIn("mingjing-demo", text)


class CliTest(BaseTestCase):
    def test_help_lists_own_commands(self):
        out = io.StringIO()
        with redirect_stdout(out):
            main(["--help"])
        text = out.getvalue()
        for command in ("serve", "demo", "meetings"):
            self.assertIn(command, text)

    def test_cli_passes_commands_through(self):
        out = io.StringIO()
        with redirect_stdout(out):
            main(["meetings"])
        self.assertIn("市农业农村局党组领导班子2025年度民主生活会", out.getvalue())


class DemoOnAnyDayTest(BaseTestCase):
    """Issue 12 point 10: loaded on any day, the demo looks right on that day: this year's meeting three
    weeks ahead, last year's finished, nothing overdue by more than a few days on any page's marks."""

    LATE_AT_MOST = 7  # days

    def load_on(self, day: dt.date):
        # Move the demo loaded for the other tests out of the way (rolled back after the test), so
        # load_demo builds a fresh one as a newcomer's `mingjing demo` would on that day.
        for org in Organization.objects.filter(name__in=[BUREAU["name"], SUPERIOR["name"], OUTSIDER_UNIT["name"]]):
            Organization.objects.filter(pk=org.pk).update(name=f"{org.name}（旧）")
        for user in get_user_model().objects.filter(username__startswith="demo-"):
            get_user_model().objects.filter(pk=user.pk).update(username=f"old-{user.username}")
        with mock.patch("django.utils.timezone.localdate", return_value=day):
            meeting = load_demo(on=day)
        return meeting

    def late_marks(self, meeting, day: dt.date) -> list[str]:
        """Every overdue mark a user could see on that day: steps, items, campaigns, plan tasks."""
        marks = []
        for m in (meeting, meeting.previous):
            marks += [f"{m.title} {v.step.label} {v.late_days}" for v in meeting_timeline(meeting=m, on=day)
                      if v.late_days > self.LATE_AT_MOST]  # fmt: skip
        config = meeting.config
        for item in RectificationItem.objects.filter(meeting__organization=meeting.organization):
            mark = deadline_mark(
                item, today=day, first_days=max(config.reminder_days), second_days=min(config.reminder_days)
            )
            if mark.state == "overdue" and mark.days > self.LATE_AT_MOST:
                marks.append(f"{item.problem_text} {mark.label}")
        for campaign in Campaign.objects.filter(meeting=meeting, closed_on__isnull=True):
            if (day - campaign.closes_on).days > self.LATE_AT_MOST:
                marks.append(f"{campaign.title} 截止{campaign.closes_on}")
        for task in PlanTask.objects.filter(plan__meeting=meeting, done_on__isnull=True):
            if (day - task.due_on).days > self.LATE_AT_MOST:
                marks.append(f"{task.task} 时限{task.due_on}")
        return marks

    def pages_late_days(self, day: dt.date) -> list[int]:
        """The 逾期 days printed on the home and to-do pages of every persona of the bureau."""
        found = []
        with mock.patch("django.utils.timezone.localdate", return_value=day):
            for username in ("demo-preparer", "demo-principal", "demo-member", "demo-superior"):
                self.client.force_login(get_user_model().objects.get(username=username))
                for url in ("/", "/todo/"):
                    found += [int(n) for n in re.findall(r"逾期(\d+)天", self.client.get(url).content.decode())]
        return found

    def check_day(self, day: dt.date, year: int):
        meeting = self.load_on(day)
        self.assertEqual(meeting.config.year, year)
        self.assertEqual(meeting.planned_date, day + dt.timedelta(days=21))
        self.assertEqual(meeting.previous.config.year, year - 1)
        self.assertEqual(meeting.previous.planned_date, dt.date(year, 1, 16))
        self.assertEqual(self.late_marks(meeting, day), [])
        late = self.pages_late_days(day)
        self.assertTrue(late, "the carried-over item is a few days overdue, as a real ledger has one")
        self.assertLessEqual(max(late), self.LATE_AT_MOST)
        # The demo's tested facts hold whatever the day.
        self.assertEqual(len(talk_coverage(meeting=meeting).missing), 17)
        self.assertEqual(set(meeting.step_completions.values_list("step", flat=True)), {"plan_request"})

    def test_loaded_a_year_earlier_its_meeting_falls_in_the_new_year(self):
        self.check_day(dt.date(2025, 12, 15), 2025)

    def test_loaded_years_later_the_years_follow_the_day(self):
        # 2027 and 2028 have no shipped preset: the bureau gets its own copies of the latest one.
        self.check_day(dt.date(2028, 12, 20), 2028)
        configs = YearConfig.objects.filter(organization__name=BUREAU["name"]).order_by("year")
        self.assertEqual(
            [(c.year, c.name) for c in configs], [(2027, "2027年度民主生活会"), (2028, "2028年度民主生活会")]
        )
        self.assertEqual(configs[1].aspects.count(), YearConfig.objects.get(preset_code="2025-annual").aspects.count())

    def test_the_tests_day_keeps_the_2025_meeting(self):
        self.assertEqual(demo_year(DEMO_DAY), 2025)
        self.assertEqual(self.meeting.planned_date, dt.date(2026, 11, 23))
        self.assertEqual(self.last_meeting.planned_date, dt.date(2025, 1, 16))
