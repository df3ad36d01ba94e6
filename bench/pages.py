"""Pages at size (issue 15 point 4): every list page under 100 ms with 5,000 units below the superior
and with 100× one meeting's records, on a throw-away SQLite database — or, with --postgres, on a
scratch PostgreSQL database (mingjing_bench_pages on 127.0.0.1:5432, user postgres; dropped at the end;
`make bench-postgres` runs it so).

Loads the demo, multiplies the 2025 meeting's records by 100 (archive/tests/records.py, bulk creates),
adds 5,000 units (each with its meeting) below the demo's superior unit, then times each page through
the test client as the persona who uses it: median of 5 after a warm-up, the goal, PASS/MISS, the
query count and the size of the HTML.

    .venv/bin/python bench/pages.py [--units 5000] [--factor 100] [--postgres]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _setup import bulk_units_with_meetings, django_with_fresh_db, like_a_server  # noqa: E402

GOAL = 0.1  # seconds
RUNS = 5


def add_units(units: int) -> None:
    from mingjing.demo.services import SUPERIOR
    from mingjing.meetings.models import StepCompletion
    from mingjing.organizations.models import Organization
    from mingjing.yearconfigs.models import YearConfig

    top = Organization.objects.get(name=SUPERIOR["name"])
    config = YearConfig.objects.filter(year=2025).order_by("id").first()
    _, meetings = bulk_units_with_meetings(
        top, units, config=config, planned_date=dt.date(2026, 1, 10), prefix="测试单位"
    )
    StepCompletion.objects.bulk_create(
        [StepCompletion(meeting=m, step="plan_request", completed_on=dt.date(2025, 12, 20)) for m in meetings],
        batch_size=5000,
    )


def timed(client, url: str, expect: str = "") -> tuple[float, int, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    response = client.get(url)  # warm up
    assert response.status_code == 200, (url, response.status_code)
    if expect:
        assert expect in response.content.decode(), (url, expect)
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        client.get(url)
        times.append(time.perf_counter() - start)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    return statistics.median(times), len(queries), len(response.content)


PG_DATABASE = "mingjing_bench_pages"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--factor", type=int, default=100)
    parser.add_argument("--postgres", action="store_true", help="on a scratch PostgreSQL database, dropped at the end")
    args = parser.parse_args()
    if not args.postgres:
        django_with_fresh_db()
        measure_pages(args)
        return
    import postgres  # bench/postgres.py: the scratch database's set-up

    postgres.create_database(PG_DATABASE)
    try:
        postgres.setup(PG_DATABASE)
        measure_pages(args)
    finally:
        postgres.drop_database(PG_DATABASE)


def measure_pages(args: argparse.Namespace) -> None:
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from mingjing.demo.services import SUPERIOR, load_demo
    from mingjing.opinions.models import Campaign
    from mingjing.organizations.models import Organization
    from mingjing.rectification.models import RectificationItem
    from mingjing.rectification.tally import refresh_tallies

    meeting = load_demo(on=dt.date(2026, 11, 2))
    try:
        from mingjing.archive.tests.records import multiply_records
    except ImportError:
        sys.exit("pages: the record multiplier (mingjing/archive/tests/records.py) is missing")
    multiply_records(meeting=meeting, factor=args.factor)
    refresh_tallies([meeting.pk])  # bulk creates send no signals
    add_units(args.units)
    items = RectificationItem.objects.filter(meeting=meeting).count()
    from django.db import connection

    print(
        f"database: {connection.vendor}; demo meeting with {args.factor}× its records ({items} rectification items); "
        f"{args.units} units below the superior"
    )

    if connection.vendor == "postgresql":  # the planner's statistics, as autovacuum keeps them on a server
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
    like_a_server()
    users = get_user_model().objects
    clients = {}
    for persona in ("preparer", "member", "superior", "supervisor"):
        clients[persona] = Client()
        clients[persona].force_login(users.get(username=f"demo-{persona}"))
    campaign = Campaign.objects.filter(meeting=meeting).order_by("id").first()
    superior_unit = Organization.objects.get(name=SUPERIOR["name"])
    pages = [
        ("meetings list (superior)", "superior", reverse("meetings:list")),
        ("home (superior)", "superior", reverse("home")),
        ("units list (superior)", "superior", reverse("organizations:list")),
        (
            "a unit's page with its children (superior)",
            "superior",
            reverse("organizations:detail", args=[superior_unit.pk]),
        ),
        ("oversight overview (superior)", "superior", reverse("oversight:overview")),
        ("opinion list (preparer)", "preparer", reverse("opinions:opinions", args=[campaign.pk])),
        ("grouping (preparer)", "preparer", reverse("opinions:items", args=[campaign.pk])),
        ("problems of the team (preparer)", "preparer", reverse("problems:team", args=[meeting.pk])),
        ("new problem form (preparer)", "preparer", reverse("problems:problem_create", args=[meeting.pk])),
        ("ledger (preparer)", "preparer", reverse("rectification:ledger", args=[meeting.pk])),
        ("ledger: from problems (preparer)", "preparer", reverse("rectification:from_problems", args=[meeting.pk])),
        ("talks (preparer)", "preparer", reverse("talks:list", args=[meeting.pk])),
        ("我的整改 (member)", "member", reverse("rectification:mine")),
        ("meeting page (preparer)", "preparer", reverse("meetings:detail", args=[meeting.pk])),
        (
            "material review with its 查重 (supervisor)",
            "supervisor",
            reverse("materials:edit", args=[meeting.pk, "team"]),
        ),
    ]
    misses = 0
    for name, persona, url in pages:
        median, queries, size = timed(clients[persona], url)
        verdict = "PASS" if median < GOAL else "MISS"
        misses += verdict == "MISS"
        print(
            f"{name}: median {median * 1000:.0f} ms; goal < {GOAL * 1000:.0f} ms: {verdict} "
            f"({queries} queries, {size // 1024} KB)"
        )
    print(f"pages: {len(pages) - misses} of {len(pages)} under {GOAL * 1000:.0f} ms")


if __name__ == "__main__":
    main()
