from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from mingjing.accounts.policy import Ability
from mingjing.audit.selectors import history_for_object
from mingjing.lib.views import form_page
from mingjing.meetings.selectors import get_meeting_for_user
from mingjing.reports.forms import OutcomeForm
from mingjing.reports.models import MeetingOutcome
from mingjing.reports.services import outcome_save


@login_required
def outcome_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """会议取得的成效: the third part of the 情况报告 (seed 001), written after the meeting."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    outcome = MeetingOutcome.objects.filter(meeting=meeting).first()
    return form_page(
        request,
        form=OutcomeForm(request.POST or None, initial={"achievements": outcome.achievements if outcome else ""}),
        save=lambda data: outcome_save(actor=request.user, meeting=meeting, achievements=data["achievements"]),
        success="会议取得的成效已保存",
        next_url=reverse("documents:preview", args=[meeting.pk, "report"]),
        template="reports/outcome.html",
        context={"meeting": meeting, "history": history_for_object(outcome) if outcome else []},
    )
