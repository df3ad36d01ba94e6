"""Shared set-up for benchmarks: a throw-away data dir and a migrated SQLite database."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path


def django_with_fresh_db() -> None:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ["MINGJING_DATA_DIR"] = tempfile.mkdtemp(prefix="mingjing-bench-")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mingjing.settings")
    os.environ.pop("MINGJING_DATABASE_URL", None)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def measure(run, runs: int) -> list[float]:
    """Seconds each of `runs` calls of `run()` took."""
    import time

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def measure_cpu(run, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of each of `runs` calls of `run()` (CPU time shows the work when
    other processes load the machine; SQLite runs in the process, so it is counted too)."""
    import time

    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        run()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return times, cpu


def report(name: str, times: list[float], goal_seconds: float, cpu: list[float] | None = None) -> None:
    """Print the median of `times`, the runs, the goal and PASS or MISS (and the median CPU time)."""
    import statistics

    median = statistics.median(times)
    runs = ", ".join(f"{t:.2f}" for t in times)
    verdict = "PASS" if median < goal_seconds else "MISS"
    cpu_note = f"; CPU median {statistics.median(cpu):.2f} s" if cpu else ""
    print(f"{name}: median {median:.2f} s (runs: {runs}{cpu_note}); goal < {goal_seconds:g} s: {verdict}")


def bulk_units_with_meetings(parent, count: int, *, config, planned_date, prefix: str = "单位") -> tuple[list, list]:
    """`count` units below `parent` (paths filled) and a meeting of `config` for each, by bulk creates:
    (units, meetings)."""
    from mingjing.meetings.models import Meeting
    from mingjing.organizations.models import Organization

    units = Organization.objects.bulk_create(
        [
            Organization(parent=parent, name=f"{prefix}{i:05d}", short_name=f"{prefix}{i:05d}", path="")
            for i in range(count)
        ],
        batch_size=5000,
    )
    for u in units:
        u.path = f"{parent.path}{u.pk}/"
    Organization.objects.bulk_update(units, ["path"], batch_size=5000)
    meetings = Meeting.objects.bulk_create(
        [Meeting(organization=u, config=config, title=f"{u.name}年度会议", planned_date=planned_date) for u in units],
        batch_size=5000,
    )
    return units, meetings


def like_a_server() -> None:
    """After building the data: free what building left and freeze the rest, as `mingjing serve`
    does once the application is loaded (the pages are then timed in the state a worker serves
    them in, not with the builder's leftovers on the collector's lists)."""
    from mingjing.meetings.management.commands.serve import freeze_loaded_objects

    freeze_loaded_objects()
