from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mingjing.accounts.policy import Ability, policy_for
from mingjing.audit.selectors import history_for_object
from mingjing.lib.forms import XlsxUploadForm, add_service_errors, filled_rows, rows_formset
from mingjing.lib.http import xlsx_response
from mingjing.lib.pagination import paginate
from mingjing.lib.views import form_page
from mingjing.lib.xlsx import write_sheet
from mingjing.meetings.selectors import get_meeting_for_user, meeting_roster
from mingjing.organizations.models import TeamRole
from mingjing.talks.forms import BulkTalkForm, TalkForm, bulk_form_kwargs
from mingjing.talks.selectors import (
    filter_talks,
    get_talk_for_user,
    talk_coverage,
    talk_filters,
    talk_keys_of_meeting,
    talks_of_meeting,
)
from mingjing.talks.services import (
    TALK_FIELDS,
    talk_delete,
    talk_record,
    talk_update,
    talks_import,
    talks_record_many,
)
from mingjing.talks.sheet import COLUMNS, import_notes, template_rows


@login_required
def talk_list(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Coverage over every talk, then the talk records a page at a time (by member, by words)."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    f = talk_filters(request.GET)
    page = paginate(request, filter_talks(talks_of_meeting(meeting=meeting), **f))
    context = {
        "meeting": meeting,
        "talks": page,
        "page": page,
        "f": f,
        "filtered": any(f.values()),
        "roster": [e for e in meeting_roster(meeting=meeting) if e.team_role != TeamRole.NONE],
        "coverage": talk_coverage(meeting=meeting, talks=talk_keys_of_meeting(meeting=meeting)),
        "policy": policy_for(user=request.user, meeting=meeting),
    }
    return render(request, "talks/list.html", context)


def _kinds(form: TalkForm) -> list[tuple[str, str, bool]]:
    """The kind switcher above the talk form: the kinds the year offers, as (value, label, chosen)."""
    return [(value, label, value == form.kind) for value, label in form.offered]


# What the kind switcher carries over when it redraws the form for another kind (htmx sends the
# form's values with the request): the fields every kind has.
CARRIED = ("talk_date", "member", "topics", "criticism_discussed", "participants")


def _carried(request: HttpRequest) -> dict[str, Any]:
    if request.method != "GET" or not request.headers.get("HX-Request"):
        return {}
    carried: dict[str, Any] = {name: request.GET[name] for name in CARRIED if name in request.GET}
    carried["criticism_discussed"] = "criticism_discussed" in request.GET  # an unticked box is not sent
    return carried


@login_required
def talk_new(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    form = TalkForm(request.POST or None, meeting=meeting, kind=request.GET.get("kind"), initial=_carried(request))
    return form_page(
        request,
        form=form,
        save=lambda data: talk_record(actor=request.user, meeting=meeting, **data),
        success="谈话记录已保存",
        next_url=reverse("talks:list", args=[meeting.pk]),
        template="talks/form.html",
        context={"meeting": meeting, "title": "登记谈心谈话", "kinds": _kinds(form)},
    )


@login_required
def talk_edit(request: HttpRequest, talk_id: int) -> HttpResponse:
    talk = get_talk_for_user(user=request.user, pk=talk_id, ability=Ability.EDIT)
    initial = {f: getattr(talk, f) for f in TALK_FIELDS} | _carried(request)
    form = TalkForm(
        request.POST or None,
        meeting=talk.meeting,
        kind=request.GET.get("kind", talk.counterpart_kind),
        keep=talk.counterpart_kind,
        initial=initial,
    )
    return form_page(
        request,
        form=form,
        save=lambda data: talk_update(actor=request.user, talk=talk, data=data),
        success="谈话记录已保存",
        next_url=reverse("talks:list", args=[talk.meeting_id]),
        template="talks/form.html",
        context={
            "meeting": talk.meeting,
            "title": f"修改：{talk}",
            "talk": talk,
            "kinds": _kinds(form),
            "history": history_for_object(talk),
        },
    )


@login_required
def talk_bulk(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Several talks on one page: the filled rows are recorded together, all or none."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    formset = rows_formset(request, BulkTalkForm, **bulk_form_kwargs(meeting))
    errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        try:
            talks = talks_record_many(actor=request.user, meeting=meeting, rows=filled_rows(formset))
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"已登记{len(talks)}次谈话")
            return redirect("talks:list", meeting_id=meeting.pk)
    more_url = f"{reverse('talks:bulk', args=[meeting.pk])}?rows={formset.more_rows}"
    return render(
        request, "talks/bulk.html", {"meeting": meeting, "formset": formset, "errors": errors, "more_url": more_url}
    )


@login_required
def talk_import_template(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    content = write_sheet(COLUMNS, template_rows(meeting), title="谈心谈话", notes=import_notes(meeting))
    return xlsx_response(content, f"谈心谈话导入模板-{meeting.title}.xlsx")


@login_required
def talk_import(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    form = XlsxUploadForm(request.POST or None, request.FILES or None, label="谈话记录表（.xlsx）")
    if request.method == "POST" and form.is_valid():
        try:
            count = talks_import(actor=request.user, meeting=meeting, fileobj=form.cleaned_data["file"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已导入{count}次谈话")
            return redirect("talks:list", meeting_id=meeting.pk)
    return render(request, "talks/import.html", {"meeting": meeting, "form": form, "columns": COLUMNS})


@login_required
@require_POST
def talk_remove(request: HttpRequest, talk_id: int) -> HttpResponse:
    talk = get_talk_for_user(user=request.user, pk=talk_id, ability=Ability.EDIT)
    meeting_id = talk.meeting_id
    talk_delete(actor=request.user, talk=talk)
    messages.success(request, "谈话记录已删除")
    return redirect("talks:list", meeting_id=meeting_id)
