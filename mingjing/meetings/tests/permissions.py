"""Permission-matrix rows for the meetings URLs added by issue 12 (delete and cancel)."""

from mingjing.tests.matrix import MEETING_WRITE_POST, OTHER_MANAGE_POST, POST

ROWS = {
    # The 2025 meeting holds records: deleting it is refused with the reason (a redirect back).
    "meetings:delete": [
        POST(MEETING_WRITE_POST, meeting_id="meeting"),
        POST(OTHER_MANAGE_POST, meeting_id="outsider_meeting"),
    ],
    "meetings:cancel": [
        POST(MEETING_WRITE_POST, data={"reason": "改期另开"}, meeting_id="meeting"),
        POST(OTHER_MANAGE_POST, data={"reason": "改期另开"}, meeting_id="outsider_meeting"),
    ],
}
