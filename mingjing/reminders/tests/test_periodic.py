"""The periodic run inside `mingjing serve`: only the process holding the lock file sends reminders."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.test import SimpleTestCase, override_settings

from mingjing.reminders import periodic


class PeriodicTest(SimpleTestCase):
    def test_only_the_lock_holder_runs_and_another_takes_over(self) -> None:
        path = Path(tempfile.mkdtemp(prefix="mingjing-remind-lock-")) / "remind.lock"
        runs: list[str] = []
        first = periodic.Round(path, run=lambda: runs.append("first"))
        second = periodic.Round(path, run=lambda: runs.append("second"))
        self.assertTrue(first.tick())
        self.assertFalse(second.tick())
        self.assertTrue(first.tick())
        first.release()  # the first worker ended
        self.assertTrue(second.tick())
        self.assertFalse(first.tick())
        second.release()
        self.assertEqual(runs, ["first", "first", "second"])

    @override_settings(REMIND_INTERVAL=0)
    def test_switched_off_with_a_zero_interval(self) -> None:
        self.assertIsNone(periodic.start())
