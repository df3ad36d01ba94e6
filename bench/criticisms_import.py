"""Criticism import benchmark: a 10,000-row .xlsx of criticisms (every member of every other) checked
and imported into the meeting record by the preparer (goal: under 3 s). Prints the median over
several runs, the goal and PASS or MISS. Run with `make bench`.
"""

from __future__ import annotations

from _setup import django_with_fresh_db, measure_cpu, report

django_with_fresh_db()

from django.contrib.auth import get_user_model  # noqa: E402

from mingjing.demo.services import load_demo  # noqa: E402
from mingjing.lib.xlsx import write_sheet  # noqa: E402
from mingjing.minutes.importing import COLUMNS, SHEET_TITLE, criticisms_import  # noqa: E402
from mingjing.minutes.models import Criticism  # noqa: E402
from mingjing.minutes.services import minutes_start  # noqa: E402

ROWS = 10_000
GOAL_SECONDS = 3.0
RUNS = 3


def criticism_sheet(rows: int, names: list[str]) -> bytes:
    pairs = [(a, b) for a in names for b in names if a != b]
    data = [
        [*pairs[i % len(pairs)], str(i % 3 + 1), f"第{i}条：调研多在机关听汇报，深入基层一线解决实际问题少，比如……"]
        for i in range(rows)
    ]
    return write_sheet(COLUMNS, data, title=SHEET_TITLE)


def main() -> None:
    meeting = load_demo()
    preparer = get_user_model().objects.get(username="demo-preparer")
    record = minutes_start(actor=preparer, meeting=meeting)
    sheet = criticism_sheet(ROWS, [e.name for e in meeting.roster.all()])
    times, cpu = measure_cpu(lambda: criticisms_import(actor=preparer, record=record, fileobj=sheet), RUNS)
    assert Criticism.objects.filter(record=record).count() == ROWS * RUNS
    report(f"criticism import, {ROWS} rows", times, GOAL_SECONDS, cpu)


if __name__ == "__main__":
    main()
