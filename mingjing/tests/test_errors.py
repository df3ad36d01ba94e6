"""Errors a person can read, and no cookie from the anonymous form's pages or any error page.

- 400/403/404 show the Chinese reason the code gave; Django's English messages never reach the page;
- 500 is a Chinese page (no debug page, no English);
- an expected 403 is one line in the server log, a 500 keeps its traceback;
- no response on the anonymous form's pages, /favicon.ico, error pages sets a cookie — for an anonymous
  visitor, and for a signed-in user whose browser already holds its cookies.

Cookies are read from `response.cookies` (what the WSGI handler turns into Set-Cookie headers):
`response.headers` never holds them.
"""

from __future__ import annotations

import io
import logging
import re
from contextlib import contextmanager
from unittest import mock

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.test import Client, override_settings
from django.urls import get_resolver, path
from django.views import defaults

from mingjing import urls as project_urls
from mingjing.lib import errors
from mingjing.meetings.models import Meeting
from mingjing.opinions.demo import ONLINE_TITLE
from mingjing.opinions.models import Campaign
from mingjing.test import DEMO_DAY, BaseTestCase

WRITTEN_REASON = "只有督导组可以复核这条整改"


def boom(request):
    raise RuntimeError("the database went away")


def english_404(request):
    return get_object_or_404(Meeting, pk=0)  # Django: "No Meeting matches the given query."


def written_403(request):
    raise PermissionDenied(WRITTEN_REASON)


def bare_403(request):
    raise PermissionDenied  # Django's own refusals carry no message


# This module doubles as a URLconf: the project's URLs, three test-only views, and the project's error
# handlers (Django's English defaults where the project defines none).
urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/english-404/", english_404),
    path("test-errors/written-403/", written_403),
    path("test-errors/bare-403/", bare_403),
    *project_urls.urlpatterns,
]
handler400 = getattr(project_urls, "handler400", defaults.bad_request)
handler403 = getattr(project_urls, "handler403", defaults.permission_denied)
handler404 = getattr(project_urls, "handler404", defaults.page_not_found)
handler500 = getattr(project_urls, "handler500", defaults.server_error)

ENGLISH = re.compile(r"\b(Not Found|Forbidden|Server Error|Bad Request|No \w+ matches|Traceback|Django)\b")


class ErrorPageTestCase(BaseTestCase):
    def assert_no_cookie(self, response) -> None:
        self.assertEqual(dict(response.cookies), {}, f"{response.status_code} sets a cookie")
        self.assertNotIn("Set-Cookie", str(response.serialize_headers(), "latin-1"))

    def assert_chinese_page(self, response, status: int, *texts: str) -> str:
        self.assertEqual(response.status_code, status)
        html = response.content.decode()
        self.assertIn('<html lang="zh-CN">', html)
        for text in texts:
            self.assertIn(text, html)
        self.assertIsNone(ENGLISH.search(html), ENGLISH.search(html))
        return html

    def signed_in(self, persona: str) -> Client:
        """A signed-in browser: a session cookie and the CSRF cookie a real page gave it."""
        client = Client(raise_request_exception=False)
        client.force_login(getattr(self, persona))
        self.assertEqual(client.get("/").status_code, 200)
        self.assertIn(settings.CSRF_COOKIE_NAME, client.cookies)
        return client


class FaviconTest(ErrorPageTestCase):
    def test_favicon_is_an_icon_and_sets_no_cookie(self):
        for client in (Client(), self.signed_in("member")):
            response = client.get("/favicon.ico")
            self.assertEqual(response.status_code, 200)
            self.assertEqual(b"".join(response.streaming_content)[:4], b"\x00\x00\x01\x00")  # an ICO header
            self.assert_no_cookie(response)


class NotFoundTest(ErrorPageTestCase):
    def test_anonymous_404_is_chinese_and_sets_no_cookie(self):
        for url in ("/no-such-page/", "/o/", "/o/token/extra/", "/static/no-such-file.css"):
            with self.subTest(url=url):
                response = Client().get(url)
                html = self.assert_chinese_page(response, 404, "页面不存在", errors.NOT_FOUND)
                self.assertNotIn("退出", html)  # no signed-in layout for a visitor
                self.assert_no_cookie(response)

    def test_written_reason_reaches_the_page_in_the_layout(self):
        client = self.signed_in("preparer")
        response = client.get(f"/meetings/{self.meeting.pk}/documents/no-such-kind/")
        html = self.assert_chinese_page(response, 404, "没有这种文书", "我的整改", "退出")
        self.assertNotIn(errors.NOT_FOUND, html)
        self.assert_no_cookie(response)

    @override_settings(ROOT_URLCONF=__name__)
    def test_django_english_message_gives_way_to_a_chinese_one(self):
        for client in (Client(), self.signed_in("preparer")):
            response = client.get("/test-errors/english-404/")
            html = self.assert_chinese_page(response, 404, errors.NOT_FOUND)
            self.assertNotIn("matches the given query", html)
            self.assert_no_cookie(response)


class ForbiddenTest(ErrorPageTestCase):
    def test_policy_refusal_shows_its_reason_and_sets_no_cookie(self):
        client = self.signed_in("principal")
        response = client.get(f"/meetings/{self.meeting.pk}/edit/")
        html = self.assert_chinese_page(response, 403, "没有权限", "退出")
        reason = re.search(r"<h1>没有权限</h1><p>(.*?)</p>", html).group(1)
        self.assertNotEqual(reason, errors.FORBIDDEN)  # the policy's own words, not the generic ones
        self.assert_no_cookie(response)

    @override_settings(ROOT_URLCONF=__name__)
    def test_written_and_bare_refusals(self):
        for client in (Client(), self.signed_in("member")):
            response = client.get("/test-errors/written-403/")
            self.assert_chinese_page(response, 403, WRITTEN_REASON)
            self.assert_no_cookie(response)
            response = client.get("/test-errors/bare-403/")
            self.assert_chinese_page(response, 403, errors.FORBIDDEN)
            self.assert_no_cookie(response)

    def test_refused_form_post_explains_itself_in_chinese(self):
        # CSRF failure: Django's page is English ("CSRF verification failed").
        with captured_log("django.security.csrf") as log:
            response = Client(enforce_csrf_checks=True).post("/login/", {"username": "x", "password": "y"})
        self.assertEqual(len(log.getvalue().splitlines()), 1, log.getvalue())
        self.assert_chinese_page(response, 403, errors.CSRF_FAILED)
        self.assert_no_cookie(response)


class BadRequestTest(ErrorPageTestCase):
    def test_bad_host_is_chinese_one_log_line_and_no_cookie(self):
        with captured_log("django.security") as log:
            response = Client().get("/", HTTP_HOST="evil.example")
        self.assert_chinese_page(response, 400, errors.BAD_REQUEST)
        self.assert_no_cookie(response)
        self.assertIn("Invalid HTTP_HOST header", log.getvalue())
        self.assertNotIn("Traceback", log.getvalue())


@override_settings(ROOT_URLCONF=__name__)
class ServerErrorTest(ErrorPageTestCase):
    def test_project_handlers_are_wired(self):
        resolver = get_resolver(project_urls)
        self.assertIs(resolver.resolve_error_handler(500), errors.server_error)
        self.assertIs(resolver.resolve_error_handler(404), errors.page_not_found)

    def test_500_is_a_chinese_page_without_cookie(self):
        for client in (Client(raise_request_exception=False), self.signed_in("admin")):
            with captured_log("django.request"):
                response = client.get("/test-errors/boom/")
            html = self.assert_chinese_page(response, 500, "系统出错")
            self.assertNotIn("the database went away", html)
            self.assertNotIn("退出", html)  # rendered without the request: no session, no CSRF token
            self.assert_no_cookie(response)

    def test_500_page_survives_a_broken_template(self):
        with (
            mock.patch.object(errors, "render_to_string", side_effect=RuntimeError("broken")),
            captured_log("django.request"),
            captured_log("mingjing"),
        ):
            response = Client(raise_request_exception=False).get("/test-errors/boom/")
        self.assert_chinese_page(response, 500, "系统出错")


class ErrorLogTest(ErrorPageTestCase):
    @override_settings(ROOT_URLCONF=__name__)
    def test_expected_403_is_one_line_and_500_keeps_its_traceback(self):
        client = Client(raise_request_exception=False)
        with captured_log("django.request") as log:
            self.assertEqual(client.get("/test-errors/written-403/").status_code, 403)
        lines = log.getvalue().splitlines()
        self.assertEqual(lines, ["Forbidden (Permission denied): /test-errors/written-403/"])

        with captured_log("django.request") as log:
            self.assertEqual(client.get("/test-errors/boom/").status_code, 500)
        self.assertIn("Internal Server Error: /test-errors/boom/", log.getvalue())
        self.assertIn("Traceback", log.getvalue())
        self.assertIn("RuntimeError: the database went away", log.getvalue())

    def test_policy_refusal_logs_no_traceback(self):
        client = self.signed_in("principal")
        with captured_log("django.request") as log:
            self.assertEqual(client.get(f"/meetings/{self.meeting.pk}/edit/").status_code, 403)
        self.assertEqual(len(log.getvalue().splitlines()), 1, log.getvalue())
        self.assertNotIn("Traceback", log.getvalue())


class AnonymousFormCookieTest(ErrorPageTestCase):
    """Every response on /o/… — the open form, its posts, an unknown token, a wrong method — sets no
    cookie, for a visitor and for a signed-in user alike."""

    @classmethod
    def setUpTestData(cls) -> None:
        super().setUpTestData()
        cls.url = f"/o/{Campaign.objects.get(meeting=cls.meeting, title=ONLINE_TITLE).public_token}/"

    def test_form_pages_set_no_cookie(self):
        for who, client in (("visitor", Client()), ("member", self.signed_in("member"))):
            with mock.patch("mingjing.opinions.views.today", return_value=DEMO_DAY):
                requests = [
                    ("GET form", client.get(self.url)),
                    ("POST empty", client.post(self.url, {})),
                    ("unknown token", client.get("/o/no-such-token/")),
                    ("no slash", client.get(self.url.rstrip("/"))),
                    ("PUT", client.put(self.url)),
                    ("favicon", client.get("/favicon.ico")),
                ]
            for label, response in requests:
                with self.subTest(who=who, request=label, status=response.status_code):
                    self.assert_no_cookie(response)
            self.assertEqual(requests[0][1].status_code, 200)
            self.assertEqual(requests[2][1].status_code, 404)


@contextmanager
def captured_log(name: str):
    """What the project's configured console handler writes for logger `name` (at WARNING, as in
    production), instead of the test run's stderr."""
    logger = logging.getLogger(name)
    console = next(h for h in logging.getLogger("django").handlers if isinstance(h, logging.StreamHandler))
    stream = io.StringIO()
    old_stream, old_level = console.setStream(stream), logger.level
    handlers_before = list(logger.handlers)
    if console not in logger.handlers and not logger.propagate:
        logger.addHandler(console)
    logger.setLevel(logging.WARNING)
    try:
        yield stream
    finally:
        logger.setLevel(old_level)
        logger.handlers[:] = handlers_before
        console.setStream(old_stream)
