"""Oversight benchmark: the superior's overview (/oversight/ selector) over 5,000 units below one
superior, each with a meeting of the year and many rectification items (bulk-created), on SQLite —
and on PostgreSQL when MINGJING_DATABASE_URL is set (its database is used as is: run it on an empty
throw-away database). Prints the median time against the 300 ms goal, PASS/MISS, and the query count.

    .venv/bin/python bench/oversight.py [--units 5000] [--items 100]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
import tempfile
from pathlib import Path

GOAL = 0.3  # seconds


def setup() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["MINGJING_DATA_DIR"] = tempfile.mkdtemp(prefix="mingjing-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mingjing.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build(units: int, items_per_unit: int) -> object:
    from django.contrib.auth import get_user_model

    from mingjing.accounts.models import Membership, Role
    from mingjing.meetings.models import Meeting, StepCompletion
    from mingjing.organizations.models import Organization
    from mingjing.rectification.models import RectificationItem, Status
    from mingjing.yearconfigs.models import YearConfig

    top = Organization.objects.create(name="市委", short_name="市委", path="")
    top.path = f"/{top.pk}/"
    Organization.objects.filter(pk=top.pk).update(path=top.path)
    config = YearConfig.objects.create(organization=top, year=2025, name="2025年度", theme="主题")
    orgs = Organization.objects.bulk_create(
        [Organization(parent=top, name=f"单位{i:05d}", short_name=f"单位{i:05d}", path="") for i in range(units)]
    )
    for o in orgs:
        o.path = f"{top.path}{o.pk}/"
    Organization.objects.bulk_update(orgs, ["path"], batch_size=2000)
    # Nine in ten units have their meeting; the rest show as 未建立.
    meetings = Meeting.objects.bulk_create(
        [
            Meeting(
                organization=o, config=config, title=f"{o.name}2025年度民主生活会", planned_date=dt.date(2026, 1, 10)
            )
            for i, o in enumerate(orgs)
            if i % 10
        ],
        batch_size=2000,
    )
    StepCompletion.objects.bulk_create(
        [
            StepCompletion(meeting=m, step=s, completed_on=dt.date(2026, 1, 10))
            for m in meetings
            for s in ("plan_request", "study", "meeting")
        ],
        batch_size=5000,
    )
    statuses = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.CLOSED, Status.CLOSED, Status.REQUESTED]
    batch = []
    for m in meetings:
        for n in range(items_per_unit):
            batch.append(
                RectificationItem(
                    meeting=m,
                    number=n + 1,
                    problem_text="问题",
                    measures="措施",
                    deadline=dt.date(2026, 1, 10) + dt.timedelta(days=30 * (n % 20)),
                    status=statuses[n % len(statuses)],
                )
            )
            if len(batch) >= 20000:
                RectificationItem.objects.bulk_create(batch)
                batch = []
    RectificationItem.objects.bulk_create(batch)
    from mingjing.rectification.tally import refresh_tallies

    refresh_tallies()  # bulk_create sends no signals: the overview's roll-up is counted once here
    user = get_user_model().objects.create_user("bench-superior", password="x")
    Membership.objects.create(user=user, organization=top, role=Role.SUPERIOR)
    return user


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--items", type=int, default=100, help="rectification items per meeting")
    args = parser.parse_args()
    setup()
    from _setup import like_a_server, measure, report
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mingjing.accounts.access import forget_access
    from mingjing.oversight.selectors import overview_rows
    from mingjing.rectification.models import RectificationItem

    user = build(args.units, args.items)
    like_a_server()
    total = RectificationItem.objects.count()
    on = dt.date(2026, 12, 1)

    def run() -> None:
        forget_access(user)
        rows, _ = overview_rows(user=user, year=2025, sort="lateness", on=on)
        assert len(rows) == args.units + 1

    run()  # warm up
    with CaptureQueriesContext(connection) as queries:
        run()
    print(f"database: {connection.vendor}; {args.units} units, {total} rectification items")
    report(f"oversight overview ({args.units} units)", measure(run, 7), GOAL)
    print(f"queries: {len(queries)} (fixed, whatever the number of units)")


if __name__ == "__main__":
    main()
