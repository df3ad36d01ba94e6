"""BrowserTestCase: drive Debian's /usr/bin/chromium with Playwright against a live server.

Run with `make test-browser` (`manage.py test --tag browser`). The whole class skips itself,
with a reason in the summary, when chromium or the playwright package is missing, so the
suite stays green on a machine without a browser. Never `playwright install`: the intranet
machines are offline and Debian's chromium is the browser we test.

The live server is a TransactionTestCase: the database is flushed after every test, so the
demo is loaded again in setUp. Every persona logs in through the real login form.
"""

from __future__ import annotations

import os
import unittest
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles.testing import StaticLiveServerTestCase
from django.test import override_settings, tag

from mingjing.demo.services import DEMO_PASSWORD, load_demo
from mingjing.meetings.models import Meeting
from mingjing.test import DEMO_DAY

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
TIMEOUT_MS = 15_000


def browser_skip_reason() -> str | None:
    """Why browser tests cannot run here, or None when they can."""
    if not CHROMIUM.exists():
        return f"未找到 {CHROMIUM}，浏览器测试已跳过 (chromium not installed)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "未安装 playwright，浏览器测试已跳过 (playwright not importable)"
    return None


def _restore_env(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value


# The live server speaks plain http: a MINGJING_SECURE_COOKIES=true environment must not
# stop the session cookie from coming back. ALLOWED_HOSTS needs nothing here:
# LiveServerTestCase appends `host` to it for the duration of the class, whatever
# MINGJING_ALLOWED_HOSTS says.
@tag("browser")
@override_settings(SESSION_COOKIE_SECURE=False, CSRF_COOKIE_SECURE=False)
class BrowserTestCase(StaticLiveServerTestCase):
    host = "127.0.0.1"
    meeting: Meeting  # the demo's 2025年度 meeting, reloaded for every test

    @classmethod
    def setUpClass(cls) -> None:
        reason = browser_skip_reason()
        if reason:
            raise unittest.SkipTest(reason)
        # Playwright's sync API keeps an event loop in this thread; Django would otherwise
        # refuse ORM calls from it (setUp's demo, the flush after each test).
        before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
        os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
        cls.addClassCleanup(_restore_env, "DJANGO_ALLOW_ASYNC_UNSAFE", before)
        super().setUpClass()  # registers the live server's stop as a class cleanup

        from playwright.sync_api import expect, sync_playwright

        expect.set_options(timeout=TIMEOUT_MS)
        cls.browser = None
        cls.playwright = sync_playwright().start()
        # Class cleanups run last-in first-out: the browser closes before the server stops.
        cls.addClassCleanup(cls._stop_browser)
        cls.browser = cls.playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)

    @classmethod
    def _stop_browser(cls) -> None:
        if cls.browser is not None:
            cls.browser.close()
        cls.playwright.stop()

    def setUp(self) -> None:
        super().setUp()
        self.meeting = load_demo(on=DEMO_DAY)
        self.broken_assets: dict[str, int] = {}
        self.addCleanup(self._check_assets)

    def new_page(self) -> Any:
        """A page in a fresh browser context: no cookies carried over from another persona."""
        context = self.browser.new_context(
            base_url=self.live_server_url, locale="zh-CN", viewport={"width": 1280, "height": 900}
        )
        context.set_default_timeout(TIMEOUT_MS)
        self.addCleanup(context.close)
        page = context.new_page()
        page.on("response", self._note_broken_asset)
        # Cleanups run last-in first-out: this runs before the context closes.
        self.addCleanup(self._settle, page)
        return page

    @staticmethod
    def _settle(page: Any) -> None:
        """Wait for the page's last requests (the top bar's counts come after `load`).

        The live server shares the test's in-memory SQLite connection: a count still being
        answered while the flush after the test drops the audit triggers fails that flush
        with "database table is locked".
        """
        if not page.is_closed():
            page.wait_for_load_state("networkidle")

    def _note_broken_asset(self, response: Any) -> None:
        if response.status >= 400 and "/static/" in response.url:
            self.broken_assets[response.url.removeprefix(self.live_server_url)] = response.status

    def _check_assets(self) -> None:
        """An unstyled page is a failure too: every stylesheet and script must load."""
        self.assertEqual(self.broken_assets, {}, "静态文件加载失败 (static files failed to load)")

    def login(self, page: Any, username: str) -> None:
        """Log in through the form at /login/ and wait for the home page."""
        page.goto("/login/")
        page.locator("input[name=username]").fill(username)
        page.locator("input[name=password]").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="登录", exact=True).click()
        page.wait_for_url(f"{self.live_server_url}/")

    def screenshot(self, page: Any, name: str) -> Path:
        """Save a full-page screenshot to var/screenshots/<name>.png (for a person to look at)."""
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path
