from mingjing.tests.matrix import GET, MEETING_WRITE, MEETING_WRITE_POST, OTHER_MANAGE, POST

# The 督导组 and the superior's organization department record the receipt (Ability.REVIEW).
REVIEW_POST = (403, 403, 403, 403, 302, 302, 404, 302)
POST_ONLY = (405, 405, 405, 405, 405, 405, 405, 302)


def fixtures(cls) -> dict:
    return {}


ROWS = {
    "reports:outcome": [
        GET(MEETING_WRITE, "the unit's staff write the achievements", meeting_id="meeting"),
        POST(MEETING_WRITE_POST, data={"achievements": "经历了严格严肃的政治淬炼。"}, meeting_id="meeting"),
        GET(OTHER_MANAGE, meeting_id="outsider_meeting"),
    ],
    "reports:receipt": [
        POST(REVIEW_POST, "the reviewers record it", data={"body": "市委第三督导组"}, meeting_id="meeting"),
        GET(POST_ONLY, meeting_id="meeting"),
    ],
}
