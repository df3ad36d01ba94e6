from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from mingjing.accounts.policy import Ability, policy_for
from mingjing.audit.selectors import history_for_object
from mingjing.lib.dates import today
from mingjing.lib.forms import add_service_errors
from mingjing.lib.views import form_page
from mingjing.meetings.selectors import get_meeting_for_user
from mingjing.plans.forms import (
    PaperReplyForm,
    PlanForm,
    RequestForm,
    ReviewerReplyForm,
    StageFormSet,
    TaskDoneForm,
    TaskForm,
)
from mingjing.plans.models import PlanRequest
from mingjing.plans.selectors import (
    approved_request,
    get_request_for_user,
    get_task_for_user,
    plan_defaults,
    plan_for_meeting,
    request_history,
    request_lead_time,
    request_rounds,
)
from mingjing.plans.services import (
    PLAN_FIELDS,
    REQUEST_FIELDS,
    TASK_FIELDS,
    plan_save,
    plan_task_add,
    plan_task_delete,
    plan_task_mark_done,
    plan_task_update,
    request_record_paper_reply,
    request_reply,
    request_send,
    request_send_refusal,
    request_update,
    reviewer_body,
)

# --- plan -----------------------------------------------------------------------------------------


@login_required
def plan_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    plan = plan_for_meeting(meeting=meeting)
    on = today()
    tasks = list(plan.tasks.all()) if plan else []
    rounds = request_rounds(meeting=meeting)
    context = {
        "meeting": meeting,
        "plan": plan,
        "defaults": None if plan else plan_defaults(meeting=meeting),
        "stages": list(plan.stages.all()) if plan else [],
        "tasks": [(t, (on - t.due_on).days if t.done_on is None and t.due_on < on else 0) for t in tasks],
        "tasks_done": sum(1 for t in tasks if t.done_on),
        "tasks_late": sum(1 for t in tasks if t.done_on is None and t.due_on < on),
        "latest_round": rounds[-1] if rounds else None,
        "lead": request_lead_time(meeting=meeting, rounds=rounds),
        "policy": policy_for(user=request.user, meeting=meeting),
        "done_form": TaskDoneForm(initial={"done_on": on}),
        "today": on,
        "history": history_for_object(plan) if plan else [],
    }
    return render(request, "plans/plan.html", context)


@login_required
def plan_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    plan = plan_for_meeting(meeting=meeting)
    if plan is None:
        initial = plan_defaults(meeting=meeting)
        stage_initial = initial.pop("stages")
    else:
        initial = {f: getattr(plan, f) for f in PLAN_FIELDS}
        stage_initial = [
            {"title": s.title, "starts_on": s.starts_on, "ends_on": s.ends_on, "content": s.content}
            for s in plan.stages.all()
        ]
    initial["agenda"] = "\n".join(initial["agenda"])
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, initial=initial, prefix_hint=meeting.organization.doc_number_prefix)
    stages = StageFormSet(data, initial=stage_initial, prefix="stages")
    if request.method == "POST" and all([form.is_valid(), stages.is_valid()]):
        rows = [f.cleaned_data for f in stages.forms]
        try:
            plan_save(actor=request.user, meeting=meeting, data=form.cleaned_data, stages=rows)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, "方案已保存")
            return redirect("plans:plan", meeting_id=meeting.pk)
    context = {
        "meeting": meeting,
        "plan": plan,
        "form": form,
        "stages": stages,
        "title": "修改方案" if plan else "制定方案",
        "approved": approved_request(meeting=meeting) if plan else None,
    }
    return render(request, "plans/plan_form.html", context)


# --- tasks ----------------------------------------------------------------------------------------


@login_required
def task_new(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    plan = plan_for_meeting(meeting=meeting)
    if plan is None:
        messages.error(request, "请先制定方案，再填写任务推进表")
        return redirect("plans:plan_edit", meeting_id=meeting.pk)
    return form_page(
        request,
        form=TaskForm(request.POST or None, meeting=meeting),
        save=lambda data: plan_task_add(actor=request.user, plan=plan, **data),
        success="任务已保存",
        next_url=reverse("plans:plan", args=[meeting.pk]) + "#tasks",
        template="plans/task_form.html",
        context={"meeting": meeting, "title": "增加任务"},
    )


@login_required
def task_edit(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(user=request.user, pk=task_id, ability=Ability.EDIT)
    meeting = task.plan.meeting
    return form_page(
        request,
        form=TaskForm(request.POST or None, meeting=meeting, initial={f: getattr(task, f) for f in TASK_FIELDS}),
        save=lambda data: plan_task_update(actor=request.user, task=task, data=data),
        success="任务已保存",
        next_url=reverse("plans:plan", args=[meeting.pk]) + "#tasks",
        template="plans/task_form.html",
        context={"meeting": meeting, "title": f"修改任务：{task.task}", "task": task},
    )


@login_required
@require_POST
def task_done(request: HttpRequest, task_id: int) -> HttpResponse:
    """Mark done on the date given (today by default); `reopen=1` opens the task again."""
    task = get_task_for_user(user=request.user, pk=task_id, ability=Ability.EDIT)
    form = TaskDoneForm(request.POST)
    if request.POST.get("reopen"):
        done_on = None
    elif form.is_valid():
        done_on = form.cleaned_data["done_on"] or today()
    else:
        messages.error(request, "完成日期：请输入有效的日期")
        return redirect(reverse("plans:plan", args=[task.plan.meeting_id]) + "#tasks")
    try:
        plan_task_mark_done(actor=request.user, task=task, done_on=done_on)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        messages.success(request, f"任务“{task.task}”已{'改回未完成' if done_on is None else '标记为完成'}")
    return redirect(reverse("plans:plan", args=[task.plan.meeting_id]) + "#tasks")


@login_required
@require_POST
def task_remove(request: HttpRequest, task_id: int) -> HttpResponse:
    task = get_task_for_user(user=request.user, pk=task_id, ability=Ability.EDIT)
    meeting_id = task.plan.meeting_id
    plan_task_delete(actor=request.user, task=task)
    messages.success(request, "任务已删除")
    return redirect(reverse("plans:plan", args=[meeting_id]) + "#tasks")


# --- request --------------------------------------------------------------------------------------


def _request_url(meeting_id: int) -> str:
    return reverse("plans:request", args=[meeting_id])


@login_required
def request_detail(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    rounds = request_rounds(meeting=meeting)
    flags = policy_for(user=request.user, meeting=meeting).flags
    pending = next((r for r in rounds if r.is_pending), None)
    lead = request_lead_time(meeting=meeting, rounds=rounds)
    context = {
        "meeting": meeting,
        "rounds": [(r, (meeting.planned_date - r.sent_on).days) for r in rounds],
        "pending": pending,
        "lead": lead,
        "lead_statement": lead.statement(),
        "approved": approved_request(meeting=meeting) if any(r.status == "approved" for r in rounds) else None,
        "policy": policy_for(user=request.user, meeting=meeting),
        "refusal": request_send_refusal(meeting=meeting) if flags["edit"] else "",
        "reply_form": ReviewerReplyForm(
            initial={"replied_on": today(), "replier_body": reviewer_body(user=request.user, meeting=meeting)}
        )
        if flags["review"] and pending
        else None,
        "paper_form": PaperReplyForm(initial={"replied_on": today()}) if flags["edit"] and pending else None,
        "history": request_history(rounds=rounds),
    }
    return render(request, "plans/request.html", context)


@login_required
def request_new(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    rounds = request_rounds(meeting=meeting)
    last = rounds[-1] if rounds else None
    initial = {
        "title": last.title if last else f"关于召开{meeting.title}的请示",
        "addressees": last.addressees if last else meeting.organization.addressees,
        "sent_on": today(),
    }
    return form_page(
        request,
        form=RequestForm(request.POST or None, initial=initial),
        save=lambda data: request_send(actor=request.user, meeting=meeting, **data),
        success="请示已登记报送",
        next_url=_request_url(meeting.pk),
        template="plans/request_form.html",
        context={
            "meeting": meeting,
            "title": f"报送第{len(rounds) + 1}轮请示" if rounds else "报送请示",
            "refusal": request_send_refusal(meeting=meeting),
            "lead": request_lead_time(meeting=meeting, rounds=[]),
            "last": last,
        },
    )


@login_required
def request_edit(request: HttpRequest, request_id: int) -> HttpResponse:
    plan_request = get_request_for_user(user=request.user, pk=request_id, ability=Ability.EDIT)
    meeting = plan_request.meeting
    return form_page(
        request,
        form=RequestForm(request.POST or None, initial={f: getattr(plan_request, f) for f in REQUEST_FIELDS}),
        save=lambda data: request_update(actor=request.user, request=plan_request, data=data),
        success="请示已保存",
        next_url=_request_url(meeting.pk),
        template="plans/request_form.html",
        context={
            "meeting": meeting,
            "title": f"修改第{plan_request.round}轮请示",
            "refusal": "" if plan_request.is_pending else f"第{plan_request.round}轮请示已答复，不能再修改",
        },
    )


def _reply_context(plan_request: PlanRequest, title: str) -> dict:
    meeting = plan_request.meeting
    return {
        "meeting": meeting,
        "title": title,
        "round": plan_request,
        "refusal": "" if plan_request.is_pending else f"第{plan_request.round}轮请示已答复，不能再次答复",
    }


@login_required
def request_reply_view(request: HttpRequest, request_id: int) -> HttpResponse:
    """The 督导组 or the superior's organization department answers in the system."""
    plan_request = get_request_for_user(user=request.user, pk=request_id, ability=Ability.REVIEW)
    body = reviewer_body(user=request.user, meeting=plan_request.meeting)
    return form_page(
        request,
        form=ReviewerReplyForm(request.POST or None, initial={"replied_on": today(), "replier_body": body}),
        save=lambda data: request_reply(
            actor=request.user,
            request=plan_request,
            status=data["decision"],
            comments=data["comments"],
            on=data["replied_on"],
            replier_body=data["replier_body"],
        ),
        success="答复已提交",
        next_url=_request_url(plan_request.meeting_id),
        template="plans/request_form.html",
        context=_reply_context(plan_request, f"答复第{plan_request.round}轮请示"),
    )


@login_required
def request_paper_reply(request: HttpRequest, request_id: int) -> HttpResponse:
    """The preparer records a reply that came on paper."""
    plan_request = get_request_for_user(user=request.user, pk=request_id, ability=Ability.EDIT)
    return form_page(
        request,
        form=PaperReplyForm(request.POST or None, initial={"replied_on": today()}),
        save=lambda data: request_record_paper_reply(
            actor=request.user,
            request=plan_request,
            status=data["decision"],
            replier_name=data["replier_name"],
            replied_on=data["replied_on"],
            comments=data["comments"],
            replier_body=data["replier_body"],
        ),
        success="书面答复已登记",
        next_url=_request_url(plan_request.meeting_id),
        template="plans/request_form.html",
        context=_reply_context(plan_request, f"登记第{plan_request.round}轮请示的书面答复"),
    )
