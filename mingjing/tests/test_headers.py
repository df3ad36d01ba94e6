"""Security headers: CSP on every page, no-store on signed-in pages, HTTPS settings from the
environment (`check --deploy` clean with the production settings README documents)."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.urls import reverse

from mingjing.test import BaseTestCase

# README: 生产部署 — the variables a production installation sets.
PRODUCTION_ENV = {
    "MINGJING_SECRET_KEY": "x7Kq2vN9pL4mR8sT1wY6zB3cF5hJ0dG2aE7uI9oP4kM1nQ8rS3tV6xZ0yW5bC2fH",
    "MINGJING_ALLOWED_HOSTS": "mj.example.gov.cn",
    "MINGJING_CSRF_TRUSTED_ORIGINS": "https://mj.example.gov.cn",
    "MINGJING_SECURE_COOKIES": "1",
    "MINGJING_HSTS_SECONDS": "31536000",
    "MINGJING_HSTS_INCLUDE_SUBDOMAINS": "1",
    "MINGJING_HSTS_PRELOAD": "1",
    "MINGJING_SSL_REDIRECT": "1",
    "MINGJING_PROXY_SSL_HEADER": "X-Forwarded-Proto",
}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("MINGJING_")}
    return subprocess.run(
        [sys.executable, str(Path(settings.BASE_DIR) / "manage.py"), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


class HeadersTest(BaseTestCase):
    def test_every_page_carries_the_csp(self):
        for url, persona in (
            (reverse("login"), None),
            (reverse("home"), "member"),
            (reverse("meetings:list"), "admin"),
        ):
            if persona:
                self.login(persona)
            response = self.client.get(url)
            self.assertEqual(response.status_code, 200, url)
            policy = response.headers["Content-Security-Policy"]
            # Directive by directive: their order in the header is not fixed.
            directives = dict(d.strip().split(" ", 1) for d in policy.split(";") if d.strip())
            self.assertEqual(directives["default-src"], "'self'")
            self.assertEqual(directives["script-src"], "'self'")  # no inline script, no eval
            self.assertNotIn("unsafe-eval", policy)
            self.assertEqual(directives["frame-ancestors"], "'none'")
        # No page has an inline script or event handler left (they would not run).
        self.login("preparer")
        page = self.client.get(reverse("plans:plan", args=[self.meeting.pk])).content.decode()
        self.assertNotIn("onsubmit=", page)
        self.assertIn('data-confirm="确定删除该任务？"', page)

    def test_signed_in_pages_are_not_stored(self):
        self.login("member")
        response = self.client.get(reverse("home"))
        self.assertIn("no-store", response.headers["Cache-Control"])
        self.assertIn("private", response.headers["Cache-Control"])

    def test_https_settings_come_from_the_environment(self):
        with tempfile.TemporaryDirectory() as data:
            env = {**PRODUCTION_ENV, "MINGJING_DATA_DIR": data}
            result = manage("check", "--deploy", "--fail-level", "WARNING", env=env)
            self.assertEqual(result.returncode, 0, result.stdout + result.stderr)
            self.assertIn("no issues", result.stdout + result.stderr)
            shown = manage(
                "shell",
                "-c",
                "from django.conf import settings as s; print(s.SECURE_HSTS_SECONDS, s.SECURE_SSL_REDIRECT,"
                " s.SECURE_PROXY_SSL_HEADER)",
                env=env,
            )
            self.assertEqual(shown.stdout.strip().splitlines()[-1], "31536000 True ('HTTP_X_FORWARDED_PROTO', 'https')")
            # Without them, check --deploy names what is missing.
            bare = manage("check", "--deploy", "--fail-level", "WARNING", env={"MINGJING_DATA_DIR": data})
            self.assertNotEqual(bare.returncode, 0)
            self.assertIn("security.W004", bare.stderr + bare.stdout)
            self.assertIn("security.W008", bare.stderr + bare.stdout)
