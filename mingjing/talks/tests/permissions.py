from mingjing.talks.services import talk_record
from mingjing.tests.matrix import GET, MEETING_READ, MEETING_WRITE, MEETING_WRITE_POST, OTHER_MANAGE, OTHER_READ, POST

TALK = {
    "talk_date": "2026-11-02",
    "member": "@principal_entry",
    "counterpart_kind": "branch_reps",
    "branch": "@branch",
    "topics": "交流思想",
}

EMPTY_BULK = {"rows-TOTAL_FORMS": "0", "rows-INITIAL_FORMS": "0"}


def fixtures(cls) -> dict:
    return {
        "talk": talk_record(
            topics="交流思想",
            actor=None,
            meeting=cls.meeting,
            talk_date=cls.meeting.planned_date,
            member=cls.meeting.roster.get(name="张明"),
            counterpart_kind="member",
            other_member=cls.meeting.roster.get(name="李华"),
        )
    }


ROWS = {
    "talks:list": [GET(MEETING_READ, meeting_id="meeting"), GET(OTHER_READ, meeting_id="outsider_meeting")],
    "talks:create": [
        GET(MEETING_WRITE, meeting_id="meeting"),
        POST(MEETING_WRITE_POST, data=TALK, meeting_id="meeting"),
        GET(OTHER_MANAGE, meeting_id="outsider_meeting"),
    ],
    "talks:bulk": [
        GET(MEETING_WRITE, meeting_id="meeting"),
        POST(MEETING_WRITE, "nothing filled: the form again", data=EMPTY_BULK, meeting_id="meeting"),
        GET(OTHER_MANAGE, meeting_id="outsider_meeting"),
    ],
    "talks:import": [GET(MEETING_WRITE, meeting_id="meeting"), GET(OTHER_MANAGE, meeting_id="outsider_meeting")],
    "talks:import_template": [GET(MEETING_WRITE, meeting_id="meeting")],
    "talks:edit": [GET(MEETING_WRITE, talk_id="talk")],
    "talks:delete": [POST(MEETING_WRITE_POST, talk_id="talk")],
}
