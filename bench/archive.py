"""Archive box benchmark: build the whole 专盒归档 box of the demo's finished 2024 meeting (every
registered document for the team and each member, the ledger .xlsx, evidence files, the bundle,
the catalogue and the SHA-256 manifest) without PDF, at the demo's size and with 100 times its
records (opinions, problems, items, milestones, evidence … copied in bulk: archive/tests/records.py).
Goals (issue 15): under 1 s at 1x, under 3 s at 100x, and the same number of queries at both sizes.
The box with PDFs when LibreOffice is installed (one soffice run for all documents) and the bundle
alone, export and re-import, are printed as figures. Run with `make bench`.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

from _setup import django_with_fresh_db, measure

django_with_fresh_db()

from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from mingjing.archive.box import build_box  # noqa: E402
from mingjing.archive.bundle import export_bundle  # noqa: E402
from mingjing.archive.services import bundle_import  # noqa: E402
from mingjing.archive.tests.records import multiply_records  # noqa: E402
from mingjing.demo.services import load_demo  # noqa: E402
from mingjing.documents.pdf import pdf_available  # noqa: E402

GOAL_1X, GOAL_100X = 1.0, 3.0  # seconds, without PDF
FACTOR = 100


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def reimport(meeting, content: bytes) -> None:
    """A newer bundle refreshing a read-only copy (a live meeting is never overwritten)."""
    with transaction.atomic():
        type(meeting).objects.filter(pk=meeting.pk).update(is_copy=True)
        bundle_import(actor=None, content=content)
        transaction.set_rollback(True)


def box_figures(meeting, label: str, goal: float, runs: int) -> int:
    """Time the box, print the median against `goal`; return its number of queries."""
    content, entries = build_box(meeting=meeting, with_pdf=False)  # warm: content types, configuration
    with CaptureQueriesContext(connection) as captured:
        build_box(meeting=meeting, with_pdf=False)
    cpu: list[float] = []

    def run() -> None:
        start = time.process_time()
        build_box(meeting=meeting, with_pdf=False)
        cpu.append(time.process_time() - start)

    times = measure(run, runs)
    median = statistics.median(times)
    print(
        f"archive box without PDF, {label} ({entries} files, {len(content) // 1024} KB, {len(captured)} queries): "
        f"median {median:.2f} s (runs: {', '.join(f'{t:.2f}' for t in times)}; CPU median "
        f"{statistics.median(cpu):.2f} s, the rest is waiting on a busy machine); goal < {goal:g} s: "
        f"{verdict(median < goal)}"
    )
    return len(captured)


def main() -> None:
    meeting = load_demo(on=dt.date(2026, 11, 2)).previous
    once = box_figures(meeting, "the demo's records", GOAL_1X, 5)
    if pdf_available():
        times = measure(lambda: build_box(meeting=meeting, with_pdf=True), 1)
        print(f"archive box with PDF, the demo's records: {times[0]:.1f} s (one run, no goal set)")
    else:
        print("archive box with PDF: skipped, LibreOffice is not installed")
    bundle = export_bundle(meeting=meeting)
    export = statistics.median(measure(lambda: export_bundle(meeting=meeting), 5))
    load = statistics.median(measure(lambda: reimport(meeting, bundle), 5))
    print(
        f"meeting bundle ({len(bundle) // 1024} KB): export median {export * 1000:.0f} ms, "
        f"import over a copy {load * 1000:.0f} ms (no goal set)"
    )
    added = multiply_records(meeting=meeting, factor=FACTOR)
    print(f"records x{FACTOR}: {sum(added.values())} rows added ({', '.join(f'{k} {v}' for k, v in added.items())})")
    many = box_figures(meeting, f"{FACTOR}x the records", GOAL_100X, 3)
    print(f"archive box queries: {once} at 1x, {many} at {FACTOR}x; goal equal: {verdict(once == many)}")


if __name__ == "__main__":
    main()
