"""Archive box benchmark: build the whole 专盒归档 box of the demo's 2024 meeting (every registered
document for the team and each member, the ledger .xlsx, evidence files, the bundle, the catalogue
and the SHA-256 manifest); median against the 5 s goal. The same with PDFs when LibreOffice is
installed (one soffice run per document), printed as a figure. Also the bundle alone, export and
re-import. Run with `make bench`.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time

from _setup import django_with_fresh_db

django_with_fresh_db()

from django.db import transaction  # noqa: E402

from mingjing.archive.box import build_box  # noqa: E402
from mingjing.archive.bundle import export_bundle  # noqa: E402
from mingjing.archive.services import bundle_import  # noqa: E402
from mingjing.demo.services import load_demo  # noqa: E402
from mingjing.documents.pdf import pdf_available  # noqa: E402

GOAL = 5.0  # seconds


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def reimport(meeting, content: bytes) -> None:
    """A newer bundle refreshing a read-only copy (a live meeting is never overwritten)."""
    with transaction.atomic():
        type(meeting).objects.filter(pk=meeting.pk).update(is_copy=True)
        bundle_import(actor=None, content=content)
        transaction.set_rollback(True)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def main() -> None:
    meeting = load_demo(on=dt.date(2026, 11, 2)).previous
    content, entries = build_box(meeting=meeting, with_pdf=False)
    runs = timed(lambda: build_box(meeting=meeting, with_pdf=False), 5)
    median = statistics.median(runs)
    print(
        f"archive box without PDF ({entries} files, {len(content) // 1024} KB): median {median:.2f} s, "
        f"goal {GOAL:.0f} s: {verdict(median < GOAL)}"
    )
    if pdf_available():
        start = time.perf_counter()
        content, entries = build_box(meeting=meeting, with_pdf=True)
        took = time.perf_counter() - start
        print(f"archive box with PDF ({entries} files, {len(content) // 1024} KB): {took:.1f} s (one run)")
    else:
        print("archive box with PDF: skipped, LibreOffice is not installed")
    bundle = export_bundle(meeting=meeting)
    export = statistics.median(timed(lambda: export_bundle(meeting=meeting), 5))
    load = statistics.median(timed(lambda: reimport(meeting, bundle), 5))
    print(
        f"meeting bundle ({len(bundle) // 1024} KB): export median {export * 1000:.0f} ms, "
        f"import over a copy {load * 1000:.0f} ms (no goal set)"
    )


if __name__ == "__main__":
    main()
