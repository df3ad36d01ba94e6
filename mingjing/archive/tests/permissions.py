from mingjing.archive.testing import archive_held
from mingjing.meetings.services import meeting_create
from mingjing.tests.matrix import GET, MEETING_READ, MEETING_WRITE, MEETING_WRITE_POST, OTHER_MANAGE, OTHER_READ, POST
from mingjing.yearconfigs.models import YearConfig

# The box and bundle: the unit's preparer and admin, the assigned 督导组, the superior.
TAKE_OUT = (200, 200, 403, 403, 200, 200, 404, 302)


def fixtures(cls) -> dict:
    config = YearConfig.objects.get(preset_code="2025-annual")
    archived = meeting_create(
        actor=None,
        organization=cls.bureau,
        config=config,
        kind="special",
        extra_reason="权限测试",  # the plans rows add a 专题 meeting too
        planned_date=cls.meeting.planned_date,
    )
    box = archive_held(actor=None, meeting=archived)
    return {"archived_meeting": archived, "box": box}


ROWS = {
    "archive:meeting": [GET(MEETING_READ, meeting_id="meeting"), GET(OTHER_READ, meeting_id="outsider_meeting")],
    "archive:check": [
        GET(MEETING_WRITE, meeting_id="meeting"),
        GET((403, 403, 403, 403, 404, 403, 404, 302), "already archived", meeting_id="archived_meeting"),
    ],
    "archive:create": [
        POST(MEETING_WRITE_POST, meeting_id="meeting"),
        POST((403, 403, 403, 403, 404, 403, 404, 302), "already archived", meeting_id="archived_meeting"),
    ],
    "archive:reopen": [
        POST((302, 403, 403, 403, 404, 403, 404, 302), data={"reason": "补充佐证材料"}, meeting_id="archived_meeting"),
        POST(OTHER_MANAGE and (404, 404, 404, 404, 404, 403, 403, 302), meeting_id="outsider_meeting"),
    ],
    "archive:bundle": [GET(TAKE_OUT, meeting_id="meeting"), GET(OTHER_READ, meeting_id="outsider_meeting")],
    "archive:box_download": [GET((200, 200, 403, 403, 404, 200, 404, 302), box_id="box")],
    # Unit admins, preparers and the superior's organization department may import.
    "archive:bundle_import": [GET((200, 200, 403, 403, 403, 200, 200, 302))],
}
