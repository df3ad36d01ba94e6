"""Ledger import benchmark: the ledger of a meeting with 10,000 items exported, every row's 进展情况
and 完成比例 edited as an owner would in Excel, and imported back: the upload's preview (read and
check every row) and the confirmation (check again and write). Goal for each: under 3 s. Prints
rows, the median seconds over several runs, the goal and PASS or MISS. Run with `make bench`.
"""

from __future__ import annotations

import datetime as dt

from _setup import django_with_fresh_db, measure_cpu, report

django_with_fresh_db()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db.models import Max  # noqa: E402

from mingjing.accounts.policy import policy_for  # noqa: E402
from mingjing.demo.services import load_demo  # noqa: E402
from mingjing.lib.xlsx import read_sheet, write_sheet  # noqa: E402
from mingjing.rectification.ledger_xlsx import (  # noqa: E402
    COLUMNS,
    NOTE,
    PROGRESS,
    SHEET_TITLE,
    apply_import,
    export_xlsx,
    parse_sheet,
    plan_import,
)
from mingjing.rectification.models import RectificationItem, Status  # noqa: E402
from mingjing.rectification.selectors import ledger_for_meeting  # noqa: E402

ROWS = 10_000
GOAL_SECONDS = 3.0
RUNS = 3


def add_items(meeting, count: int) -> None:
    """`count` more open items in the meeting's ledger, the team's and every member's."""
    owners = [None, *meeting.roster.all()]
    first = (RectificationItem.objects.filter(meeting=meeting).aggregate(n=Max("number"))["n"] or 0) + 1
    RectificationItem.objects.bulk_create(
        [
            RectificationItem(
                meeting=meeting,
                number=first + i,
                owner=owners[i % len(owners)],
                problem_text=f"第{i}个问题：调查研究不够深入，联系服务群众还有差距，解决基层急难愁盼问题的办法不多",
                measures="每季度到基层蹲点调研不少于1次，建立问题清单，逐项推动解决，年底前形成调研报告。",
                deadline=dt.date(2027, 6, 30),
                status=Status.NOT_STARTED if i % 2 else Status.IN_PROGRESS,
            )
            for i in range(count)
        ],
        batch_size=500,
    )


def edited(export: bytes, run: int) -> bytes:
    """The export with every open item's 进展情况 and 完成比例 changed."""
    records = read_sheet(export, max_rows=None)
    rows = [[record[c] for c in COLUMNS] for _, record in records]
    note, progress = COLUMNS.index(NOTE), COLUMNS.index(PROGRESS)
    for row in rows:
        if row[COLUMNS.index("状态")] in (Status.NOT_STARTED.label, Status.IN_PROGRESS.label):
            row[note] = f"第{run}轮：已召开专题会议研究部署，制定整改工作方案，正在逐项推进落实"
            row[progress] = str(10 * run + 10)
    return write_sheet(COLUMNS, rows, title=SHEET_TITLE)


def main() -> None:
    meeting = load_demo()
    preparer = get_user_model().objects.get(username="demo-preparer")
    add_items(meeting, ROWS - RectificationItem.objects.filter(meeting=meeting).count())
    assert RectificationItem.objects.filter(meeting=meeting).count() == ROWS

    plans = []

    def preview(sheet: bytes) -> None:
        fresh = type(meeting).objects.get(pk=meeting.pk)
        policy = policy_for(user=preparer, meeting=fresh)
        plans.append(plan_import(policy=policy, meeting=fresh, rows=parse_sheet(sheet)))

    def confirm(plan) -> None:
        fresh = type(meeting).objects.get(pk=meeting.pk)
        done = apply_import(actor=preparer, meeting=fresh, rows=plan.rows, digest=plan.digest)
        assert len(done.changed) == len(plan.changed) > ROWS * 0.9, (len(done.changed), len(plan.changed))

    previews, confirms, previews_cpu, confirms_cpu = [], [], [], []
    for run in range(RUNS):  # each run edits the export of the ledger as the last one left it
        policy = policy_for(user=preparer, meeting=type(meeting).objects.get(pk=meeting.pk))
        sheet = edited(export_xlsx(ledger_for_meeting(meeting, policy=policy)), run)
        for times, cpu, run in (
            (previews, previews_cpu, lambda sheet=sheet: preview(sheet)),
            (confirms, confirms_cpu, lambda: confirm(plans[-1])),
        ):
            wall, used = measure_cpu(run, 1)
            times += wall
            cpu += used
    report(f"ledger import preview, {ROWS} rows of its own export", previews, GOAL_SECONDS, previews_cpu)
    report(f"ledger import confirmation, {ROWS} rows", confirms, GOAL_SECONDS, confirms_cpu)


if __name__ == "__main__":
    main()
