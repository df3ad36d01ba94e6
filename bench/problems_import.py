"""Problem import benchmark: a 10,000-row .xlsx of problems (the team's and every member's) checked
and imported by the preparer (goal: under 3 s). Prints the median over several runs, the goal and
PASS or MISS. Run with `make bench`.
"""

from __future__ import annotations

from _setup import django_with_fresh_db, measure_cpu, report

django_with_fresh_db()

from django.contrib.auth import get_user_model  # noqa: E402

from mingjing.demo.services import load_demo  # noqa: E402
from mingjing.lib.xlsx import write_sheet  # noqa: E402
from mingjing.problems.importing import COLUMNS, SHEET_TITLE, problems_import  # noqa: E402
from mingjing.problems.models import Problem, Source  # noqa: E402
from mingjing.yearconfigs.models import DEFAULT_PROBLEM_SOURCES, Aspect  # noqa: E402

ROWS = 10_000
GOAL_SECONDS = 3.0
RUNS = 3


def problem_sheet(rows: int, owners: list[str], aspects: int) -> bytes:
    # The sources a default year configuration offers (a unit may tick more), and "" for none.
    sources = [str(Source(code).label) for code in DEFAULT_PROBLEM_SOURCES] + [""]
    data = [
        [
            owners[i % len(owners)],
            str(i % aspects + 1),
            f"第{i}个问题：调查研究不够深入，联系服务群众还有差距，解决基层急难愁盼问题的办法不多",
            "比如，全年到乡镇蹲点调研不足3次。" if i % 3 else "",
            sources[i % len(sources)],
        ]
        for i in range(rows)
    ]
    return write_sheet(COLUMNS, data, title=SHEET_TITLE)


def main() -> None:
    meeting = load_demo()
    preparer = get_user_model().objects.get(username="demo-preparer")
    aspects = Aspect.objects.filter(config_id=meeting.config_id).count()
    sheet = problem_sheet(ROWS, ["领导班子", *(e.name for e in meeting.roster.all())], aspects)
    before = Problem.objects.filter(meeting=meeting).count()
    times, cpu = measure_cpu(lambda: problems_import(actor=preparer, meeting=meeting, fileobj=sheet), RUNS)
    assert Problem.objects.filter(meeting=meeting).count() - before == ROWS * RUNS
    report(f"problem import, {ROWS} rows", times, GOAL_SECONDS, cpu)


if __name__ == "__main__":
    main()
