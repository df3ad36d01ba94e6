"""The audit log is the audit administrator's alone: no meeting role opens it (the three
administrators' own rows are in mingjing/audit/tests/test_integrity.py until they join the matrix)."""

from mingjing.tests.matrix import GET

NOBODY = (403, 403, 403, 403, 403, 403, 403, 302)

ROWS = {
    "audit:log": [GET(NOBODY), GET(NOBODY, query={"event_type": "auth.login"})],
    "audit:export": [GET(NOBODY)],
}
