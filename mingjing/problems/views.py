from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mingjing.accounts.policy import Ability, MeetingPolicy, policy_for
from mingjing.audit.selectors import history_for_object
from mingjing.lib.forms import XlsxUploadForm, filled_rows, rows_formset
from mingjing.lib.http import xlsx_response
from mingjing.lib.views import form_page
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.meetings.selectors import get_meeting_for_user
from mingjing.problems.forms import CauseForm, MeasureForm, ProblemForm, ProblemRowForm
from mingjing.problems.importing import COLUMNS, problems_import, template_xlsx
from mingjing.problems.selectors import (
    get_cause_for_edit,
    get_entry_for_user,
    get_measure_for_edit,
    get_problem_for_edit,
    owner_in_meeting,
    owner_label,
    problem_counts,
)
from mingjing.problems.services import (
    CAUSE_FIELDS,
    MEASURE_FIELDS,
    PROBLEM_FIELDS,
    ProblemRow,
    cause_create,
    cause_delete,
    cause_update,
    measure_create,
    measure_delete,
    measure_update,
    problem_create,
    problem_delete,
    problem_update,
    problems_create_many,
    record_move,
)
from mingjing.problems.sheet_page import PER_PAGE, page_of, sheet_page
from mingjing.yearconfigs.selectors import active_aspects


def owner_url(meeting: Meeting | int, member: RosterEntry | None, anchor: str = "") -> str:
    if member is None:
        url = reverse("problems:team", args=[meeting if isinstance(meeting, int) else meeting.pk])
    else:
        url = reverse("problems:member", args=[member.pk])
    if not anchor:
        return url
    number = page_of(meeting, member, anchor)  # the sheet is read a page at a time
    return f"{url}?page={number}#{anchor}" if number > 1 else f"{url}#{anchor}"


def _create_url(name: str, meeting: Meeting, member: RosterEntry | None) -> str:
    url = reverse(name, args=[meeting.pk])
    return f"{url}?member={member.pk}" if member is not None else url


def _next(request: HttpRequest, name: str, meeting: Meeting, member: RosterEntry | None, anchor: str):
    """After saving: back to the owner's page, or to a blank form with "保存并继续添加"."""
    if "another" in request.POST:
        return _create_url(name, meeting, member)
    return lambda obj: owner_url(meeting, member, f"{anchor}-{obj.pk}")


# --- pages ----------------------------------------------------------------------------------------


@login_required
def overview(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    policy = policy_for(user=request.user, meeting=meeting)
    counts = problem_counts(meeting)
    rows = [
        {
            "row": r,
            "url": owner_url(meeting, r.member) if policy.can(Ability.READ_DRAFTS, r.member) else "",
            "can_edit": policy.can(Ability.EDIT_FOR, r.member),
        }
        for r in counts.rows
    ]
    context = {
        "meeting": meeting,
        "counts": counts,
        "rows": rows,
        "held": policy.held,
        "can_enter": any(r["can_edit"] for r in rows),
    }
    return render(request, "problems/overview.html", context)


def _owner_page(request: HttpRequest, meeting: Meeting, member: RosterEntry | None) -> HttpResponse:
    policy = policy_for(user=request.user, meeting=meeting)
    policy.require(Ability.READ_DRAFTS, member)
    # Linked opinions the reader may not read (on another member) are shown as a note.
    sheet = sheet_page(request, meeting, member, policy=policy)
    query = f"?member={member.pk}" if member is not None else ""
    context = {
        "meeting": meeting,
        "member": member,
        "sheet": sheet,
        "per_page": PER_PAGE,
        "can_edit": policy.can(Ability.EDIT_FOR, member),
        "query": query,
    }
    return render(request, "problems/owner.html", context)


@login_required
def team_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    return _owner_page(request, meeting, None)


@login_required
def member_page(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = get_entry_for_user(user=request.user, pk=entry_id)
    return _owner_page(request, entry.meeting, entry)


# --- create / edit / delete / move ----------------------------------------------------------------


def _owner_for_create(request: HttpRequest, meeting_id: int) -> tuple[Meeting, MeetingPolicy, RosterEntry | None]:
    """404 outside the user's meetings or for an entry of another meeting; 403 unless he may
    edit for that owner (the preparer for all, a member for himself, the principal for the team)."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    member = owner_in_meeting(meeting=meeting, member_id=request.GET.get("member"))
    policy = policy_for(user=request.user, meeting=meeting)
    policy.require(Ability.EDIT_FOR, member)
    return meeting, policy, member


def _form_context(meeting: Meeting, member: RosterEntry | None, title: str, **extra: Any) -> dict[str, Any]:
    return {"meeting": meeting, "member": member, "owner_url": owner_url(meeting, member), "title": title, **extra}


def _opinion_search(request: HttpRequest) -> str:
    """Words the offered opinions contain (`?oq=` on the problem form)."""
    return request.GET.get("oq", "").strip()[:100]


@login_required
def problem_new(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, policy, member = _owner_for_create(request, meeting_id)
    return form_page(
        request,
        form=ProblemForm(request.POST or None, policy=policy, member=member, search=_opinion_search(request)),
        save=lambda data: problem_create(actor=request.user, meeting=meeting, member=member, **data),
        success="问题已保存",
        next_url=_next(request, "problems:problem_create", meeting, member, "problem"),
        template="problems/form.html",
        context=_form_context(meeting, member, f"{owner_label(member)}：新增查摆问题", another=True),
    )


@login_required
def problem_edit(request: HttpRequest, problem_id: int) -> HttpResponse:
    problem, policy = get_problem_for_edit(user=request.user, pk=problem_id)
    meeting, member = problem.meeting, problem.member
    linked = list(problem.opinions.all())
    form = ProblemForm(
        request.POST or None,
        policy=policy,
        member=member,
        search=_opinion_search(request),
        initial={**{f: getattr(problem, f) for f in PROBLEM_FIELDS}, "opinions": linked},
    )
    # Links this user cannot choose (an opinion on another member, linked by the preparer) stay.
    choosable = set(form.fields["opinions"].queryset.values_list("pk", flat=True))
    kept = [o for o in linked if o.pk not in choosable]

    def save(data: dict[str, Any]) -> Any:
        data = dict(data)
        opinions = list(data.pop("opinions")) + kept
        return problem_update(actor=request.user, problem=problem, data=data, opinions=opinions)

    return form_page(
        request,
        form=form,
        save=save,
        success="问题已保存",
        next_url=owner_url(meeting, member, f"problem-{problem.pk}"),
        template="problems/form.html",
        context=_form_context(
            meeting,
            member,
            f"{owner_label(member)}：修改查摆问题",
            obj=problem,
            kept=kept,
            delete_url=reverse("problems:problem_delete", args=[problem.pk]),
            history=history_for_object(problem),
        ),
    )


@login_required
def problems_batch(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Several problems of one owner on one page: the filled rows are saved together, or none."""
    meeting, _policy, member = _owner_for_create(request, meeting_id)
    formset = rows_formset(
        request,
        ProblemRowForm,
        aspects=active_aspects(meeting.config_id),
        sources=meeting.config.problem_source_choices(),
    )
    errors: list[str] = []
    if request.method == "POST" and formset.is_valid():
        filled = [ProblemRow(number=n, member=member, **data) for n, data in filled_rows(formset)]
        try:
            saved = problems_create_many(actor=request.user, meeting=meeting, rows=filled)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, f"已保存{len(saved)}个问题")
            return redirect(owner_url(meeting, member, "problems"))
    query = f"member={member.pk}&" if member is not None else ""
    context = _form_context(
        meeting,
        member,
        f"{owner_label(member)}：一次录入多个问题",
        formset=formset,
        errors=errors,
        more_url=f"{reverse('problems:batch', args=[meeting.pk])}?{query}rows={formset.more_rows}",
    )
    return render(request, "problems/batch.html", context)


def _meeting_for_import(request: HttpRequest, meeting_id: int) -> Meeting:
    """The meeting, if the user may enter problems for someone in it (each row is checked again)."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    policy = policy_for(user=request.user, meeting=meeting)
    owners = [None, *RosterEntry.objects.filter(meeting=meeting)]
    if not any(policy.can(Ability.EDIT_FOR, owner) for owner in owners):
        policy.require(Ability.EDIT_FOR, None)
    return meeting


@login_required
def import_template(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_for_import(request, meeting_id)
    return xlsx_response(template_xlsx(meeting), f"查摆问题导入模板-{meeting.title}.xlsx")


@login_required
def import_page(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = _meeting_for_import(request, meeting_id)
    return form_page(
        request,
        form=XlsxUploadForm(request.POST or None, request.FILES or None, label="查摆问题表（.xlsx）"),
        save=lambda data: problems_import(actor=request.user, meeting=meeting, fileobj=data["file"]),
        success=lambda count: f"已导入{count}个问题",
        next_url=reverse("problems:overview", args=[meeting.pk]),
        template="problems/import.html",
        context={"meeting": meeting, "columns": COLUMNS},
    )


@login_required
def cause_new(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, _policy, member = _owner_for_create(request, meeting_id)
    return form_page(
        request,
        form=CauseForm(request.POST or None),
        save=lambda data: cause_create(actor=request.user, meeting=meeting, member=member, **data),
        success="原因剖析已保存",
        next_url=_next(request, "problems:cause_create", meeting, member, "cause"),
        template="problems/form.html",
        context=_form_context(meeting, member, f"{owner_label(member)}：新增原因剖析", another=True),
    )


@login_required
def cause_edit(request: HttpRequest, cause_id: int) -> HttpResponse:
    cause, _policy = get_cause_for_edit(user=request.user, pk=cause_id)
    meeting, member = cause.meeting, cause.member
    return form_page(
        request,
        form=CauseForm(request.POST or None, initial={f: getattr(cause, f) for f in CAUSE_FIELDS}),
        save=lambda data: cause_update(actor=request.user, cause=cause, data=data),
        success="原因剖析已保存",
        next_url=owner_url(meeting, member, f"cause-{cause.pk}"),
        template="problems/form.html",
        context=_form_context(
            meeting,
            member,
            f"{owner_label(member)}：修改原因剖析",
            obj=cause,
            delete_url=reverse("problems:cause_delete", args=[cause.pk]),
            history=history_for_object(cause),
        ),
    )


@login_required
def measure_new(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, _policy, member = _owner_for_create(request, meeting_id)
    initial = {"problems": request.GET.getlist("problem")}  # "针对此问题制定措施" links one in
    return form_page(
        request,
        form=MeasureForm(request.POST or None, meeting=meeting, member=member, initial=initial),
        save=lambda data: measure_create(actor=request.user, meeting=meeting, member=member, **data),
        success="整改措施已保存",
        next_url=_next(request, "problems:measure_create", meeting, member, "measure"),
        template="problems/form.html",
        context=_form_context(meeting, member, f"{owner_label(member)}：新增努力方向和整改措施", another=True),
    )


@login_required
def measure_edit(request: HttpRequest, measure_id: int) -> HttpResponse:
    measure, _policy = get_measure_for_edit(user=request.user, pk=measure_id)
    meeting, member = measure.meeting, measure.member
    initial = {f: getattr(measure, f) for f in MEASURE_FIELDS}
    initial["problems"] = [str(pk) for pk in measure.problems.values_list("pk", flat=True)]

    def save(data: dict[str, Any]) -> Any:
        data = dict(data)
        problems = data.pop("problems")
        return measure_update(actor=request.user, measure=measure, data=data, problems=problems)

    return form_page(
        request,
        form=MeasureForm(request.POST or None, meeting=meeting, member=member, initial=initial),
        save=save,
        success="整改措施已保存",
        next_url=owner_url(meeting, member, f"measure-{measure.pk}"),
        template="problems/form.html",
        context=_form_context(
            meeting,
            member,
            f"{owner_label(member)}：修改努力方向和整改措施",
            obj=measure,
            delete_url=reverse("problems:measure_delete", args=[measure.pk]),
            history=history_for_object(measure),
        ),
    )


_DELETE = {
    "problem": (get_problem_for_edit, problem_delete, "问题已删除", "problems"),
    "cause": (get_cause_for_edit, cause_delete, "原因剖析已删除", "causes"),
    "measure": (get_measure_for_edit, measure_delete, "整改措施已删除", "measures"),
}
_GETTERS = {kind: getter for kind, (getter, *_rest) in _DELETE.items()}


def _delete(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    getter, delete, message, anchor = _DELETE[kind]
    obj, _policy = getter(user=request.user, pk=pk)
    meeting_id, member = obj.meeting_id, obj.member
    try:
        delete(actor=request.user, **{kind: obj})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(owner_url(meeting_id, member, f"{kind}-{obj.pk}"))
    messages.success(request, message)
    return redirect(owner_url(meeting_id, member, anchor))


def _move(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    obj, _policy = _GETTERS[kind](user=request.user, pk=pk)
    direction = request.POST.get("direction", "")
    if direction not in ("up", "down"):
        messages.error(request, "移动方向只能是上移或下移")
    elif not record_move(actor=request.user, obj=obj, direction=direction):
        messages.info(request, "已在最前" if direction == "up" else "已在最后")
    return redirect(owner_url(obj.meeting_id, obj.member, f"{kind}-{obj.pk}"))


@login_required
@require_POST
def problem_remove(request: HttpRequest, problem_id: int) -> HttpResponse:
    return _delete(request, "problem", problem_id)


@login_required
@require_POST
def cause_remove(request: HttpRequest, cause_id: int) -> HttpResponse:
    return _delete(request, "cause", cause_id)


@login_required
@require_POST
def measure_remove(request: HttpRequest, measure_id: int) -> HttpResponse:
    return _delete(request, "measure", measure_id)


@login_required
@require_POST
def problem_move(request: HttpRequest, problem_id: int) -> HttpResponse:
    return _move(request, "problem", problem_id)


@login_required
@require_POST
def cause_move(request: HttpRequest, cause_id: int) -> HttpResponse:
    return _move(request, "cause", cause_id)


@login_required
@require_POST
def measure_move(request: HttpRequest, measure_id: int) -> HttpResponse:
    return _move(request, "measure", measure_id)
