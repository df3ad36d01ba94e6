"""Test runner: Django's, plus a closing summary line that CI can read."""

from __future__ import annotations

import unittest

from django.test.runner import DiscoverRunner


def summary(result: unittest.TestResult) -> tuple[int, int, int]:
    """(passed, failed, skipped), counting each test once.

    A class skipped in setUpClass is reported through a placeholder that is not a TestCase and was
    never counted in testsRun; a test that fails and errors in cleanup is reported twice."""
    failed_ids = {t.id() for t, _ in [*result.failures, *result.errors]}
    failed_ids |= {t.id() for t in getattr(result, "unexpectedSuccesses", [])}
    failed_run = {t.id() for t, _ in [*result.failures, *result.errors] if isinstance(t, unittest.TestCase)}
    skipped_run = sum(1 for t, _ in result.skipped if isinstance(t, unittest.TestCase))
    passed = max(result.testsRun - len(failed_run) - skipped_run, 0)
    return passed, len(failed_ids), len(result.skipped)


class Runner(DiscoverRunner):
    def suite_result(self, suite, result, **kwargs):
        passed, failed, skipped = summary(result)
        for _test, reason in result.skipped[:5]:
            print(f"skipped: {reason}")
        print(f"{passed} passed, {failed} failed, {skipped} skipped")
        return super().suite_result(suite, result, **kwargs)
