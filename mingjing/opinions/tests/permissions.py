from types import SimpleNamespace

from mingjing.opinions.demo import ONLINE_TITLE, PAPER_TITLE
from mingjing.opinions.models import Campaign
from mingjing.opinions.services import campaign_create, item_create, opinion_record, unit_add
from mingjing.tests.matrix import GET, MEETING_READ, MEETING_WRITE, MEETING_WRITE_POST, OTHER_MANAGE, OTHER_READ, POST

CAMPAIGN = {
    "title": "补充征求意见",
    "channels": "paper",
    "opens_on": "2026-11-02",
    "closes_on": "2026-11-10",
    "min_responses_shown": "5",
    "audience": "group",
}
OPINION = {"text": "调研不够深入", "target": "team", "channel": "paper", "received_on": "2026-11-02"}
UNIT = {"unit-name": "畜牧兽医科", "unit-source_kind": "division"}
PUBLIC_TEXT = {"text_team": "希望多到基层走走"}

# Everyone may open the anonymous form, signed in or not; it is the same page for all.
OPEN_TO_ALL = (200, 200, 200, 200, 200, 200, 200, 200)
NOT_FOUND_FOR_ALL = (404, 404, 404, 404, 404, 404, 404, 404)
# A feedback sheet: the member himself, the principal, the preparer/admin and the reviewers.
OWN_SHEET = (200, 200, 200, 200, 200, 200, 404, 302)
OTHERS_SHEET = (200, 200, 200, 403, 200, 200, 404, 302)

PUBLIC = {"opinions:public_form"}


def fixtures(cls) -> dict:
    meeting = cls.meeting
    paper = Campaign.objects.get(meeting=meeting, title=PAPER_TITLE)
    online = Campaign.objects.get(meeting=meeting, title=ONLINE_TITLE)
    outsider_campaign = campaign_create(
        actor=None,
        meeting=cls.fixtures["outsider_meeting"],
        title="征求意见",
        opens_on=meeting.planned_date,
        closes_on=meeting.planned_date,
    )
    return {
        "campaign": paper,
        "online_campaign": online,
        "outsider_campaign": outsider_campaign,
        "campaign_unit": unit_add(actor=None, campaign=paper, name="人事科"),
        "opinion": opinion_record(actor=None, campaign=paper, text="会风有待改进", received_on=meeting.planned_date),
        "opinion_item": item_create(actor=None, campaign=paper, text="会风文风有待改进"),
        "member_entry": meeting.roster.get(name="李华"),
        "other_entry": meeting.roster.get(name="王芳"),
        # The matrix puts a fixture's `.pk` into the URL; the anonymous form is addressed by token.
        "online_token": SimpleNamespace(pk=online.public_token),
        "paper_token": SimpleNamespace(pk=paper.public_token),
    }


ROWS = {
    "opinions:list": [GET(MEETING_READ, meeting_id="meeting"), GET(OTHER_READ, meeting_id="outsider_meeting")],
    "opinions:campaign_create": [
        GET(MEETING_WRITE, meeting_id="meeting"),
        POST(MEETING_WRITE_POST, data=CAMPAIGN, meeting_id="meeting"),
        GET(OTHER_MANAGE, meeting_id="outsider_meeting"),
    ],
    "opinions:feedback": [
        GET(OWN_SHEET, "李华 sees his own sheet", meeting_id="meeting", entry_id="member_entry"),
        GET(OTHERS_SHEET, "but not 王芳's", meeting_id="meeting", entry_id="other_entry"),
    ],
    "opinions:campaign": [
        GET(MEETING_READ, campaign_id="campaign"),
        GET(OTHER_READ, campaign_id="outsider_campaign"),
    ],
    "opinions:campaign_edit": [
        GET(MEETING_WRITE, campaign_id="campaign"),
        GET(OTHER_MANAGE, campaign_id="outsider_campaign"),
    ],
    "opinions:campaign_delete": [POST(MEETING_WRITE_POST, campaign_id="online_campaign")],
    "opinions:close": [POST(MEETING_WRITE_POST, data={"closed_on": "2026-11-02"}, campaign_id="online_campaign")],
    "opinions:reopen": [POST(MEETING_WRITE_POST, data={"reason": "补充征求"}, campaign_id="campaign")],
    "opinions:unit_add": [
        POST(MEETING_WRITE_POST, data=UNIT, campaign_id="campaign"),
    ],
    "opinions:unit_edit": [GET(MEETING_WRITE, unit_id="campaign_unit")],
    "opinions:unit_delete": [POST(MEETING_WRITE_POST, unit_id="campaign_unit")],
    "opinions:opinions": [
        GET(MEETING_READ, campaign_id="campaign"),
        GET(MEETING_READ, "filtered", campaign_id="campaign", query={"target": "team", "channel": "paper"}),
        GET(OTHER_READ, campaign_id="outsider_campaign"),
    ],
    "opinions:opinion_create": [
        GET(MEETING_WRITE, campaign_id="campaign"),
        POST(MEETING_WRITE_POST, data=OPINION, campaign_id="campaign"),
        GET(OTHER_MANAGE, campaign_id="outsider_campaign"),
    ],
    "opinions:opinion_edit": [GET(MEETING_WRITE, opinion_id="opinion")],
    "opinions:opinion_delete": [POST(MEETING_WRITE_POST, opinion_id="opinion")],
    "opinions:import": [GET(MEETING_WRITE, campaign_id="campaign"), GET(OTHER_MANAGE, campaign_id="outsider_campaign")],
    "opinions:import_template": [GET(MEETING_WRITE, campaign_id="campaign")],
    "opinions:ballots": [
        GET(MEETING_WRITE, campaign_id="online_campaign"),
        GET(OTHER_MANAGE, campaign_id="outsider_campaign"),
    ],
    "opinions:printable": [
        GET(MEETING_READ, campaign_id="online_campaign"),
        GET(OTHER_READ, campaign_id="outsider_campaign"),
    ],
    "opinions:items": [GET(MEETING_READ, campaign_id="campaign"), GET(OTHER_READ, campaign_id="outsider_campaign")],
    "opinions:item_create": [GET(MEETING_WRITE, campaign_id="campaign")],
    "opinions:item_edit": [GET(MEETING_WRITE, item_id="opinion_item")],
    "opinions:item_delete": [POST(MEETING_WRITE_POST, item_id="opinion_item")],
    "opinions:public_form": [
        GET(OPEN_TO_ALL, "no login, whoever opens it", token="online_token"),
        POST(OPEN_TO_ALL, "the thank-you page", data=PUBLIC_TEXT, token="online_token"),
        GET(NOT_FOUND_FOR_ALL, "the paper round takes no online responses", token="paper_token"),
    ],
}
