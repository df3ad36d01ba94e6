from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from mingjing.accounts.policy import Ability
from mingjing.audit.selectors import history_for_object
from mingjing.lib.dates import today
from mingjing.lib.views import form_page
from mingjing.meetings.selectors import get_meeting_for_user
from mingjing.reports.forms import OutcomeForm
from mingjing.reports.models import MeetingOutcome
from mingjing.reports.services import outcome_save, report_receipt_record


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


@login_required
@require_POST
def receipt_record(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The 督导组 / superior records the day the 情况报告 came in and the receiving body."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.REVIEW)
    back = reverse("documents:preview", args=[meeting.pk, "report"]) + "#receipt"
    raw = request.POST.get("received_on", "").strip()
    try:
        received_on = dt.date.fromisoformat(raw) if raw else today()
        report_receipt_record(
            actor=request.user, meeting=meeting, received_on=received_on, body=request.POST.get("body", "")
        )
    except ValueError:
        messages.error(request, f"收到日期“{raw}”不是有效的日期，请按“2026-01-05”的格式填写")
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, "已登记收到情况报告")
    return redirect(back)
