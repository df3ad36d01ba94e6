"""Criticism import benchmark: a 2,000-row .xlsx of criticisms (every member of every other) checked
and imported into the meeting record by the preparer (goal: under 3 s). Prints the median over
several runs, the goal and PASS or MISS. Run with `make bench`.
"""

from __future__ import annotations

import statistics
import time

from _setup import django_with_fresh_db

django_with_fresh_db()

from django.contrib.auth import get_user_model  # noqa: E402

from mingjing.demo.services import load_demo  # noqa: E402
from mingjing.lib.xlsx import write_sheet  # noqa: E402
from mingjing.minutes.importing import COLUMNS, SHEET_TITLE, criticisms_import  # noqa: E402
from mingjing.minutes.models import Criticism  # noqa: E402
from mingjing.minutes.services import minutes_start  # noqa: E402

ROWS = 2000
GOAL_SECONDS = 3.0
RUNS = 5


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
    times = []
    for _ in range(RUNS):
        before = Criticism.objects.filter(record=record).count()
        start = time.perf_counter()
        count = criticisms_import(actor=preparer, record=record, fileobj=sheet)
        times.append(time.perf_counter() - start)
        assert count == ROWS == Criticism.objects.filter(record=record).count() - before
    median = statistics.median(times)
    runs = ", ".join(f"{t:.2f}" for t in times)
    verdict = "PASS" if median < GOAL_SECONDS else "MISS"
    figure = f"criticism import, {ROWS} rows: median {median:.2f} s (runs: {runs})"
    print(f"{figure}; goal < {GOAL_SECONDS:.0f} s: {verdict}")


if __name__ == "__main__":
    main()
