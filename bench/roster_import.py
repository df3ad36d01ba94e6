"""Roster import benchmark: a unit's 10,000-row roster sheet imported into a fresh unit (every row a
new person) and then its own export, edited, imported back (every row an update). Goal for each:
under 3 s. Prints rows, the median seconds over several runs, the goal and PASS or MISS. Run with
`make bench`.
"""

from __future__ import annotations

import io

from _setup import django_with_fresh_db, measure_cpu, report

django_with_fresh_db()

from mingjing.lib.xlsx import read_sheet, write_sheet  # noqa: E402
from mingjing.organizations.models import Person  # noqa: E402
from mingjing.organizations.roster import COLUMNS, SHEET_TITLE, roster_export_xlsx, roster_import  # noqa: E402
from mingjing.organizations.services import branch_create, division_create, organization_create  # noqa: E402

ROWS = 10_000
GOAL_SECONDS = 3.0
RUNS = 3
DIVISIONS = 30
BRANCHES = 10


def roster_sheet(rows: int) -> bytes:
    data = []
    for i in range(rows):
        team = i < 8
        data.append(
            [
                f"干部{i:05d}",
                "局党组书记、局长" if i == 0 else ("局党组成员、副局长" if team else f"第{i % DIVISIONS}科科员"),
                "主要负责同志" if i == 0 else ("班子成员" if team else ""),
                i if team else "",
                "、".join(f"第{(i + k) % DIVISIONS}科" for k in range(3)) if team else "",
                f"第{i % DIVISIONS}科" if i % 7 == 0 else "",
                f"第{i % BRANCHES}党支部",
                "是" if i % 50 else "否",
            ]
        )
    return write_sheet(COLUMNS, data, title=SHEET_TITLE)


def new_unit(n: int):
    unit = organization_create(actor=None, parent=None, name=f"基准单位{n}党组", short_name=f"基准{n}")
    for d in range(DIVISIONS):
        division_create(actor=None, organization=unit, name=f"第{d}科", order=d)
    for b in range(BRANCHES):
        branch_create(actor=None, organization=unit, name=f"第{b}党支部", order=b)
    return unit


def edited(export: bytes) -> bytes:
    """The export with every person's 职务 changed, as a user would edit it in Excel."""
    rows = [[record[c] for c in COLUMNS] for _, record in read_sheet(export, max_rows=None)]
    for row in rows:
        row[1] += "（兼）"
    return write_sheet(COLUMNS, rows, title=SHEET_TITLE)


def main() -> None:
    sheet = roster_sheet(ROWS)
    units = [new_unit(n) for n in range(RUNS)]
    runs = iter(units)
    times, cpu = measure_cpu(
        lambda: roster_import(actor=None, organization=next(runs), fileobj=io.BytesIO(sheet)), RUNS
    )
    assert all(Person.objects.filter(organization=u).count() == ROWS for u in units)
    report(f"roster import, {ROWS} new people", times, GOAL_SECONDS, cpu)

    changed = [edited(roster_export_xlsx(organization=u)) for u in units]
    runs = iter(zip(units, changed, strict=True))

    def update() -> None:
        unit, data = next(runs)
        result = roster_import(actor=None, organization=unit, fileobj=io.BytesIO(data))
        assert result.updated == ROWS, result

    times, cpu = measure_cpu(update, RUNS)
    report(f"roster import, its own export edited, {ROWS} people updated", times, GOAL_SECONDS, cpu)


if __name__ == "__main__":
    main()
