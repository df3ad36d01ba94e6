"""Opinion import benchmark: a 10,000-row .xlsx sheet validated and imported (goal: under 3 s).

Prints rows, the median over several runs, the goal and PASS or MISS. Run with `make bench`.
"""

from __future__ import annotations

import io

from _setup import django_with_fresh_db, measure_cpu, report

django_with_fresh_db()

from openpyxl import Workbook  # noqa: E402

from mingjing.demo.services import load_demo  # noqa: E402
from mingjing.opinions.models import Campaign, Opinion  # noqa: E402
from mingjing.opinions.services import IMPORT_COLUMNS, campaign_create, opinions_import  # noqa: E402

ROWS = 10_000
GOAL_SECONDS = 3.0
RUNS = 3
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
    campaigns = [
        campaign_create(
            actor=None,
            meeting=meeting,
            title=f"基准征求意见{run}",
            opens_on=meeting.planned_date,
            closes_on=meeting.planned_date,
        )
        for run in range(RUNS)
    ]
    runs = iter(campaigns)

    def run() -> None:
        campaign = next(runs)
        count = opinions_import(actor=None, campaign=campaign, fileobj=io.BytesIO(sheet))
        assert count == ROWS == Opinion.objects.filter(campaign=campaign).count()

    times, cpu = measure_cpu(run, RUNS)
    report(f"opinion import, {ROWS} rows", times, GOAL_SECONDS, cpu)
    assert Campaign.objects.filter(meeting=meeting).count() >= RUNS


if __name__ == "__main__":
    main()
