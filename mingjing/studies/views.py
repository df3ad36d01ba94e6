from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mingjing.accounts.policy import Ability, policy_for
from mingjing.audit.selectors import history_for_object
from mingjing.lib.views import form_page
from mingjing.meetings.selectors import get_meeting_for_user
from mingjing.studies.forms import StudySessionForm
from mingjing.studies.selectors import get_session_for_user, session_counts, sessions_of_meeting
from mingjing.studies.services import (
    SESSION_FIELDS,
    study_session_delete,
    study_session_record,
    study_session_update,
)


@login_required
def session_list(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    sessions = list(sessions_of_meeting(meeting=meeting))
    context = {
        "meeting": meeting,
        "sessions": sessions,
        "counts": session_counts(sessions, meeting.config.study_kinds),
        "policy": policy_for(user=request.user, meeting=meeting),
    }
    return render(request, "studies/list.html", context)


@login_required
def session_new(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    return form_page(
        request,
        form=StudySessionForm(request.POST or None, meeting=meeting),
        save=lambda data: study_session_record(actor=request.user, meeting=meeting, **data),
        success="学习研讨记录已保存",
        next_url=reverse("studies:list", args=[meeting.pk]),
        template="studies/form.html",
        context={"meeting": meeting, "title": "登记学习研讨"},
    )


@login_required
def session_edit(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(user=request.user, pk=session_id, ability=Ability.EDIT)
    initial = {f: getattr(session, f) for f in SESSION_FIELDS}
    initial["participants"] = list(session.participants.all())

    def save(data: dict) -> None:
        data = dict(data)
        participants = data.pop("participants")
        study_session_update(actor=request.user, session=session, data=data, participants=participants)

    return form_page(
        request,
        form=StudySessionForm(request.POST or None, meeting=session.meeting, initial=initial),
        save=save,
        success="学习研讨记录已保存",
        next_url=reverse("studies:list", args=[session.meeting_id]),
        template="studies/form.html",
        context={
            "meeting": session.meeting,
            "title": f"修改：{session}",
            "session": session,
            "history": history_for_object(session),
        },
    )


@login_required
@require_POST
def session_remove(request: HttpRequest, session_id: int) -> HttpResponse:
    session = get_session_for_user(user=request.user, pk=session_id, ability=Ability.EDIT)
    meeting_id = session.meeting_id
    study_session_delete(actor=request.user, session=session)
    messages.success(request, "学习研讨记录已删除")
    return redirect("studies:list", meeting_id=meeting_id)
