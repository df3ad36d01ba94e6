"""Foundation benchmarks: roster import of 2,000 rows; the meetings list with 200 meetings.

Prints medians over several runs. Run with `make bench`.
"""

from __future__ import annotations

import io
import statistics
import time

from _setup import django_with_fresh_db

django_with_fresh_db()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from mingjing.demo.services import load_demo  # noqa: E402
from mingjing.meetings.services import meeting_create  # noqa: E402
from mingjing.organizations.roster import COLUMNS, roster_import  # noqa: E402
from mingjing.organizations.services import organization_create  # noqa: E402


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def roster_sheet(rows: int) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    for i in range(rows):
        ws.append([f"人员{i:04d}", "科员", "", "", "", "", "", "是"])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main() -> None:
    meeting = load_demo()
    sheet = roster_sheet(2000)
    units = iter(range(100))

    def import_once() -> None:
        unit = organization_create(actor=None, parent=None, name=f"基准单位{next(units)}", short_name="基准单位")
        roster_import(actor=None, organization=unit, fileobj=io.BytesIO(sheet))

    times = timed(import_once, 3)
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(f"roster import, 2000 rows: median {statistics.median(times):.2f} s (runs: {runs})")

    for i in range(198):  # one annual meeting per unit and year: the rest are extra 专题 meetings
        meeting_create(
            actor=None,
            organization=meeting.organization,
            config=meeting.config,
            kind="special",
            extra_reason="基准测试",
            planned_date=meeting.planned_date,
            title=f"基准会议{i:03d}",
        )
    client = Client()
    client.force_login(meeting.organization.memberships.get(role="preparer").user)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get("/meetings/").status_code == 200
    times = timed(lambda: client.get("/meetings/"), 10)
    print(f"meetings list, 200 meetings: median {statistics.median(times) * 1000:.0f} ms, {len(queries)} queries")


if __name__ == "__main__":
    main()
