from mingjing.studies.services import study_session_record
from mingjing.tests.matrix import GET, MEETING_READ, MEETING_WRITE, MEETING_WRITE_POST, OTHER_MANAGE, OTHER_READ, POST

STUDY = {"session_date": "2026-11-02", "form": "collective", "materials": "党章", "participants": "@principal_entry"}


def fixtures(cls) -> dict:
    return {
        "study": study_session_record(
            actor=None, meeting=cls.meeting, session_date=cls.meeting.planned_date, form="seminar", materials="党章"
        )
    }


ROWS = {
    "studies:list": [GET(MEETING_READ, meeting_id="meeting"), GET(OTHER_READ, meeting_id="outsider_meeting")],
    "studies:create": [
        GET(MEETING_WRITE, meeting_id="meeting"),
        POST(MEETING_WRITE_POST, data=STUDY, meeting_id="meeting"),
        GET(OTHER_MANAGE, meeting_id="outsider_meeting"),
    ],
    "studies:edit": [GET(MEETING_WRITE, session_id="study")],
    "studies:delete": [POST(MEETING_WRITE_POST, session_id="study")],
}
