"""Permission rows for the problems app.

Owners: the team's records (member None) are edited by the principal (张明) and the preparer/admin;
李华's (the member persona) by himself and the preparer/admin; 王芳's by the preparer/admin only.
Before the meeting is held, a member does not read another member's page (403).
"""

from mingjing.problems.services import cause_create, measure_create, problem_create
from mingjing.tests.matrix import (
    GET,
    MEETING_READ,
    MEETING_WRITE,
    MEETING_WRITE_POST,
    OTHER_MANAGE,
    OTHER_READ,
    POST,
    Case,
)
from mingjing.yearconfigs.models import Aspect

# Columns:  admin preparer principal member supervisor superior outsider anonymous
TEAM_EDIT = (200, 200, 200, 403, 403, 403, 404, 302)
TEAM_EDIT_POST = (302, 302, 302, 403, 403, 403, 404, 302)
OWN_EDIT = (200, 200, 403, 200, 403, 403, 404, 302)  # 李华's records
OWN_EDIT_POST = (302, 302, 403, 302, 403, 403, 404, 302)
OTHER_MEMBER_READ = (200, 200, 200, 403, 200, 200, 404, 302)  # 王芳's page before the meeting
NOT_FOUND = (404, 404, 404, 404, 404, 404, 404, 302)
# Importing: whoever may enter problems for someone (the principal for the team, 李华 for himself).
IMPORT = (200, 200, 200, 200, 403, 403, 404, 302)

PROBLEM = {"aspect": "@problems_aspect", "description": "调查研究不够深入", "source": "self"}
CAUSE = {"heading": "宗旨意识有所淡化", "text": "深入基层不够。"}
MEASURE = {"heading": "改进工作作风", "text": "每月深入基层调研一次。"}
UP = {"direction": "up"}
BATCH = {
    "rows-TOTAL_FORMS": "2",
    "rows-INITIAL_FORMS": "0",
    "rows-0-aspect": "@problems_aspect",
    "rows-0-description": "调查研究不够深入",
    "rows-0-source": "self",
    "rows-1-source": "self",
}


def fixtures(cls) -> dict:
    meeting = cls.meeting
    aspect = Aspect.objects.filter(config_id=meeting.config_id).order_by("order").first()
    lihua = meeting.roster.get(name="李华")
    wangfang = meeting.roster.get(name="王芳")

    def problem(member):
        return problem_create(
            actor=None, meeting=meeting, member=member, aspect=aspect, description="权限测试问题", example="比如，……"
        )

    def cause(member):
        return cause_create(actor=None, meeting=meeting, member=member, heading="权限测试", text="剖析")

    def measure(member):
        return measure_create(actor=None, meeting=meeting, member=member, heading="权限测试", text="措施")

    return {
        "problems_aspect": aspect,
        "problems_lihua": lihua,
        "problems_wangfang": wangfang,
        "problems_team_problem": problem(None),
        "problems_own_problem": problem(lihua),
        "problems_other_problem": problem(wangfang),
        "problems_team_cause": cause(None),
        "problems_own_cause": cause(lihua),
        "problems_other_cause": cause(wangfang),
        "problems_team_measure": measure(None),
        "problems_own_measure": measure(lihua),
        "problems_other_measure": measure(wangfang),
    }


def _create_rows(data: dict) -> list:
    return [
        GET(TEAM_EDIT, "the team's", meeting_id="meeting"),
        POST(TEAM_EDIT_POST, "the team's", data=data, meeting_id="meeting"),
        GET(OWN_EDIT, "李华's", query={"member": "@problems_lihua"}, meeting_id="meeting"),
        Case(
            expect=OWN_EDIT_POST,
            objs={"meeting_id": "meeting"},
            method="post",
            data=data,
            query={"member": "@problems_lihua"},
            note="李华's",
        ),
        GET(MEETING_WRITE, "王芳's", query={"member": "@problems_wangfang"}, meeting_id="meeting"),
        GET(NOT_FOUND, "an entry of no meeting", query={"member": "999999"}, meeting_id="meeting"),
        GET(OTHER_MANAGE, meeting_id="outsider_meeting"),
    ]


def _record_rows(kind: str, key: str, data: dict) -> dict:
    return {
        f"problems:{kind}_edit": [
            GET(TEAM_EDIT, "the team's", **{key: f"problems_team_{kind}"}),
            GET(OWN_EDIT, "李华's", **{key: f"problems_own_{kind}"}),
            GET(MEETING_WRITE, "王芳's", **{key: f"problems_other_{kind}"}),
            POST(OWN_EDIT_POST, "李华's", data=data, **{key: f"problems_own_{kind}"}),
            GET(NOT_FOUND, **{key: "missing"}),
        ],
        f"problems:{kind}_delete": [
            POST(TEAM_EDIT_POST, "the team's", **{key: f"problems_team_{kind}"}),
            POST(OWN_EDIT_POST, "李华's", **{key: f"problems_own_{kind}"}),
            POST(MEETING_WRITE_POST, "王芳's", **{key: f"problems_other_{kind}"}),
        ],
        f"problems:{kind}_move": [
            POST(TEAM_EDIT_POST, "the team's", data=UP, **{key: f"problems_team_{kind}"}),
            POST(OWN_EDIT_POST, "李华's", data=UP, **{key: f"problems_own_{kind}"}),
            POST(MEETING_WRITE_POST, "王芳's", data=UP, **{key: f"problems_other_{kind}"}),
        ],
    }


ROWS = {
    "problems:overview": [GET(MEETING_READ, meeting_id="meeting"), GET(OTHER_READ, meeting_id="outsider_meeting")],
    "problems:team": [GET(MEETING_READ, meeting_id="meeting"), GET(OTHER_READ, meeting_id="outsider_meeting")],
    "problems:member": [
        GET(MEETING_READ, "李华's own page", entry_id="problems_lihua"),
        GET(OTHER_MEMBER_READ, "王芳's page before the meeting", entry_id="problems_wangfang"),
        GET(NOT_FOUND, entry_id="missing"),
    ],
    "problems:problem_create": _create_rows(PROBLEM),
    "problems:batch": _create_rows(BATCH),
    "problems:import": [
        GET(IMPORT, meeting_id="meeting"),
        POST(IMPORT, "no file: the form again", meeting_id="meeting"),
        GET(OTHER_MANAGE, meeting_id="outsider_meeting"),
    ],
    "problems:import_template": [GET(IMPORT, meeting_id="meeting"), GET(OTHER_MANAGE, meeting_id="outsider_meeting")],
    "problems:cause_create": _create_rows(CAUSE),
    "problems:measure_create": _create_rows(MEASURE),
    **_record_rows("problem", "problem_id", PROBLEM),
    **_record_rows("cause", "cause_id", CAUSE),
    **_record_rows("measure", "measure_id", MEASURE),
}
