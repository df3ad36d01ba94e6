"""PostgreSQL plans at province size (`make bench-postgres`; not in CI: it builds 1 M items).

Creates a scratch database (default mingjing_bench on 127.0.0.1:5432, user postgres; dropped at the
end), migrates it, and fills it with bulk inserts and COPY: 5,000 units below one superior, a meeting
of the year each with a roster of 10 (people with the same names), 1,000,000 rectification items.
Then, for a member ("我的整改", `my_items`), for the ledger (`items_of_meeting`, `ledger_for_meeting`)
and for the superior's overview (`overview_rows`):

- prints the EXPLAIN (ANALYZE) plan of every query the reading runs;
- says MISS when a plan reads the items, roster or person table with a sequential scan;
- prints the median time against its goal and the query count.

    .venv/bin/python bench/postgres.py [--units 5000] [--items 1000000] [--db mingjing_bench] [--keep]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import sys
import tempfile
from pathlib import Path

SERVER = "postgres://postgres@127.0.0.1:5432"
SCANNED = ("rectification_rectificationitem", "meetings_rosterentry", "organizations_person")
GOALS = {"my_items": 0.1, "ledger": 0.1, "oversight": 0.3}
ROSTER = 10
DAY = dt.date(2026, 12, 1)


def create_database(name: str) -> None:
    import psycopg

    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or name.startswith("test_mingjing"):
        sys.exit(f"bench-postgres: refusing database name {name!r}")
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name}")
        conn.execute(f"CREATE DATABASE {name}")


def drop_database(name: str) -> None:
    import psycopg
    from django.db import connections

    connections.close_all()
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def setup(name: str) -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    os.environ["MINGJING_DATA_DIR"] = tempfile.mkdtemp(prefix="mingjing-bench-")
    os.environ["MINGJING_DATABASE_URL"] = f"{SERVER}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mingjing.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def copy_rows(table: str, columns: list[str], rows) -> None:
    from django.db import connection

    sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def build(units: int, items: int):
    """(the superior, a member who owns items in his unit's ledger, that meeting)."""
    from _setup import bulk_units_with_meetings
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction

    from mingjing.accounts.models import Membership, Role
    from mingjing.meetings.models import RosterEntry, StepCompletion
    from mingjing.organizations.models import Organization, Person, TeamRole
    from mingjing.rectification.models import RectificationItem, Status
    from mingjing.yearconfigs.models import YearConfig

    with transaction.atomic():
        top = Organization.objects.create(name="省委", short_name="省委", path="")
        Organization.objects.filter(pk=top.pk).update(path=f"/{top.pk}/")
        top.path = f"/{top.pk}/"
        config = YearConfig.objects.create(organization=top, year=2025, name="2025年度", theme="主题")
        orgs, meetings = bulk_units_with_meetings(top, units, config=config, planned_date=dt.date(2026, 1, 10))
        people = Person.objects.bulk_create(
            [
                Person(
                    organization=o,
                    name=f"成员{n}",
                    team_role=TeamRole.PRINCIPAL if n == 0 else TeamRole.MEMBER,
                    precedence=n,
                )
                for o in orgs
                for n in range(ROSTER)
            ],
            batch_size=10000,
        )
        StepCompletion.objects.bulk_create(
            [
                StepCompletion(meeting=m, step=s, completed_on=dt.date(2026, 1, 10))
                for m in meetings
                for s in ("plan_request", "study", "meeting")
            ],
            batch_size=10000,
        )
        entries = RosterEntry.objects.bulk_create(
            [
                RosterEntry(
                    meeting=m,
                    person=people[i * ROSTER + n],
                    name=f"成员{n}",
                    team_role=people[i * ROSTER + n].team_role,
                    precedence=n,
                )
                for i, m in enumerate(meetings)
                for n in range(ROSTER)
            ],
            batch_size=10000,
        )
        per = max(1, items // units)
        statuses = [Status.NOT_STARTED, Status.IN_PROGRESS, Status.CLOSED, Status.CLOSED, Status.REQUESTED]
        now = dt.datetime(2026, 1, 10, tzinfo=dt.UTC)

        def item_rows():
            for i, m in enumerate(meetings):
                for n in range(per):
                    # The team's items and each member's; the principal is the leader of the team's.
                    owner = entries[i * ROSTER + n % ROSTER] if n % (ROSTER + 1) else None
                    leader = entries[i * ROSTER].pk
                    person = people[i * ROSTER + (n * 7) % ROSTER].pk
                    status = statuses[n % len(statuses)]
                    yield (
                        m.pk, n + 1, owner.pk if owner else None, "问题", "措施", leader, person,
                        DAY + dt.timedelta(days=30 * (n % 20) - 300), False, status, 0, "", "", now, now,
                    )  # fmt: skip

        copy_rows(
            RectificationItem._meta.db_table,
            [
                "meeting_id",
                "number",
                "owner_id",
                "problem_text",
                "measures",
                "responsible_leader_id",
                "responsible_person_id",
                "deadline",
                "long_term",
                "status",
                "progress",
                "progress_note",
                "return_reason",
                "created_at",
                "updated_at",
            ],  # fmt: skip
            item_rows(),
        )
        superior = get_user_model().objects.create_user("bench-superior", password="x")
        Membership.objects.create(user=superior, organization=top, role=Role.SUPERIOR)
        member = get_user_model().objects.create_user("bench-member", password="x")
        Person.objects.filter(pk=people[ROSTER + 3].pk).update(user=member)
        Membership.objects.create(user=member, organization=orgs[1], role=Role.MEMBER)
    refresh_rollups()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return superior, member, meetings[1]


def reuse():
    from django.contrib.auth import get_user_model

    from mingjing.meetings.models import Meeting

    users = get_user_model().objects
    member = users.get(username="bench-member")
    return users.get(username="bench-superior"), member, Meeting.objects.get(organization__people__user=member)


def refresh_rollups() -> None:
    """The overview's roll-up, when the rectification app keeps one (rows built by COPY bypass it)."""
    try:
        from mingjing.rectification.tally import refresh_tallies
    except ImportError:
        return
    refresh_tallies()


def explain(queries: list[dict]) -> list[str]:
    """Print each query's plan; return the tables read with a sequential scan."""
    from django.db import connection

    seq = []
    with connection.cursor() as cursor:
        for n, q in enumerate(queries, 1):
            sql = q["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            cursor.execute("EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) " + sql)
            plan = "\n".join(r[0] for r in cursor.fetchall())
            print(f"  -- query {n}: {sql[:160]}{'…' if len(sql) > 160 else ''}")
            print("     " + plan.replace("\n", "\n     "))
            seq += [t for t in SCANNED if re.search(rf"Seq Scan on {t}\b", plan)]
    return seq


def bench(name: str, run, goal: float) -> bool:
    from _setup import measure, report
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    run()  # warm up
    with CaptureQueriesContext(connection) as captured:
        run()
    print(f"== {name}: {len(captured)} queries")
    seq = explain(captured.captured_queries)
    verdict = "MISS" if seq else "PASS"
    print(f"{name}: sequential scans of items/roster/person tables: {sorted(set(seq)) or 'none'}: {verdict}")
    report(f"{name} (PostgreSQL)", measure(run, 7), goal)
    print(f"{name}: queries: {len(captured)}")
    return not seq


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=5000)
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--db", default="mingjing_bench")
    parser.add_argument("--keep", action="store_true", help="keep the database (drop it yourself)")
    parser.add_argument("--reuse", action="store_true", help="measure a database kept by --keep (migrated again)")
    args = parser.parse_args()
    if not args.reuse:
        create_database(args.db)
    try:
        setup(args.db)
        import time

        start = time.perf_counter()
        if args.reuse:
            superior, member, meeting = reuse()
            refresh_rollups()
        else:
            superior, member, meeting = build(args.units, args.items)
        from mingjing.accounts.access import forget_access
        from mingjing.oversight.selectors import overview_rows
        from mingjing.rectification.models import RectificationItem
        from mingjing.rectification.selectors import ledger_for_meeting, my_items

        total = RectificationItem.objects.count()
        print(f"built {args.units} units, {total} rectification items in {time.perf_counter() - start:.0f} s")

        def mine() -> None:
            forget_access(member)
            assert sum(len(g.rows) for g in my_items(user=member, on=DAY)) > 0

        def ledger() -> None:
            assert ledger_for_meeting(meeting, on=DAY).rows

        def oversight() -> None:
            forget_access(superior)
            rows, _ = overview_rows(user=superior, year=2025, sort="lateness", on=DAY)
            assert len(rows) == args.units + 1

        bench("my_items (我的整改)", mine, GOALS["my_items"])
        bench("ledger (items_of_meeting)", ledger, GOALS["ledger"])
        bench("oversight overview", oversight, GOALS["oversight"])
    finally:
        if not args.keep:
            drop_database(args.db)


if __name__ == "__main__":
    main()
