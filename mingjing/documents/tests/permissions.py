from types import SimpleNamespace

from mingjing.tests.matrix import GET, MEETING_READ, MEETING_WRITE_POST, OTHER_MANAGE_POST, OTHER_READ, POST

EDIT = {"key": "intro", "text": "本段由党务工作人员改写。"}
POST_ONLY = (405, 405, 405, 405, 405, 405, 405, 302)
# 个人发言提纲 of the principal before the meeting: his draft (Ability.READ_DRAFTS), not the member's.
DRAFTS_READ = (200, 200, 200, 403, 200, 200, 404, 302)


def fixtures(cls) -> dict:
    # The `kind` URL argument is a registry code, not a row: a stand-in whose pk is the code.
    return {
        "talks_kind": SimpleNamespace(pk="talks"),
        "catalogue_kind": SimpleNamespace(pk="catalogue"),
        "outline_kind": SimpleNamespace(pk="member-outline"),
    }


ROWS = {
    "documents:list": [GET(MEETING_READ, meeting_id="meeting"), GET(OTHER_READ, meeting_id="outsider_meeting")],
    "documents:preview": [
        GET(MEETING_READ, meeting_id="meeting", kind="talks_kind"),
        GET(
            MEETING_READ,
            "one member's record",
            query={"member": "@principal_entry"},
            meeting_id="meeting",
            kind="talks_kind",
        ),  # fmt: skip
        GET(MEETING_READ, meeting_id="meeting", kind="catalogue_kind"),
        GET(OTHER_READ, meeting_id="outsider_meeting", kind="talks_kind"),
        GET(
            DRAFTS_READ,
            "the principal's outline before the meeting",
            query={"member": "@principal_entry"},
            meeting_id="meeting",
            kind="outline_kind",
        ),  # fmt: skip
    ],
    "documents:download": [
        GET(
            MEETING_READ,
            "whoever reads the meeting downloads",
            query={"format": "docx"},
            meeting_id="meeting",
            kind="talks_kind",
        ),  # fmt: skip
        GET(MEETING_READ, query={"format": "docx"}, meeting_id="meeting", kind="catalogue_kind"),
        GET(
            DRAFTS_READ,
            "the principal's outline before the meeting",
            query={"format": "docx", "member": "@principal_entry"},
            meeting_id="meeting",
            kind="outline_kind",
        ),  # fmt: skip
        GET(OTHER_READ, query={"format": "docx"}, meeting_id="outsider_meeting", kind="talks_kind"),
    ],
    "documents:edit": [
        POST(MEETING_WRITE_POST, "Ability.EDIT only", data=EDIT, meeting_id="meeting", kind="talks_kind"),
        POST(OTHER_MANAGE_POST, data=EDIT, meeting_id="outsider_meeting", kind="talks_kind"),
        GET(POST_ONLY, meeting_id="meeting", kind="talks_kind"),
    ],
    "documents:reset": [
        POST(MEETING_WRITE_POST, data={"key": "intro"}, meeting_id="meeting", kind="talks_kind"),
        GET(POST_ONLY, meeting_id="meeting", kind="talks_kind"),
    ],
    "documents:settings": [
        POST(MEETING_WRITE_POST, "Ability.EDIT only", data={"dated_on": ""}, meeting_id="meeting", kind="talks_kind"),
        POST(OTHER_MANAGE_POST, data={"dated_on": ""}, meeting_id="outsider_meeting", kind="talks_kind"),
        GET(POST_ONLY, meeting_id="meeting", kind="talks_kind"),
    ],
}
