from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mingjing.accounts.access import Perm, access_for
from mingjing.accounts.policy import Ability, policy_for
from mingjing.accounts.selectors import get_scoped
from mingjing.audit.selectors import history_for_object
from mingjing.lib.dates import today
from mingjing.lib.forms import add_service_errors
from mingjing.lib.pagination import paginate
from mingjing.meetings.forms import AssignSupervisorForm, CancelForm, MeetingForm, NextMeetingForm, StepDoneForm
from mingjing.meetings.models import SupervisorAssignment
from mingjing.meetings.selectors import (
    assignable_supervisors,
    filter_meetings,
    get_meeting_for_user,
    meeting_current_step_label,
    meeting_filters,
    meeting_roster,
    meeting_supervisors,
    meeting_timeline,
    meetings_for_user,
)
from mingjing.meetings.services import (
    meeting_cancel,
    meeting_create,
    meeting_create_next,
    meeting_delete,
    meeting_refreeze_roster,
    meeting_step_complete,
    meeting_step_reopen,
    meeting_supervisor_assign,
    meeting_supervisor_remove,
    meeting_update,
    roster_change_since,
)
from mingjing.meetings.timeline import PHASE_LABELS
from mingjing.organizations.selectors import get_unit_for_user, units_for_user
from mingjing.yearconfigs.models import MeetingKind
from mingjing.yearconfigs.selectors import configs_for_unit, configs_for_user


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    """Every meeting the user may see, a page at a time, with search (name or unit), year and kind."""
    meetings = meetings_for_user(user=request.user)
    unit = None
    if request.GET.get("unit"):
        unit = get_unit_for_user(user=request.user, pk=request.GET["unit"])
        meetings = meetings.filter(organization=unit)
    f = meeting_filters(request.GET)
    page = paginate(request, filter_meetings(meetings, **f))
    rows = [(m, meeting_current_step_label(m)) for m in page]
    can_create = units_for_user(user=request.user, perm=Perm.MEETING_WRITE).exists()
    context = {
        "rows": rows,
        "page": page,
        "f": f,
        "kinds": MeetingKind.choices,
        "unit": unit,
        "can_create": can_create,
    }
    return render(request, "meetings/list.html", context)


@login_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    units = units_for_user(user=request.user, perm=Perm.MEETING_WRITE)
    if not units.exists():
        raise PermissionDenied("只有管理员和党务工作人员可以新建民主生活会")
    form = MeetingForm(request.POST or None, units=units, configs=configs_for_user(user=request.user))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            meeting = meeting_create(actor=request.user, **data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        except PermissionDenied as exc:
            if not data.get("extra_reason"):
                raise
            form.add_error("extra", str(exc))  # only the unit's administrator adds an extra meeting
        else:
            messages.success(
                request, f"已创建“{meeting.title}”，班子名单已按当前班子冻结（{meeting.roster.count()}人）"
            )
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "title": "新建民主生活会"})


@login_required
def meeting_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    # With last year's meeting (the page names it and compares the rosters) and the ledger's
    # settings (the 整改台账 button's warning days).
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, related=("previous", "rectification_settings"))
    policy = policy_for(user=request.user, meeting=meeting)
    roster = meeting_roster(meeting=meeting)
    supervisors = meeting_supervisors(meeting=meeting)
    # His roster line and assignment, from the lines the page shows (the ledger link's rules ask).
    policy.know(
        entry=next((e for e in roster if e.person is not None and e.person.user_id == request.user.pk), None),
        supervisor=any(s.user_id == request.user.pk for s in supervisors),
    )
    # The roster and the steps done read once for the page, the timeline and the checks.
    timeline = meeting_timeline(meeting=meeting, roster=roster, completions=meeting.step_completions.all())
    phases = [(label, [v for v in timeline if v.step.phase == key]) for key, label in PHASE_LABELS.items()]
    context = {
        "meeting": meeting,
        "phases": phases,
        "timeline": timeline,
        "late": [v for v in timeline if v.state == "late"],
        "roster": roster,
        "has_principal": any(e.team_role == "principal" for e in roster),
        "supervisors": supervisors,
        "policy": policy,
        "can_read_unit": access_for(request.user).can(Perm.UNIT_READ, meeting.organization),
        "today": today(),
        "history": history_for_object(meeting),
        "roster_change": roster_change_since(meeting.previous, meeting, roster=roster) if meeting.previous else None,
        "current_step": meeting_current_step_label(meeting),
    }
    return render(request, "meetings/detail.html", context)


@login_required
def meeting_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    fields = ["config", "kind", "title", "planned_date", "half_day", "place", "entered_after"]
    form = MeetingForm(
        request.POST or None,
        configs=configs_for_unit(organization=meeting.organization),
        initial={f: getattr(meeting, f) for f in fields},
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["kind"] = data["kind"] or data["config"].kind
        try:
            meeting_update(actor=request.user, meeting=meeting, data=data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "会议信息已保存")
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(request, "meetings/form.html", {"form": form, "title": f"修改“{meeting.title}”", "meeting": meeting})


@login_required
def meeting_next(request: HttpRequest, meeting_id: int) -> HttpResponse:
    previous = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    configs = configs_for_unit(organization=previous.organization)
    suggested = configs.filter(year=previous.config.year + 1, kind=previous.config.kind).order_by("-id").first()
    form = NextMeetingForm(
        request.POST or None,
        configs=configs,
        initial={"config": suggested, "half_day": previous.half_day, "place": previous.place},
    )
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_create_next(actor=request.user, previous=previous, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            change = roster_change_since(previous, meeting)
            note = ""
            if change.joined or change.left:
                note = f"（新进班子：{'、'.join(change.joined) or '无'}；离开班子：{'、'.join(change.left) or '无'}）"
            messages.success(request, f"已依据上年度会议创建“{meeting.title}”{note}")
            return redirect("meetings:detail", meeting_id=meeting.pk)
    return render(
        request,
        "meetings/form.html",
        {"form": form, "title": f"依据“{previous.title}”创建下一年度会议", "meeting": previous},
    )


@login_required
@require_POST
def meeting_remove(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Delete a meeting that holds no records (one entered by mistake)."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.CANCEL_MEETING)
    title = meeting.title
    try:
        meeting_delete(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    messages.success(request, f"已删除“{title}”")
    return redirect("meetings:list")


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel_view(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Cancel a meeting that holds records: kept, read-only, out of every list. GET: the form."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.CANCEL_MEETING)
    if request.method == "GET":
        context = {
            "form": CancelForm(),
            "meeting": meeting,
            "title": f"取消“{meeting.title}”",
            "note": "已有记录的会议不再召开时取消：记录保留、只能查阅，不再出现在会议列表和统计中。",
            "submit": "取消本次会议",
        }
        return render(request, "meetings/form.html", context)
    form = CancelForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("meetings:detail", meeting_id=meeting.pk)
    try:
        meeting_cancel(actor=request.user, meeting=meeting, reason=form.cleaned_data["reason"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已取消“{meeting.title}”：记录保留，只能查阅，不再出现在会议列表和统计中")
    return redirect("meetings:detail", meeting_id=meeting.pk)


@login_required
@require_POST
def roster_refreeze(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    try:
        count = meeting_refreeze_roster(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"已按当前班子重新冻结名单（{count}人）")
    return redirect("meetings:detail", meeting_id=meeting.pk)


@login_required
@require_POST
def step_done(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    form = StepDoneForm(request.POST)
    if form.is_valid():
        try:
            meeting_step_complete(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已标记完成")
    else:
        messages.error(request, "请填写完成日期（格式：2026-01-05）")
    return redirect("meetings:detail", meeting_id=meeting.pk)


@login_required
@require_POST
def step_reopen(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    try:
        meeting_step_reopen(actor=request.user, meeting=meeting, step=request.POST.get("step", ""))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("meetings:detail", meeting_id=meeting.pk)


@login_required
@require_http_methods(["GET", "POST"])
def supervisor_add(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """GET: the form (the 督导组 members of the units above); POST: the assignment."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.ASSIGN_SUPERVISORS)
    if request.method == "GET":
        form = AssignSupervisorForm(candidates=assignable_supervisors(meeting=meeting))
        context = {"form": form, "meeting": meeting, "title": "指派督导组成员", "submit": "指派"}
        return render(request, "meetings/form.html", context)
    form = AssignSupervisorForm(request.POST, candidates=assignable_supervisors(meeting=meeting))
    if form.is_valid():
        try:
            meeting_supervisor_assign(
                actor=request.user,
                meeting=meeting,
                user=form.cleaned_data["membership"].user,
                title=form.cleaned_data["title"],
            )
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, "已指派督导组成员")
    else:
        messages.error(request, "请选择督导组成员")
    return redirect("meetings:detail", meeting_id=meeting.pk)


@login_required
@require_POST
def supervisor_remove(request: HttpRequest, meeting_id: int, assignment_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.ASSIGN_SUPERVISORS)
    assignment = get_scoped(
        SupervisorAssignment.objects.filter(meeting=meeting).select_related("user", "meeting"), assignment_id
    )
    meeting_supervisor_remove(actor=request.user, assignment=assignment)
    messages.success(request, "已撤销督导组成员指派")
    return redirect("meetings:detail", meeting_id=meeting.pk)
