from mingjing.tests.matrix import GET

# Whoever reads some unit's meetings sees his own reach; the 督导组 member reads only assigned meetings.
OVERVIEW = (200, 200, 200, 200, 403, 200, 200, 302)

ROWS = {
    "oversight:overview": [GET(OVERVIEW), GET(OVERVIEW, query={"year": "2025", "sort": "lateness", "state": "late"})],
    "oversight:export": [GET(OVERVIEW)],
    "oversight:summary": [GET(OVERVIEW), GET(OVERVIEW, query={"year": "2024", "kind": "annual"})],
}
