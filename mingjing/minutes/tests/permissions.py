from mingjing.minutes.services import criticism_add, minutes_start
from mingjing.tests.matrix import (
    GET,
    MEETING_READ,
    MEETING_WRITE,
    MEETING_WRITE_POST,
    OTHER_MANAGE_POST,
    OTHER_READ,
    POST,
)

# The autosave answers JSON: 200 for writers, 403 for readers, 404 outside.
SAVE = (200, 200, 403, 403, 403, 403, 404, 302)
# The outsider's meeting has no record: the live page sends its preparer to the (empty) record page.
OTHER_LIVE = (404, 404, 404, 404, 404, 403, 302, 302)
# The outsider's meeting has no record to add criticisms to.
OTHER_NO_RECORD = (404, 404, 404, 404, 404, 403, 404, 302)
BATCH = {
    "rows-TOTAL_FORMS": "1",
    "rows-INITIAL_FORMS": "0",
    "rows-0-from_entry": "@minutes_wangfang",
    "rows-0-to_entry": "@minutes_zhangming",
    "rows-0-points": "1",
    "rows-0-text": "调研不够深入，比如……",
}


def fixtures(cls) -> dict:
    record = minutes_start(actor=None, meeting=cls.meeting)
    entries = {e.name: e for e in cls.meeting.roster.all()}
    return {
        "minutes_criticism": criticism_add(
            actor=None, record=record, from_entry=entries["李华"], to_entry=entries["张明"], text="调研不深入"
        ),
        "minutes_agenda": record.agenda_items.order_by("order").first(),
        "minutes_wangfang": entries["王芳"],
        "minutes_zhangming": entries["张明"],
    }


ROWS = {
    "minutes:detail": [
        GET(MEETING_READ, meeting_id="meeting"),
        GET((200, 200, 200, 200, 404, 200, 404, 302), "the finished 2024 record", meeting_id="last_meeting"),
        GET(OTHER_READ, meeting_id="outsider_meeting"),
    ],
    "minutes:start": [
        POST(MEETING_WRITE_POST, "already started: back to the record", meeting_id="meeting"),
        POST(OTHER_MANAGE_POST, meeting_id="outsider_meeting"),
    ],
    "minutes:live": [
        GET(MEETING_WRITE, meeting_id="meeting"),
        GET((302, 302, 403, 403, 404, 403, 404, 302), "final: to the read-only record", meeting_id="last_meeting"),
        GET(OTHER_LIVE, meeting_id="outsider_meeting"),
    ],
    "minutes:save": [POST(SAVE, data={"kind": "record", "place": "局机关五楼会议室"}, meeting_id="meeting")],
    "minutes:row_add": [POST(MEETING_WRITE_POST, data={"kind": "observer"}, meeting_id="meeting")],
    "minutes:row_delete": [
        POST(MEETING_WRITE_POST, data={"kind": "criticism", "id": "@minutes_criticism"}, meeting_id="meeting")
    ],
    "minutes:agenda_move": [
        POST(MEETING_WRITE_POST, data={"id": "@minutes_agenda", "direction": "down"}, meeting_id="meeting")
    ],
    "minutes:stats": [GET(MEETING_READ, meeting_id="meeting")],
    "minutes:criticisms_batch": [
        GET(MEETING_WRITE, meeting_id="meeting"),
        POST(MEETING_WRITE_POST, data=BATCH, meeting_id="meeting"),
        GET(OTHER_NO_RECORD, meeting_id="outsider_meeting"),
    ],
    "minutes:criticisms_import": [
        GET(MEETING_WRITE, meeting_id="meeting"),
        POST(MEETING_WRITE, "no file: the form again", meeting_id="meeting"),
        GET(OTHER_NO_RECORD, meeting_id="outsider_meeting"),
    ],
    "minutes:criticisms_template": [
        GET(MEETING_WRITE, meeting_id="meeting"),
        GET(OTHER_NO_RECORD, meeting_id="outsider_meeting"),
    ],
    "minutes:finalise": [POST(MEETING_WRITE_POST, meeting_id="meeting")],
    "minutes:reopen": [
        POST((302, 302, 403, 403, 404, 403, 404, 302), data={"reason": "补记督导组要求"}, meeting_id="last_meeting"),
    ],
}
