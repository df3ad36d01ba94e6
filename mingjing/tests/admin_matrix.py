"""The three administrators (三员分立) in the permission matrix.

They are not columns of the matrix (mingjing/tests/matrix.py COLUMNS): every URL name is classified here
instead, and MatrixTest (test_permission_matrix.py) fails on a URL that is not, then checks each request:

- meeting-scoped (`is_meeting`): the URL names a meeting or one of its records. None of the three reads or
  changes anything of a meeting through his role (access.py GRANTS give them no meeting permission), so every
  case of such a row must answer 403 or 404 for each of them (405 where the case is a GET to a POST-only view
  and everybody gets 405). The classification is by app (MEETING_APPS: every URL of these apps is about one
  meeting) plus single URLs (MEETING_URLS); the test also checks it against the fixtures the cases name: a
  meeting-scoped case names a meeting or an object that belongs to one, and no other case does.
- everything else (ADMIN_EXPECT): units and people, accounts, the identity controls, the audit log, year
  configurations, the 查重 template corpus, oversight, to-do, home, with the expected status for each of
  (sysadmin, secadmin, auditor): one triple for every case of the row, or a list with one triple per case.
  A 200 page shown to one of them never links to a meeting.

The administrators sit at 明远市委 (the superior unit), above the bureau and the outsider's unit.
"""

from __future__ import annotations

# The triples below follow mingjing.test.ADMINS: (sysadmin, secadmin, auditor).
# Apps whose every URL names one meeting or one of its records (except NOT_MEETING).
MEETING_APPS = frozenset(
    {
        "studies",
        "talks",
        "plans",
        "opinions",
        "problems",
        "materials",
        "minutes",
        "rectification",
        "documents",
        "reports",
        "archive",
    }
)
# Single meeting-scoped URLs of the other apps.
MEETING_URLS = frozenset(
    {
        "meetings:detail",
        "meetings:edit",
        "meetings:next",
        "meetings:roster_refreeze",
        "meetings:step_done",
        "meetings:step_reopen",
        "meetings:supervisor_add",
        "meetings:supervisor_remove",
        "meetings:delete",
        "meetings:cancel",
        "originality:report",
    }
)
# URLs of MEETING_APPS that name no meeting: they are in ADMIN_EXPECT.
NOT_MEETING = frozenset(
    {
        "rectification:mine",  # my own items: none for an administrator
        "archive:bundle_import",  # the import form: it creates a meeting, refused to the three
        "opinions:public_form",  # the anonymous form: opened by its token, as by anybody, not by a role
    }
)


def is_meeting(name: str) -> bool:
    return name in MEETING_URLS or (name.split(":")[0] in MEETING_APPS and name not in NOT_MEETING)


# Columns: sysadmin secadmin auditor
ALL = (200, 200, 200)
NONE = (403, 403, 403)
NOT_FOUND = (404, 404, 404)
# UNIT_ADMIN / UNIT_MANAGE / ACCOUNTS_MANAGE over the subtree: the system administrator only.
SYSTEM = (200, 403, 403)
SYSTEM_POST = (302, 403, 403)
# An account or a role is looked up among those the user manages: for the other two it is not found.
SYSTEM_OBJ = (200, 404, 404)
SYSTEM_OBJ_POST = (302, 404, 404)
# SECURITY_MANAGE: the identity controls and locked accounts.
SECURITY = (403, 200, 403)
SECURITY_POST = (403, 302, 403)
# AUDIT_READ: the audit log and its export.
AUDIT = (403, 403, 200)
REDIRECT = (302, 302, 302)

ADMIN_EXPECT: dict[str, tuple[int, int, int] | list[tuple[int, int, int]]] = {
    "home": ALL,
    "login": REDIRECT,  # signed in: sent home
    "logout": REDIRECT,
    # --- accounts and roles (both the bureau and the outsider's unit are below 明远市委) ---
    "accounts:unit_roles": SYSTEM,
    "accounts:role_revoke": SYSTEM_OBJ_POST,
    "accounts:unit_accounts": SYSTEM,
    "accounts:account_new": SYSTEM,
    "accounts:account": SYSTEM_OBJ,
    "accounts:account_disable": SYSTEM_OBJ_POST,
    "accounts:account_enable": SYSTEM_OBJ_POST,
    "accounts:password_reset": [SYSTEM_OBJ, SYSTEM_OBJ_POST],
    "accounts:account_link": SYSTEM_OBJ_POST,
    "accounts:account_unlink": SYSTEM_OBJ_POST,
    "accounts:password_change": ALL,
    # --- identity controls ---
    "accounts:security_policy": SECURITY,
    "accounts:locked": SECURITY,
    "accounts:unlock": SECURITY_POST,
    # --- audit log ---
    "audit:log": AUDIT,
    "audit:export": AUDIT,
    # --- units and people: all three read them (UNIT_READ), the system administrator manages them ---
    "organizations:list": ALL,
    "organizations:detail": [ALL, ALL, ALL, NOT_FOUND],
    "organizations:edit": SYSTEM,
    "organizations:create_child": SYSTEM,
    "organizations:division_add": SYSTEM_POST,
    "organizations:branch_add": SYSTEM_POST,
    "organizations:person_add": SYSTEM,
    "organizations:roster_template": SYSTEM,
    "organizations:roster_export": ALL,
    "organizations:roster_import": SYSTEM,
    "organizations:division_edit": SYSTEM,
    "organizations:branch_edit": SYSTEM,
    "organizations:person": ALL,
    "organizations:person_edit": SYSTEM,
    # --- year configurations: read by all, made and changed by the system administrator ---
    "yearconfigs:list": ALL,
    "yearconfigs:create": SYSTEM,
    "yearconfigs:detail": ALL,
    "yearconfigs:edit": [NONE, SYSTEM, SYSTEM],  # a preset is read-only for everybody
    "yearconfigs:copy": SYSTEM,
    # --- the 查重 template corpus (UNIT_ADMIN) ---
    "originality:templates": SYSTEM,
    "originality:template_delete": SYSTEM_POST,
    # --- the materials' 查重 table (reviewers of other units only: refused) ---
    "originality:overview": NONE,
    "originality:export": NONE,
    # --- meeting lists and forms that name no meeting: the list is empty, nothing may be created ---
    "meetings:list": ALL,
    "meetings:create": NONE,
    "archive:bundle_import": NONE,
    "rectification:mine": ALL,
    "opinions:public_form": [ALL, ALL, NOT_FOUND],  # the paper round takes no online responses
    # --- oversight (reads meetings: refused) and to-do (empty) ---
    "oversight:overview": NONE,
    "oversight:export": NONE,
    "oversight:summary": NONE,
    "todo:list": ALL,
    "todo:count": ALL,
    # --- reminders (each person's own; none for an administrator) ---
    "reminders:list": ALL,
    "reminders:count": ALL,
    "reminders:read": (302, 302, 302),
    "reminders:settings": ALL,
}


def expected(name: str, cases: list) -> list[tuple[int, int, int]]:
    """One triple per case of the row `name`."""
    spec = ADMIN_EXPECT[name]
    return spec if isinstance(spec, list) else [spec] * len(cases)
