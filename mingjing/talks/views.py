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
from mingjing.talks.forms import TalkForm
from mingjing.talks.selectors import get_talk_for_user, talk_coverage, talks_of_meeting
from mingjing.talks.services import TALK_FIELDS, talk_delete, talk_record, talk_update


@login_required
def talk_list(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    talks = list(talks_of_meeting(meeting=meeting))
    context = {
        "meeting": meeting,
        "talks": talks,
        "coverage": talk_coverage(meeting=meeting, talks=talks),
        "policy": policy_for(user=request.user, meeting=meeting),
    }
    return render(request, "talks/list.html", context)


@login_required
def talk_new(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    return form_page(
        request,
        form=TalkForm(request.POST or None, meeting=meeting),
        save=lambda data: talk_record(actor=request.user, meeting=meeting, **data),
        success="谈话记录已保存",
        next_url=reverse("talks:list", args=[meeting.pk]),
        template="talks/form.html",
        context={"meeting": meeting, "title": "登记谈心谈话"},
    )


@login_required
def talk_edit(request: HttpRequest, talk_id: int) -> HttpResponse:
    talk = get_talk_for_user(user=request.user, pk=talk_id, ability=Ability.EDIT)
    return form_page(
        request,
        form=TalkForm(request.POST or None, meeting=talk.meeting, initial={f: getattr(talk, f) for f in TALK_FIELDS}),
        save=lambda data: talk_update(actor=request.user, talk=talk, data=data),
        success="谈话记录已保存",
        next_url=reverse("talks:list", args=[talk.meeting_id]),
        template="talks/form.html",
        context={"meeting": talk.meeting, "title": f"修改：{talk}", "talk": talk, "history": history_for_object(talk)},
    )


@login_required
@require_POST
def talk_remove(request: HttpRequest, talk_id: int) -> HttpResponse:
    talk = get_talk_for_user(user=request.user, pk=talk_id, ability=Ability.EDIT)
    meeting_id = talk.meeting_id
    talk_delete(actor=request.user, talk=talk)
    messages.success(request, "谈话记录已删除")
    return redirect("talks:list", meeting_id=meeting_id)
