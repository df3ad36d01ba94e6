"""Documents benchmark: build the 谈心谈话记录 of the demo meeting with a talk for every required
pair (17) plus 100 more, as .docx, against a bare python-docx write of the same paragraphs measured
interleaved (goal: ≤ 2×); and once as PDF where LibreOffice is installed (a figure).

Prints medians over several runs with goal and PASS/MISS. Run with `make bench`.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

from _docx_bare import RATIO_GOAL, interleaved, paragraphs_of
from _setup import django_with_fresh_db

django_with_fresh_db()

from mingjing.demo.services import load_demo  # noqa: E402
from mingjing.documents.pdf import pdf_available, to_pdf  # noqa: E402
from mingjing.documents.registry import get_kind  # noqa: E402
from mingjing.talks.services import talk_record  # noqa: E402

TOPICS = "围绕会议主题交流思想，相互指出差距和不足，沟通了拟在会上提出的批评意见。" * 3


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    meeting = load_demo(on=dt.date(2026, 11, 2))
    entries = list(meeting.roster.order_by("precedence"))
    n = len(entries)
    for i in range(117):
        offset = 1 + (i // n) % (n - 1)  # never the member himself
        talk_record(
            actor=None,
            meeting=meeting,
            talk_date=meeting.planned_date - dt.timedelta(days=i % 20),
            member=entries[i % n],
            counterpart_kind="member",
            other_member=entries[(i + offset) % n],
            topics=TOPICS,
        )
    kind = get_kind("talks")
    data = kind.build_docx(meeting, None, {}).to_bytes()
    texts = paragraphs_of(kind.build_docx(meeting, None, {}))
    ours, bare, ratio = interleaved(lambda: kind.build_docx(meeting, None, {}).to_bytes(), texts, runs=7)
    print(
        f"talks document, 117 talks (.docx {len(data) // 1024} KB, {len(texts)} paragraphs): "
        f"median {ours * 1000:.0f} ms; "
        f"bare python-docx {bare * 1000:.0f} ms, ratio {ratio:.2f}, goal ≤ {RATIO_GOAL:g}: "
        f"{'PASS' if ratio <= RATIO_GOAL else 'MISS'}"
    )
    if pdf_available():
        times = timed(lambda: to_pdf(data), 3)
        print(f"  the same as PDF through LibreOffice: median {statistics.median(times) * 1000:.0f} ms")
    else:
        print("  PDF: LibreOffice not installed, skipped")


if __name__ == "__main__":
    main()
