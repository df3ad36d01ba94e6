import io
from contextlib import redirect_stdout

from django.apps import apps
from django.core.management import call_command

from mingjing.cli import main
from mingjing.demo.services import load_demo
from mingjing.test import DEMO_DAY, BaseTestCase


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
    def test_the_2025_meeting_is_created_within_its_window_whatever_the_day(self):
        import datetime as dt

        from mingjing.demo.services import _meeting_2025
        from mingjing.meetings.models import Meeting
        from mingjing.yearconfigs.models import YearConfig

        # Put the loaded 2025 meeting out of the way, as if the demo were loaded on a later day.
        Meeting.objects.filter(pk=self.meeting.pk).update(config=YearConfig.objects.get(preset_code="2024-annual"))
        late = dt.date(2027, 3, 1)  # three weeks later would be a 2025年度 meeting held in 2027
        meeting = _meeting_2025(self.bureau, self.last_meeting, self.preparer, self.supervisor, late)
        self.assertEqual(meeting.planned_date, dt.date(2026, 12, 31))
