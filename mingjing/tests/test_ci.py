"""CI runs every test once per database, and the browser tests once; `make test` stays the whole suite.

Reads the make targets `.ci/run` calls and asks make itself (`make -n`) which test commands each one
runs, so a target that changes in the Makefile is seen here too.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import unittest
from pathlib import Path

from django.conf import settings
from django.test import SimpleTestCase

ROOT = Path(settings.BASE_DIR)
MAKE_CALL = re.compile(r"^\s*(?:[A-Z_]+=\S+\s+)*make\s+([\w-]+)", re.MULTILINE)


def ci_make_targets() -> list[str]:
    script = "\n".join(
        line for line in (ROOT / ".ci" / "run").read_text().splitlines() if not line.lstrip().startswith("#")
    )
    return MAKE_CALL.findall(script)


def make_test_commands(target: str) -> list[str]:
    """The `manage.py test` command lines `make <target>` would run."""
    out = subprocess.run(
        ["make", "-n", "--no-print-directory", target], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    return [line for line in out.splitlines() if "manage.py test" in line]


def runs_browser_tests(command: str) -> bool:
    return "--exclude-tag browser" not in command


@unittest.skipIf(shutil.which("make") is None, "make is not installed")
class CiRunsEachTestOnceTest(SimpleTestCase):
    def test_browser_tests_run_once_in_ci(self):
        targets = ci_make_targets()
        self.assertIn("test", targets)
        self.assertIn("test-postgres", targets)
        browser_runs = [(t, c) for t in targets for c in make_test_commands(t) if runs_browser_tests(c)]
        self.assertEqual(len(browser_runs), 1, browser_runs)

    def test_every_other_test_runs_once_per_database(self):
        for target in ci_make_targets():
            commands = make_test_commands(target)
            self.assertEqual(sum(not runs_browser_tests(c) for c in commands), 1, (target, commands))

    def test_make_test_is_still_the_whole_suite_for_a_newcomer(self):
        commands = make_test_commands("test")
        self.assertTrue(any("--exclude-tag browser" in c for c in commands), commands)
        self.assertTrue(any("--tag browser" in c for c in commands), commands)

    def test_ci_fails_when_the_browser_tests_skip(self):
        # The browser tests skip themselves without chromium; the step that runs them must refuse that.
        script = (ROOT / ".ci" / "run").read_text()
        self.assertIn('grep -q "浏览器测试已跳过"', script)
