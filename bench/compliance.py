"""Compliance benchmark: the nine named rules judged for many meetings at once (compliance.selectors),
over generated meetings each with a roster of 6, a finalised record with attendance and 30 criticisms,
10 problems, 6 materials with their current text and 5 rectification items.

Two figures: one overview page (50 meetings, what /oversight/ judges per request) against 100 ms, and
every meeting (the printable summary and the .xlsx export) against 3 s per 1,000 meetings; plus the
query count, the same for both (fixed, whatever the number of meetings).

    .venv/bin/python bench/compliance.py [--meetings 2000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import time

from _setup import django_with_fresh_db, measure, report

PAGE_GOAL = 0.1  # seconds for the 50 meetings of an overview page
ALL_GOAL_PER_1000 = 3.0  # seconds per 1,000 meetings for the summary table / export


def build(count: int) -> list:
    from django.utils import timezone

    from mingjing.materials.models import Material, MaterialVersion
    from mingjing.meetings.models import Meeting, RosterEntry, StepCompletion
    from mingjing.minutes.models import Attendance, Criticism, MeetingRecord
    from mingjing.organizations.models import Organization, Person
    from mingjing.problems.models import Problem
    from mingjing.rectification.models import RectificationItem
    from mingjing.yearconfigs.models import YearConfig

    top = Organization.objects.create(name="市委", short_name="市委", path="")
    Organization.objects.filter(pk=top.pk).update(path=f"/{top.pk}/")
    config = YearConfig.objects.create(organization=top, year=2025, name="2025年度", theme="主题")
    orgs = Organization.objects.bulk_create(
        [Organization(parent=top, name=f"单位{i:05d}", short_name=f"单位{i:05d}", path=f"/{i}/") for i in range(count)]
    )
    day = dt.date(2026, 1, 10)
    meetings = Meeting.objects.bulk_create(
        [Meeting(organization=o, config=config, title=f"{o.name}民主生活会", planned_date=day) for o in orgs]
    )
    StepCompletion.objects.bulk_create(
        [StepCompletion(meeting=m, step=s, completed_on=day) for m in meetings for s in ("talks", "meeting")]
    )
    people = Person.objects.bulk_create(
        [Person(organization=o, name=f"成员{j}", post="委员") for o in orgs for j in range(6)], batch_size=5000
    )
    entries = RosterEntry.objects.bulk_create(
        [
            RosterEntry(
                meeting=m, person=people[i * 6 + j], name=f"成员{j}", team_role="principal" if j == 0 else "member"
            )
            for i, m in enumerate(meetings)
            for j in range(6)
        ],
        batch_size=5000,
    )
    records = MeetingRecord.objects.bulk_create(
        [MeetingRecord(meeting=m, held_on=day, status="final") for m in meetings]
    )
    Attendance.objects.bulk_create(
        [Attendance(record=r, entry=entries[i * 6 + j]) for i, r in enumerate(records) for j in range(6)],
        batch_size=5000,
    )
    Criticism.objects.bulk_create(
        [
            Criticism(
                record=r,
                from_entry=entries[i * 6 + a],
                to_entry=entries[i * 6 + b],
                text="深入基层调研少，比如全年到乡镇调研不足3次。" if (a + b) % 5 else "希望进一步加强学习。",
            )
            for i, r in enumerate(records)
            for a in range(6)
            for b in range(6)
            if a != b
        ],
        batch_size=5000,
    )
    Problem.objects.bulk_create(
        [
            Problem(meeting=m, description=f"问题{k}", example="比如……" if k % 3 else "")
            for m in meetings
            for k in range(10)
        ],
        batch_size=5000,
    )
    materials = Material.objects.bulk_create(
        [
            Material(
                meeting=m, owner=entries[i * 6 + j] if j else None, kind="outline" if j else "team", current_version=1
            )
            for i, m in enumerate(meetings)
            for j in range(6)
        ],
        batch_size=5000,
    )
    now = timezone.now()
    MaterialVersion.objects.bulk_create(
        [
            MaterialVersion(
                material=mat,
                number=1,
                text="一、问题\n比如，【待补充】（具体事例）\n" * 20,
                reason="manual",
                author_name="x",
                saved_at=now,
            )  # fmt: skip
            for mat in materials
        ],
        batch_size=5000,
    )
    RectificationItem.objects.bulk_create(
        [
            RectificationItem(meeting=m, number=n + 1, problem_text="问题", measures="措施", deadline=day)
            for m in meetings
            for n in range(5)
        ],
        batch_size=5000,
    )
    return list(Meeting.objects.select_related("config").order_by("pk"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--meetings", type=int, default=2000)
    args = parser.parse_args()
    django_with_fresh_db()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from mingjing.compliance.selectors import compliance_for_meetings

    meetings = build(args.meetings)
    on = dt.date(2026, 12, 1)
    page = meetings[:50]
    compliance_for_meetings(page, on=on)  # warm up
    with CaptureQueriesContext(connection) as page_queries:
        result = compliance_for_meetings(page, on=on)
    assert all(c.broken_count for c in result.values())
    with CaptureQueriesContext(connection) as all_queries:
        compliance_for_meetings(meetings, on=on)
    print(f"database: {connection.vendor}; {args.meetings} meetings")
    report(
        "compliance of one overview page (50 meetings)",
        measure(lambda: compliance_for_meetings(page, on=on), 7),
        PAGE_GOAL,
    )
    goal = ALL_GOAL_PER_1000 * args.meetings / 1000
    report(
        f"compliance of every meeting ({args.meetings})",
        measure(lambda: compliance_for_meetings(meetings, on=on), 3),
        goal,
    )
    # The CPU time of this process too: on a shared machine the wall clock counts other processes' turns.
    for name, run, target in (
        ("one overview page (50 meetings)", lambda: compliance_for_meetings(page, on=on), PAGE_GOAL),
        (f"every meeting ({args.meetings})", lambda: compliance_for_meetings(meetings, on=on), goal),
    ):
        cpu = []
        for _ in range(3):
            start = time.process_time()
            run()
            cpu.append(time.process_time() - start)
        median = statistics.median(cpu)
        verdict = "PASS" if median < target else "MISS"
        print(f"compliance of {name}, CPU time: median {median:.2f} s; goal < {target:g} s: {verdict}")
    print(f"queries: {len(page_queries)} for 50 meetings, {len(all_queries)} for {args.meetings} (fixed)")


if __name__ == "__main__":
    main()
