"""Talks import benchmark: a 10,000-row .xlsx sheet read, checked and imported (goal: under 3 s).

Prints the median over several runs, the goal and PASS/MISS. Run with `make bench`.
"""

from __future__ import annotations

import io

from _setup import django_with_fresh_db, measure_cpu, report

django_with_fresh_db()

from openpyxl import Workbook  # noqa: E402

from mingjing.demo.services import load_demo  # noqa: E402
from mingjing.talks.models import Talk  # noqa: E402
from mingjing.talks.services import talks_import  # noqa: E402
from mingjing.talks.sheet import COLUMNS  # noqa: E402

ROWS = 10_000
GOAL_SECONDS = 3.0
RUNS = 3


def talk_sheet(meeting, rows: int) -> bytes:
    """Rows of every kind: team members with each other, with the divisions each supervises, with his branch."""
    roster = list(meeting.roster.prefetch_related("supervised_divisions").select_related("branch"))
    counterparts = []
    for entry in roster:
        counterparts += [(entry.name, "", other.name, "") for other in roster if other != entry]
        counterparts += [(entry.name, "", f"{d.name}负责同志", "孙丽、周伟") for d in entry.supervised_divisions.all()]
        if entry.branch_id:
            counterparts.append((entry.name, "党支部党员代表", entry.branch.name, "邓超"))
    wb = Workbook()
    ws = wb.active
    ws.append(list(COLUMNS))
    for i in range(rows):
        member, kind, other, participants = counterparts[i % len(counterparts)]
        ws.append(
            [
                f"2026-10-{i % 28 + 1:02d}",
                member,
                kind,
                other,
                participants,
                f"第{i}次谈话：交流思想、沟通拟在会上提出的批评意见，听取对班子和本人的意见建议",
                "是" if i % 2 else "",
                "",
            ]
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def main() -> None:
    meeting = load_demo()
    sheet = talk_sheet(meeting, ROWS)

    def run() -> None:
        before = Talk.objects.filter(meeting=meeting).count()
        count = talks_import(actor=None, meeting=meeting, fileobj=io.BytesIO(sheet))
        assert count == ROWS == Talk.objects.filter(meeting=meeting).count() - before

    times, cpu = measure_cpu(run, RUNS)
    report(f"talks import, {ROWS} rows", times, GOAL_SECONDS, cpu)


if __name__ == "__main__":
    main()
