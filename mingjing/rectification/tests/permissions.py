from django.core.files.uploadedfile import SimpleUploadedFile

from mingjing.rectification.demo import EVIDENCE_PDF
from mingjing.rectification.models import RectificationItem, Status
from mingjing.rectification.services import closure_request, item_create, notice_create
from mingjing.tests.matrix import EVERYONE, GET, MEETING_READ, MEETING_WRITE, POST

# Columns:  admin preparer principal member supervisor superior outsider anonymous
# Define the ledger (add/edit items, carry over, notices): preparer, admin and the principal.
DEFINE = (200, 200, 200, 403, 403, 403, 404, 302)
DEFINE_POST = (302, 302, 302, 403, 403, 403, 404, 302)
# Update an item of 李华 (demo-member): he, the principal and the preparer/admin; readers may not.
UPDATE_POST = (302, 302, 302, 302, 403, 403, 404, 302)
# Another member's (王芳's) item: the member neither sees nor updates it; the 督导组 reads it.
OTHERS_ITEM = (200, 200, 200, 403, 200, 200, 404, 302)
# Only the principal verifies (the meeting does not require the 督导组's verification).
VERIFY_POST = (403, 403, 302, 403, 403, 403, 404, 302)
IMPORT = (200, 200, 200, 200, 403, 403, 404, 302)
IMPORT_POST = (302, 302, 302, 302, 403, 403, 404, 302)
ITEM = {"owner": "", "problem_text": "督导组点评指出的问题", "measures": "逐项整改", "deadline": "2027-06-30"}
# Last year held on paper: a name and one line.
PREVIOUS = {
    "previous_name": "2024年度民主生活会",
    "lines-TOTAL_FORMS": "1",
    "lines-INITIAL_FORMS": "0",
    "lines-0-text": "调查研究不够深入",
    "lines-0-state": "done",
}


def fixtures(cls) -> dict:
    meeting = cls.meeting
    roster = {e.name: e for e in meeting.roster.all()}
    others = item_create(
        actor=None,
        meeting=meeting,
        owner=roster["王芳"],
        problem_text="对分管科室督促指导不够",
        measures="每月听取一次分管科室工作汇报",
        deadline=meeting.planned_date,
    )
    closure_request(
        actor=None,
        item=others,
        note="已完成",
        files=[SimpleUploadedFile("佐证.pdf", EVIDENCE_PDF, content_type="application/pdf")],
    )
    return {
        "member_item": RectificationItem.objects.get(meeting=meeting, owner=roster["李华"]),
        "team_item": RectificationItem.objects.get(meeting=meeting, owner=None),
        "others_item": others,
        "evidence": others.evidence_files.get(),
        "closed_item": RectificationItem.objects.filter(
            meeting=cls.last_meeting, owner__name="李华", status=Status.CLOSED
        ).first(),
        "notice": notice_create(
            actor=None,
            meeting=meeting,
            kind="publicity",
            scope="全局党员干部",
            channel="局一楼公示栏",
            published_on=meeting.planned_date,
        ),
    }


ROWS = {
    "rectification:ledger": [GET(MEETING_READ, meeting_id="meeting")],
    "rectification:create": [
        GET(DEFINE, meeting_id="meeting"),
        POST(DEFINE_POST, data=ITEM, meeting_id="meeting"),
    ],
    "rectification:from_problems": [GET(DEFINE, meeting_id="meeting")],
    "rectification:settings": [GET(MEETING_WRITE, meeting_id="meeting")],
    "rectification:previous_year": [
        GET(DEFINE, meeting_id="meeting"),
        POST(DEFINE_POST, data=PREVIOUS, meeting_id="meeting"),
    ],
    "rectification:carry_over": [POST(DEFINE_POST, "nothing left to carry: a message", meeting_id="meeting")],
    "rectification:export": [GET(MEETING_READ, "a member exports only his items", meeting_id="meeting")],
    "rectification:import": [GET(IMPORT, meeting_id="meeting")],
    "rectification:import_confirm": [POST(IMPORT_POST, "nothing pending: back to the upload", meeting_id="meeting")],
    "rectification:notices": [GET(MEETING_READ, meeting_id="meeting")],
    "rectification:notice_create": [GET(DEFINE, meeting_id="meeting")],
    "rectification:notice_edit": [GET(DEFINE, notice_id="notice")],
    "rectification:notice_delete": [POST(DEFINE_POST, notice_id="notice")],
    "rectification:item": [
        GET(MEETING_READ, "李华's own item", item_id="member_item"),
        GET(OTHERS_ITEM, item_id="others_item"),
        GET(OTHERS_ITEM, "the team's item: the member is not its leader", item_id="team_item"),
        GET((200, 200, 200, 200, 404, 200, 404, 302), "2024: the supervisor is not assigned", item_id="closed_item"),
    ],
    "rectification:edit": [GET(DEFINE, item_id="member_item")],
    "rectification:progress": [
        POST(
            UPDATE_POST,
            data={"progress-progress": "70", "progress-progress_note": "已完成大部分"},
            item_id="member_item",
        ),
        POST((302, 302, 302, 403, 403, 403, 404, 302), data={"progress-progress": "70"}, item_id="team_item"),
    ],
    "rectification:milestone": [
        POST(
            UPDATE_POST, data={"milestone-date": "2026-01-05", "milestone-text": "召开专题会议"}, item_id="member_item"
        ),
    ],
    "rectification:request": [
        POST(
            (400, 400, 400, 400, 403, 403, 404, 302),
            "no evidence file: refused",
            data={"closure-note": "已完成"},
            item_id="member_item",
        ),
    ],
    "rectification:verify": [POST(VERIFY_POST, item_id="others_item")],
    "rectification:return": [POST(VERIFY_POST, data={"return-reason": "佐证材料不足"}, item_id="others_item")],
    "rectification:reopen": [
        POST((302, 302, 403, 403, 404, 403, 404, 302), data={"reopen-reason": "复查发现反弹"}, item_id="closed_item"),
    ],
    "rectification:delete": [POST(DEFINE_POST[:2] + (403,) + DEFINE_POST[3:], item_id="team_item")],
    "rectification:evidence": [GET(OTHERS_ITEM, evidence_id="evidence")],
    "rectification:mine": [GET(EVERYONE)],
}
