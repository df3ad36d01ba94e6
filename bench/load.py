"""Load benchmark (issue 15 point 3): `mingjing serve` on a copy of the demo, 50 signed-in users.

Starts the real server (`mingjing serve --workers <cores>`, loopback only) on a throw-away data dir
holding the demo, signs 50 users in (sessions made in this process, as the login would), then each user
opens a typical page, thinks 1 s, and opens the next, for DURATION seconds. Prints p50/p95/p99 latency,
throughput and errors, and the goal: p95 < 100 ms with 0 errors. Bounded in time; it stops by itself.
Set MINGJING_LOAD_WORKERS to compare (e.g. 1), MINGJING_LOAD_SECONDS to run longer.
"""

from __future__ import annotations

import http.client
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

from _setup import django_with_fresh_db

django_with_fresh_db()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.test import Client  # noqa: E402

from mingjing.accounts.models import SecurityPolicy  # noqa: E402
from mingjing.demo.services import load_demo  # noqa: E402
from mingjing.meetings.management.commands.serve import READY, default_workers  # noqa: E402
from mingjing.rectification.models import RectificationItem  # noqa: E402

USERS = 50
THINK = 1.0  # seconds between a user's pages
DURATION = float(os.environ.get("MINGJING_LOAD_SECONDS", "30"))
WARMUP = 5.0  # seconds of load not counted (caches, first connections)
WORKERS = int(os.environ.get("MINGJING_LOAD_WORKERS", str(default_workers())))
GOAL_P95 = 0.100
PERSONAS = ("demo-member", "demo-principal", "demo-preparer", "demo-supervisor", "demo-superior")


def pages_for(meeting, item_id: int | None, username: str) -> list[str]:
    """What a signed-in user opens: the home page (with the two counts its top bar loads), the to-do
    list, the meeting, my rectification, the meetings list; the member and the principal an item."""
    m = meeting.pk
    pages = ["/", "/todo/count/", "/reminders/count/", "/todo/", f"/meetings/{m}/", "/my/rectification/"]
    pages += ["/meetings/", "/", "/todo/count/", "/reminders/count/"]
    if item_id and username in ("demo-member", "demo-principal"):
        pages.append(f"/rectification/{item_id}/")
    return pages


def sign_in(n: int) -> list[tuple[str, str]]:
    """(username, session cookie) for n users, through Django's own login (the demo personas, in turn)."""
    policy = SecurityPolicy.objects.first() or SecurityPolicy()
    policy.max_sessions = n  # one account signed in from many desks here; the limit is not under test
    policy.save()
    users = get_user_model().objects.in_bulk(list(PERSONAS), field_name="username")
    cookies = []
    for i in range(n):
        user = users[PERSONAS[i % len(PERSONAS)]]
        client = Client()
        client.force_login(user)
        cookies.append((user.username, client.cookies[settings.SESSION_COOKIE_NAME].value))
    return cookies


def start_server(port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "MINGJING_ALLOWED_HOSTS": "127.0.0.1",
        "MINGJING_REMIND_INTERVAL": "0",
        "MINGJING_LOG_LEVEL": "ERROR",
    }
    root = Path(__file__).resolve().parent.parent
    proc = subprocess.Popen(
        [sys.executable, "-m", "mingjing.cli", "serve", "--port", str(port), "--workers", str(WORKERS)],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    for line in proc.stdout:
        if READY in line or "waitress" in line.lower() or "Serving on" in line:
            return proc
        if proc.poll() is not None:
            break
    if WORKERS > 0 and proc.poll() is not None:
        raise SystemExit(f"server did not start: {proc.returncode}")
    return proc


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def user_loop(port: int, cookie: str, pages: list[str], start: float, stop: float, out: list, errors: list) -> None:
    rnd = random.Random(cookie)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    headers = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}", "Host": "127.0.0.1"}
    time.sleep(rnd.random() * THINK)  # users do not all arrive in the same instant
    while time.monotonic() < stop:
        path = rnd.choice(pages)
        began = time.monotonic()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            status = response.status
        except (OSError, http.client.HTTPException) as exc:
            status = str(exc)
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        took = time.monotonic() - began
        if began >= start:
            out.append(took)
            if status != 200:
                errors.append(f"{path}: {status}")
        time.sleep(THINK)
    conn.close()


def main() -> None:
    meeting = load_demo()
    item = RectificationItem.objects.filter(owner__person__user__username="demo-member").order_by("pk").first()
    cookies = sign_in(USERS)
    from django.db import connections

    connections.close_all()
    port = free_port()
    server = start_server(port)
    try:
        began = time.monotonic()
        start, stop = began + WARMUP, began + WARMUP + DURATION
        times: list[float] = []
        errors: list[str] = []
        threads = [
            threading.Thread(
                target=user_loop,
                args=(port, c, pages_for(meeting, item.pk if item else None, u), start, stop, times, errors),
                daemon=True,
            )
            for u, c in cookies
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=WARMUP + DURATION + 60)
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
    if not times:
        raise SystemExit("no request was answered")
    q = statistics.quantiles(times, n=100)
    p50, p95, p99 = statistics.median(times), q[94], q[98]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"load: machine load average {load:.1f} on {os.cpu_count()} cores (fair figures need a calm machine)")
    print(
        f"load: {USERS} users, {THINK:g} s think time, {WORKERS} worker(s), {DURATION:g} s: "
        f"{len(times)} requests, {len(times) / DURATION:.1f} req/s, errors {len(errors)}"
    )
    print(f"load: p50 {p50 * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")
    if errors:
        print("load: first errors:", "; ".join(errors[:5]))
    ok = p95 < GOAL_P95 and not errors
    print(
        f"load: p95 {p95 * 1000:.0f} ms, errors {len(errors)}; goal p95 < {GOAL_P95 * 1000:.0f} ms, 0 errors: "
        f"{'PASS' if ok else 'MISS'}"
    )


if __name__ == "__main__":
    main()
