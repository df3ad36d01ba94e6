from mingjing.tests.matrix import GET, MEETING_WRITE, MEETING_WRITE_POST, OTHER_MANAGE, POST


def fixtures(cls) -> dict:
    return {}


ROWS = {
    "reports:outcome": [
        GET(MEETING_WRITE, "the unit's staff write the achievements", meeting_id="meeting"),
        POST(MEETING_WRITE_POST, data={"achievements": "经历了严格严肃的政治淬炼。"}, meeting_id="meeting"),
        GET(OTHER_MANAGE, meeting_id="outsider_meeting"),
    ],
}
