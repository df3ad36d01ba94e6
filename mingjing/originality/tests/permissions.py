"""Permission rows for the 查重 pages: the report follows the material (READ_DRAFTS for an outline
before the meeting); the template corpus is the administrators' (UNIT_ADMIN)."""

from __future__ import annotations

from django.utils import timezone

from mingjing.originality.models import TemplateText
from mingjing.tests.matrix import GET, MEETING_READ, OTHER_READ, POST

# Columns:   admin preparer principal member supervisor superior outsider anonymous
DRAFTS_READ = (200, 200, 200, 403, 200, 200, 404, 302)  # another member's outline before the meeting
ADMINS = (200, 403, 403, 403, 403, 403, 403, 302)
ADMINS_POST = (302, 403, 403, 403, 403, 403, 403, 302)
# The cross-unit table: the organization department above and the assigned 督导组 only.
REVIEWERS = (403, 403, 403, 403, 200, 200, 403, 302)


def fixtures(cls) -> dict:
    # The slots (team_slot, member_slot, principal_slot: the principal's own outline, his draft) are
    # the materials rows' fixtures.
    template = TemplateText.objects.create(name="范文.txt", text="范文", uploaded_at=timezone.now())
    return {"originality_template": template}


ROWS = {
    "originality:report": [
        GET(MEETING_READ, meeting_id="meeting", slot="team_slot"),
        GET(MEETING_READ, meeting_id="meeting", slot="member_slot"),
        GET(MEETING_READ, "a chosen version", meeting_id="meeting", slot="team_slot", query={"version": "1"}),
        GET(DRAFTS_READ, "the principal's outline before the meeting", meeting_id="meeting", slot="principal_slot"),
        GET(OTHER_READ, "another unit's meeting", meeting_id="outsider_meeting", slot="team_slot"),
    ],
    "originality:templates": [GET(ADMINS)],
    "originality:overview": [GET(REVIEWERS), GET(REVIEWERS, "filtered", query={"year": "2025", "level": "high"})],
    "originality:export": [GET(REVIEWERS)],
    "originality:template_delete": [POST(ADMINS_POST, template_id="originality_template")],
}
