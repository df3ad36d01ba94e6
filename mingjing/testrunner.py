"""Test runner: Django's, plus a closing summary line that CI can read."""

from __future__ import annotations

from django.test.runner import DiscoverRunner


class Runner(DiscoverRunner):
    def suite_result(self, suite, result, **kwargs):
        failed = len(result.failures) + len(result.errors) + len(getattr(result, "unexpectedSuccesses", []))
        skipped = len(result.skipped)
        passed = result.testsRun - failed - skipped
        for _test, reason in result.skipped[:5]:
            print(f"skipped: {reason}")
        print(f"{passed} passed, {failed} failed, {skipped} skipped")
        return super().suite_result(suite, result, **kwargs)
