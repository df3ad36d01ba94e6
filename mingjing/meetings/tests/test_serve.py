"""`mingjing serve`: several worker processes on Linux, static files through whitenoise, waitress elsewhere."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import unittest
from io import StringIO
from pathlib import Path
from unittest import mock

from django.conf import settings
from django.core.management import call_command
from django.test import SimpleTestCase

from mingjing.meetings.management.commands import serve


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@unittest.skipUnless(sys.platform.startswith("linux") and serve.multiprocess_available(), "gunicorn runs on Linux")
class ServeWorkersTest(SimpleTestCase):
    def test_two_workers_answer_pages_and_static_files(self) -> None:
        port = free_port()
        data = tempfile.mkdtemp(prefix="mingjing-serve-test-")
        env = {**os.environ, "MINGJING_DATA_DIR": data, "MINGJING_REMIND_INTERVAL": "0"}
        proc = subprocess.Popen(
            [sys.executable, "manage.py", "serve", "--port", str(port), "--workers", "2", "--threads", "2"],
            cwd=settings.BASE_DIR,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.addCleanup(self._stop, proc)
        # Read its output until the port is open (or it ends): no polling, no sleeping.
        said = []
        for line in proc.stdout:
            said.append(line)
            if serve.READY in line:
                break
        self.assertIsNone(proc.poll(), "服务未能启动")
        self.assertIn("2个进程×2个线程", "".join(said))
        status, _ = get(port, "/static/mingjing/site.css")
        self.assertEqual(status, 200)
        status, body = get(port, "/login/")
        self.assertEqual(status, 200)
        self.assertIn("登录", body.decode())
        # The master forks its workers one after another: ask until both answered (bounded by count).
        for _ in range(200):
            if len(children(proc.pid)) == 2:
                break
            get(port, "/static/mingjing/site.css")
        self.assertEqual(len(children(proc.pid)), 2, "应有2个工作进程")

    def _stop(self, proc: subprocess.Popen) -> None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.communicate()


class SharedCacheTest(SimpleTestCase):
    def test_worker_processes_share_one_cache(self) -> None:
        """The security policy is cached until the security administrator saves it: a clearing in one
        worker process must reach the others (it did not with each process's own memory cache)."""
        data = tempfile.mkdtemp(prefix="mingjing-cache-test-")
        env = {**os.environ, "MINGJING_DATA_DIR": data}

        def shell(code: str) -> str:
            done = subprocess.run(
                [sys.executable, "manage.py", "shell", "-c", code],
                cwd=settings.BASE_DIR,
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""

        shell("from django.core.cache import cache; cache.set('mingjing:probe', 'A', None)")
        self.assertEqual(shell("from django.core.cache import cache; print(cache.get('mingjing:probe'))"), "A")
        shell("from django.core.cache import cache; cache.delete('mingjing:probe')")
        self.assertEqual(shell("from django.core.cache import cache; print(cache.get('mingjing:probe'))"), "None")


class ServeChoiceTest(SimpleTestCase):
    def test_workers_default_to_the_cores_and_gunicorn_gets_them(self) -> None:
        with (
            mock.patch.object(serve, "multiprocess_available", return_value=True),
            mock.patch.object(serve, "run_gunicorn") as run,
            mock.patch.object(serve, "freeze_loaded_objects"),
        ):
            call_command("serve", "--port", "8123", stdout=StringIO())
        options = run.call_args.args[1]
        self.assertEqual(options["workers"], serve.default_workers())
        self.assertEqual(options["bind"], ["127.0.0.1:8123"])
        self.assertEqual(options["worker_class"], "gthread")

    def test_waitress_serves_where_gunicorn_cannot(self) -> None:
        out = StringIO()
        with (
            mock.patch.object(serve, "multiprocess_available", return_value=False),
            mock.patch("waitress.serve") as waitress,
            mock.patch("mingjing.reminders.periodic.start") as periodic,
            mock.patch.object(serve, "freeze_loaded_objects") as freeze,  # not the test runner's objects
        ):
            call_command("serve", "--host", "::1", "--workers", "4", stdout=out)
        freeze.assert_called_once()
        self.assertEqual(waitress.call_args.kwargs["host"], "::1")
        periodic.assert_called_once()
        self.assertIn("单进程×4个线程", out.getvalue())
        self.assertIn("http://[::1]:8000/", out.getvalue())

    def test_nonsense_worker_count_is_refused_in_chinese(self) -> None:
        from django.core.management.base import CommandError

        with self.assertRaisesMessage(CommandError, "--workers 和 --threads 须为正整数"):
            call_command("serve", "--workers", "0", stdout=StringIO())
