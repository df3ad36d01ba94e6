"""Permission rows for the materials URLs. The demo gives the team's material (a skeleton draft)
and 李华's outline (submitted); the fixture uploads a .docx to the team's material as the principal,
and the principal writes his own outline (with an uploaded .docx): before the meeting it is his
draft, which the member (李华) may not read (Ability.READ_DRAFTS)."""

from __future__ import annotations

import io
from types import SimpleNamespace

from mingjing.materials.models import Material
from mingjing.materials.services import material_save, material_upload
from mingjing.tests.matrix import GET, MEETING_READ, MEETING_WRITE, MEETING_WRITE_POST, OTHER_MANAGE, OTHER_READ, POST

# Columns:   admin preparer principal member supervisor superior outsider anonymous
TEAM_WRITE_POST = (302, 302, 302, 403, 403, 403, 404, 302)  # the principal, helped by the preparer/admin
OWN_OUTLINE_POST = (403, 403, 403, 302, 403, 403, 404, 302)  # 李华 alone writes his outline
PRINCIPAL_ONLY_POST = (403, 403, 302, 403, 403, 403, 404, 302)
REVIEWERS_POST = (403, 403, 403, 403, 302, 302, 404, 302)  # the 督导组 and the superior's organization dept
# Another member's outline before the meeting: not 李华 (the member persona).
DRAFTS_READ = (200, 200, 200, 403, 200, 200, 404, 302)


def docx_bytes(*paragraphs: str) -> bytes:
    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def fixtures(cls) -> dict:
    team = Material.objects.get(meeting=cls.meeting, owner=None)
    upload = material_upload(
        actor=cls.principal,
        meeting=cls.meeting,
        owner=None,
        name="班子对照检查材料.docx",
        content=docx_bytes("一、上年度整改落实情况", "正文。"),
    )
    principal_entry = cls.meeting.roster.get(name="张明")
    material_save(
        actor=cls.principal, meeting=cls.meeting, owner=principal_entry, text="张明的发言提纲", base_version=0
    )
    principal_file = material_upload(
        actor=cls.principal,
        meeting=cls.meeting,
        owner=principal_entry,
        name="张明发言提纲.docx",
        content=docx_bytes("一、上年度整改落实情况", "张明的发言提纲。"),
    )
    return {
        "team_slot": SimpleNamespace(pk="team"),
        "principal_slot": principal_entry,
        "principal_file": principal_file,
        "member_slot": cls.meeting.roster.get(name="李华"),
        "version_one": SimpleNamespace(pk=1),
        "material_file": upload,
        "team_material": team,
    }


TEXT = {"text": "一、上年度整改落实情况\n正文", "base_version": "2"}

ROWS = {
    "materials:list": [GET(MEETING_READ, meeting_id="meeting"), GET(OTHER_READ, meeting_id="outsider_meeting")],
    "materials:case": [
        GET(MEETING_WRITE, "the unit's staff record the case", meeting_id="meeting"),
        POST(MEETING_WRITE_POST, data={"case_name": "某案"}, meeting_id="meeting"),
        GET(OTHER_MANAGE, meeting_id="outsider_meeting"),
    ],
    "materials:edit": [
        GET(MEETING_READ, meeting_id="meeting", slot="team_slot"),
        GET(MEETING_READ, meeting_id="meeting", slot="member_slot"),
        GET(DRAFTS_READ, "the principal's outline before the meeting", meeting_id="meeting", slot="principal_slot"),
    ],
    "materials:save": [
        POST(TEAM_WRITE_POST, data=TEXT, meeting_id="meeting", slot="team_slot"),
        POST(OWN_OUTLINE_POST, "no ghost-writing", data=TEXT, meeting_id="meeting", slot="member_slot"),
    ],
    "materials:upload": [
        POST(TEAM_WRITE_POST, "no file: refused on the page", meeting_id="meeting", slot="team_slot"),
        POST(OWN_OUTLINE_POST, meeting_id="meeting", slot="member_slot"),
    ],
    "materials:skeleton": [
        POST(TEAM_WRITE_POST, data={"replace": "1"}, meeting_id="meeting", slot="team_slot"),
        POST(OWN_OUTLINE_POST, meeting_id="meeting", slot="member_slot"),
    ],
    "materials:review": [
        POST(
            PRINCIPAL_ONLY_POST,
            "the principal submits the team's",
            data={"action": "submit"},
            meeting_id="meeting",
            slot="team_slot",
        ),
        POST(
            PRINCIPAL_ONLY_POST,
            "the principal approves outlines",
            data={"action": "approve"},
            meeting_id="meeting",
            slot="member_slot",
        ),
        POST(
            REVIEWERS_POST,
            data={"action": "review", "comments": "问题查摆还不够具体"},
            meeting_id="meeting",
            slot="member_slot",
        ),
        POST(
            (403, 403, 403, 302, 403, 403, 404, 302),
            "the owner withdraws",
            data={"action": "withdraw"},
            meeting_id="meeting",
            slot="member_slot",
        ),
    ],  # fmt: skip
    "materials:version": [
        GET(MEETING_READ, meeting_id="meeting", slot="team_slot", number="version_one"),
        GET(DRAFTS_READ, meeting_id="meeting", slot="principal_slot", number="version_one"),
    ],
    "materials:compare": [
        GET(MEETING_READ, meeting_id="meeting", slot="team_slot"),
        GET(DRAFTS_READ, meeting_id="meeting", slot="principal_slot"),
    ],
    "materials:file": [
        GET(MEETING_READ, file_id="material_file"),
        GET(DRAFTS_READ, "the principal's outline before the meeting", file_id="principal_file"),
    ],
}
