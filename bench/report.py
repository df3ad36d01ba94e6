"""Report benchmark (issue 15 point 1): the demo's 情况报告 — every selector it reads, the .docx bytes —
against a bare python-docx write of the same paragraphs (a table row as one tab-separated
paragraph), the two measured interleaved in the same run so the machine's load hits both alike; then
the same report over the demo with 100× its records (where the archive's record multiplier is there).
Also the 整改落实情况报告 and last year's meeting, as figures. Prints each figure with its goal and
PASS/MISS. Run with `make bench`.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

from _setup import django_with_fresh_db

django_with_fresh_db()

from _docx_bare import RATIO_GOAL, interleaved, paragraphs_of  # noqa: E402

from mingjing.demo.services import load_demo  # noqa: E402
from mingjing.documents.registry import get_kind  # noqa: E402

MEDIAN_GOAL = 0.050  # seconds
GROWTH_GOAL = 3.0  # 100× the records: no more than this × the time
RUNS = 15


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def median_of(build, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        build()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    meeting = load_demo(on=dt.date(2026, 11, 2))
    report = get_kind("report")

    def build(target=meeting):
        return report.build_docx(target, None, {}).to_bytes()

    build()  # warm up: the prepared package, the style ids, the query compiler's caches
    texts = paragraphs_of(report.build_docx(meeting, None, {}))
    ours, bare, ratio = interleaved(build, texts, RUNS)
    print(
        f"情况报告 (demo meeting, {len(texts)} paragraphs): median {ours * 1000:.0f} ms, "
        f"goal < {MEDIAN_GOAL * 1000:.0f} ms: {verdict(ours < MEDIAN_GOAL)}"
    )
    print(
        f"情况报告 vs a bare python-docx write of the same paragraphs ({bare * 1000:.0f} ms), interleaved: "
        f"ratio {ratio:.2f}, goal ≤ {RATIO_GOAL:g}: {verdict(ratio <= RATIO_GOAL)}"
    )
    # The engine's share: the same blocks written again through OfficialDocument, no queries.
    from mingjing.documents.engine import OfficialDocument

    blocks = report.build_docx(meeting, None, {}).blocks

    def replay():
        doc = OfficialDocument(title=blocks[0].text)
        for block in blocks[1:]:
            if block.rows is not None:
                doc.table(block.rows[0], block.rows[1:])
            elif block.kind == "heading":
                doc.heading(block.level, block.text, numbered=False)
            elif block.kind == "signature":
                doc.signature(*block.text.split("\n"))
            elif block.text or block.lead:
                doc.paragraph(block.lead + block.text)
        return doc.to_bytes()

    engine, bare, ratio = interleaved(replay, texts, RUNS)
    print(
        f"the engine alone (the report's blocks through OfficialDocument, no queries): median {engine * 1000:.0f} ms, "
        f"{ratio:.2f}× the bare write ({bare * 1000:.0f} ms), goal ≤ {RATIO_GOAL:g}: {verdict(ratio <= RATIO_GOAL)}"
    )
    for code, label, target in (
        ("report", "情况报告 (last year's meeting)", meeting.previous),
        ("rectification-report", "整改落实情况报告 (demo meeting)", meeting),
        ("rectification-report", "整改落实情况报告 (last year's meeting)", meeting.previous),
    ):
        kind = get_kind(code)
        kind.build_docx(target, None, {}).to_bytes()
        median = median_of(lambda k=kind, t=target: k.build_docx(t, None, {}).to_bytes(), 7)
        print(f"{label}: median {median * 1000:.0f} ms (no goal set)")

    try:
        from mingjing.archive.tests.records import multiply_records
    except ImportError:
        print("情况报告 with 100× the records: the record multiplier (archive/tests/records.py) is missing: skipped")
        return
    base = median_of(build)
    multiply_records(meeting=meeting, factor=100)
    build()
    grown = median_of(build, 7)
    growth = grown / base
    print(
        f"情况报告 with 100× the records: median {grown * 1000:.0f} ms, {growth:.2f}× the demo's "
        f"{base * 1000:.0f} ms, goal ≤ {GROWTH_GOAL:g}×: {verdict(growth <= GROWTH_GOAL)}"
    )


if __name__ == "__main__":
    main()
