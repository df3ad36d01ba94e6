"""Opinion import benchmark: a 2,000-row .xlsx sheet validated and imported (goal: under 3 s).

Prints the median over several runs and its ratio to the goal. Run with `make bench`.
"""

from __future__ import annotations

import io
import statistics
import time

from _setup import django_with_fresh_db

django_with_fresh_db()

from openpyxl import Workbook  # noqa: E402

from mingjing.demo.services import load_demo  # noqa: E402
from mingjing.opinions.models import Campaign, Opinion  # noqa: E402
from mingjing.opinions.services import IMPORT_COLUMNS, campaign_create, opinions_import  # noqa: E402

ROWS = 2000
GOAL_SECONDS = 3.0
CHANNELS = ["征求意见表", "座谈会", "意见箱", "个别走访", ""]
SOURCES = ["机关科室", "下属单位", "党支部和党员", "服务对象", ""]


def opinion_sheet(rows: int, names: list[str]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(list(IMPORT_COLUMNS))
    targets = ["领导班子", *names]
    for i in range(rows):
        ws.append(
            [
                f"第{i}条意见：调查研究不够深入，联系服务群众还有差距，解决基层急难愁盼问题的办法不多",
                targets[i % len(targets)],
                str(i % 5 + 1),
                CHANNELS[i % len(CHANNELS)],
                SOURCES[i % len(SOURCES)],
                f"2026-10-{i % 28 + 1:02d}",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main() -> None:
    meeting = load_demo()
    sheet = opinion_sheet(ROWS, [e.name for e in meeting.roster.all()])
    times = []
    for run in range(5):
        campaign = campaign_create(
            actor=None,
            meeting=meeting,
            title=f"基准征求意见{run}",
            opens_on=meeting.planned_date,
            closes_on=meeting.planned_date,
        )
        start = time.perf_counter()
        count = opinions_import(actor=None, campaign=campaign, fileobj=io.BytesIO(sheet))
        times.append(time.perf_counter() - start)
        assert count == ROWS == Opinion.objects.filter(campaign=campaign).count()
    median = statistics.median(times)
    runs = ", ".join(f"{t:.2f}" for t in times)
    print(
        f"opinion import, {ROWS} rows: median {median:.2f} s (runs: {runs}); "
        f"{median / GOAL_SECONDS:.0%} of the {GOAL_SECONDS:.0f} s goal"
    )
    assert Campaign.objects.filter(meeting=meeting).count() >= 5


if __name__ == "__main__":
    main()
