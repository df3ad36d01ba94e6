"""The vocabulary of the permission matrix (mingjing/tests/test_permission_matrix.py).

Each domain app adds the rows for its own URLs in `<app>/tests/permissions.py`:

- `ROWS: dict[str, list[Case]]` — URL name → requests with the expected status per column;
- `fixtures(cls) -> dict` (optional) — the app's objects the rows name, built once in
  setUpTestData; `cls.fixtures` already holds the shared ones (bureau, meeting, principal_entry …);
- `PUBLIC: set[str]` (optional) — URL names an anonymous visitor may open (the anonymous opinion
  form); everywhere else an anonymous visitor is sent to the login page.

The three administrators (三员分立: demo-sysadmin, demo-secadmin, demo-auditor) are not columns: every URL
is classified for them in mingjing/tests/admin_matrix.py (meeting-scoped, refused to all three; or an
explicit status for each), so a new URL is added there too.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from mingjing.test import PERSONAS

ANON = "anonymous"
COLUMNS = (*PERSONAS, ANON)
LOGIN_URL = "/login/"


@dataclass(frozen=True)
class Case:
    """One request. `objs` maps a URL kwarg to a fixture object's name (MatrixTest.fixtures);
    in `data` and `query`, a value "@name" stands for that fixture object's pk."""

    expect: tuple[int, ...]  # one status per column of COLUMNS
    objs: dict[str, str] = field(default_factory=dict)
    method: str = "get"
    data: dict[str, str] = field(default_factory=dict)
    query: dict[str, str] = field(default_factory=dict)
    note: str = ""


def GET(expect, note="", query=None, **objs) -> Case:  # noqa: N802
    return Case(expect=expect, objs=objs, note=note, query=query or {})


def POST(expect, note="", data=None, **objs) -> Case:  # noqa: N802
    return Case(expect=expect, objs=objs, method="post", data=data or {}, note=note)


# Columns:   admin preparer principal member supervisor superior outsider anonymous
#
# admin, preparer, principal, member: roles in the bureau 市农业农村局党组.
# supervisor (督导组) and superior (组织部门): roles in the 市委 above it; the supervisor is assigned
# to the 2025 meeting only. outsider: preparer of the sibling 市教育局党组.
EVERYONE = (200, 200, 200, 200, 200, 200, 200, 302)
# UNIT_READ on the bureau (the supervisor's reads stop at his own unit and his assigned meetings).
BUREAU_READ = (200, 200, 200, 200, 404, 200, 404, 302)
# UNIT_MANAGE on the bureau: admin (subtree) and preparer (own unit).
BUREAU_MANAGE = (200, 200, 403, 403, 404, 403, 404, 302)
BUREAU_MANAGE_POST = (302, 302, 403, 403, 404, 403, 404, 302)
# UNIT_ADMIN on the bureau: its admin only.
BUREAU_ADMIN = (200, 403, 403, 403, 404, 403, 404, 302)
# The outsider's unit: only the superior (subtree) and the outsider himself see it.
OTHER_READ = (404, 404, 404, 404, 404, 200, 200, 302)
OTHER_MANAGE = (404, 404, 404, 404, 404, 403, 200, 302)
OTHER_MANAGE_POST = (404, 404, 404, 404, 404, 403, 302, 302)
# Writes to the bureau's 2025 meeting (the supervisor reads it, so he gets 403, not 404).
MEETING_WRITE = (200, 200, 403, 403, 403, 403, 404, 302)
MEETING_WRITE_POST = (302, 302, 403, 403, 403, 403, 404, 302)
# 指派督导组: the superior holds MEETING_ASSIGN over his subtree (access.py).
MEETING_ASSIGN_POST = (302, 302, 403, 403, 403, 302, 404, 302)
# Only unit administrators may create year configs.
CONFIG_ADMIN_ONLY = (200, 403, 403, 403, 403, 403, 403, 302)

# Reads of the bureau's 2025 meeting and what belongs to it (the supervisor is assigned to it).
MEETING_READ = (200, 200, 200, 200, 200, 200, 404, 302)
