"""Report benchmark: build the 情况报告 of the demo meeting (every selector it reads, the .docx
bytes) and of last year's meeting (with its meeting record and ledger); median against the
0.3 s goal. Run with `make bench`.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

from _setup import django_with_fresh_db

django_with_fresh_db()

from mingjing.demo.services import load_demo  # noqa: E402
from mingjing.documents.registry import get_kind  # noqa: E402

GOAL = 0.3  # seconds


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    meeting = load_demo(on=dt.date(2026, 11, 2))
    for kind_code in ("report", "rectification-report"):
        kind = get_kind(kind_code)
        for label, target in (("demo meeting", meeting), ("last year's meeting", meeting.previous)):
            kind.build_docx(target, None, {}).to_bytes()  # warm up
            median = statistics.median(timed(lambda k=kind, t=target: k.build_docx(t, None, {}).to_bytes(), 11))
            print(
                f"{kind.label} ({label}): median {median * 1000:.0f} ms, "
                f"{median / GOAL:.2f} of the {GOAL * 1000:.0f} ms goal"
            )


if __name__ == "__main__":
    main()
