"""Writing the plan, its task table and the request rounds.

Each write runs in a transaction, asks the policy whether its actor may (`Ability.EDIT`: the
unit's preparer or administrator keeps the plan, the tasks and the rounds sent; `Ability.REVIEW`:
an assigned 督导组 member or the superior's organization department replies), and records one
audit event. An approved request completes the timeline step "制定方案并向上级请示" on the date
that round was sent (`meeting_step_sync`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from mingjing.accounts.models import Membership, Role
from mingjing.accounts.policy import Ability, policy_for
from mingjing.audit.services import actor_display_name, apply_changes, audit_record, display_value
from mingjing.lib.dates import cn_date, today
from mingjing.lib.limits import check_lengths, length_error, text_limit
from mingjing.meetings.dates import Phase, check_record_date
from mingjing.meetings.models import Meeting, RosterEntry, SupervisorAssignment
from mingjing.meetings.services import meeting_step_sync
from mingjing.plans.models import Plan, PlanRequest, PlanStage, PlanTask, RequestStatus

STEP = "plan_request"
PLAN_FIELDS = (
    "title",
    "document_number",
    "basis_issuer",
    "basis_title",
    "basis_number",
    "theme",
    "agenda",
    "participants",
    "observers",
    "agreed_on",
)
TASK_FIELDS = ("task", "responsible_entry", "responsible_name", "due_on", "done_on", "note")
REQUEST_FIELDS = ("title", "addressees", "document_number", "sent_on")
AGENDA_ITEM_MAX = 200  # one line of the 会议议程
AGENDA_MAX_ITEMS = 30


def _date_errors(meeting: Meeting, checks: list[tuple[str, Any, Phase, str]]) -> dict[str, str]:
    """check_record_date for several fields: {field: message} for each date outside its window."""
    errors: dict[str, str] = {}
    for field, value, phase, label in checks:
        try:
            check_record_date(meeting, value, phase=phase, field=field, label=label)
        except ValidationError as exc:
            errors[field] = exc.message_dict[field][0]
    return errors


def _raise(errors: dict[str, Any], obj: Any = None) -> None:
    """Raise `errors` together with the text fields of `obj` longer than their limits."""
    if obj is not None:
        try:
            check_lengths(obj)
        except ValidationError as exc:
            errors = {k: v[0] for k, v in exc.message_dict.items()} | errors
    if errors:
        raise ValidationError(errors)


# --- plan -----------------------------------------------------------------------------------------


def _clean_agenda(agenda: list[str] | str) -> list[str]:
    if isinstance(agenda, str):
        agenda = agenda.splitlines()
    return [item.strip() for item in agenda if item and item.strip()]


def agenda_errors(items: list[str]) -> list[str]:
    """What is wrong with the agenda's lines (the form shows the same): too many, or one too long."""
    errors = [
        message for i, item in enumerate(items, start=1) if (message := length_error(f"第{i}项", AGENDA_ITEM_MAX, item))
    ]
    if len(items) > AGENDA_MAX_ITEMS:
        errors.insert(0, f"会议议程最多{AGENDA_MAX_ITEMS}项（现有{len(items)}项）")
    return errors


def _check_stages(meeting: Meeting, stages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    cleaned, errors = [], []
    for i, row in enumerate(stages, start=1):
        title = (row.get("title") or "").strip()
        starts_on, ends_on = row.get("starts_on"), row.get("ends_on")
        content = (row.get("content") or "").strip()
        if not (title or starts_on or ends_on or content):
            continue
        if not title:
            errors.append(f"方法步骤第{i}行：请填写步骤名称")
        if starts_on and ends_on and starts_on > ends_on:
            errors.append(f"方法步骤第{i}行：开始日期不能晚于完成时限")
        dates = [("starts_on", starts_on, Phase.WHOLE, "开始日期"), ("ends_on", ends_on, Phase.WHOLE, "完成时限")]
        errors += [f"方法步骤第{i}行：{m}" for m in _date_errors(meeting, dates).values()]
        for name, value in (("title", title), ("content", content)):
            label = str(PlanStage._meta.get_field(name).verbose_name)
            if message := length_error(label, text_limit(PlanStage, name), value):
                errors.append(f"方法步骤第{i}行：{message}")
        cleaned.append({"title": title, "starts_on": starts_on, "ends_on": ends_on, "content": content})
    if errors:
        raise ValidationError({"stages": errors})
    return cleaned


def _stage_line(stage: dict[str, Any]) -> str:
    dates = "—".join(cn_date(d) for d in (stage["starts_on"], stage["ends_on"]) if d)
    return f"{stage['title']}（{dates}）" if dates else stage["title"]


@transaction.atomic
def plan_save(
    *, actor: Any, meeting: Meeting, data: dict[str, Any], stages: list[dict[str, Any]] | None = None
) -> Plan:
    """Create the meeting's plan, or update it. `stages` (when given) replaces the 方法步骤 in order;
    blank rows are skipped. One audit event: created, or updated with the labelled changes."""
    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)
    data = {k: v for k, v in data.items() if k in PLAN_FIELDS}
    if "agenda" in data:
        data["agenda"] = _clean_agenda(data["agenda"])
    for key in (
        "title",
        "document_number",
        "basis_issuer",
        "basis_title",
        "basis_number",
        "theme",
        "participants",
        "observers",
    ):
        if key in data:
            data[key] = (data[key] or "").strip()
    stage_errors: dict[str, Any] = {}
    try:
        new_stages = _check_stages(meeting, stages) if stages is not None else None
    except ValidationError as exc:
        new_stages, stage_errors = None, exc.message_dict
    plan = Plan.objects.filter(meeting=meeting).first()
    created = plan is None
    if created:
        plan = Plan(meeting=meeting)
    changes = apply_changes(plan, data)
    errors = _date_errors(meeting, [("agreed_on", plan.agreed_on, Phase.PREPARATION, "班子研究通过日期")])
    if not plan.title:
        errors["title"] = "请填写方案名称"
    if agenda := agenda_errors(plan.agenda):
        errors["agenda"] = agenda
    _raise(errors | stage_errors, plan)
    if new_stages is not None:
        old = (
            [
                {"title": s.title, "starts_on": s.starts_on, "ends_on": s.ends_on, "content": s.content}
                for s in plan.stages.order_by("order", "id")
            ]
            if not created
            else []
        )
        if old != new_stages:
            changes.append(
                {
                    "field": "stages",
                    "label": "方法步骤",
                    "old": display_value([_stage_line(s) for s in old]),
                    "new": display_value([_stage_line(s) for s in new_stages]),
                }
            )
        else:
            new_stages = None
    if not created and not changes:
        return plan
    plan.full_clean()
    plan.save()
    if new_stages is not None:
        plan.stages.all().delete()
        PlanStage.objects.bulk_create(PlanStage(plan=plan, order=i, **s) for i, s in enumerate(new_stages, start=1))
    if created:
        audit_record(actor=actor, event_type="created", obj=plan, organization=meeting.organization)
    else:
        audit_record(actor=actor, event_type="updated", obj=plan, organization=meeting.organization, changes=changes)
    return plan


# --- tasks ----------------------------------------------------------------------------------------


def _check_task(task: PlanTask) -> None:
    errors: dict[str, str] = {}
    task.task = task.task.strip()
    task.responsible_name = task.responsible_name.strip()
    task.note = task.note.strip()
    if not task.task:
        errors["task"] = "请填写任务"
    task.responsible_entry_name = task.responsible_entry.name if task.responsible_entry is not None else ""
    if task.responsible_entry is not None:
        if task.responsible_entry.meeting_id != task.plan.meeting_id:
            errors["responsible_entry"] = "只能选择本次会议班子名单中的成员"
        elif task.responsible_name:
            errors["responsible_name"] = "已选择班子成员作为责任人，其他责任人请留空"
    elif not task.responsible_name:
        errors["responsible_entry"] = "请选择班子成员，或在“责任人（其他）”中填写责任人"
    errors |= _date_errors(
        task.plan.meeting,
        [("due_on", task.due_on, Phase.WHOLE, "完成时限"), ("done_on", task.done_on, Phase.WHOLE, "完成日期")],
    )
    _raise(errors, task)


def _task_organization(task: PlanTask):
    return task.plan.meeting.organization


def _require_edit(actor: Any, plan: Plan) -> None:
    """The plan's tasks are the unit's own records: its preparer or administrator keeps them."""
    policy_for(user=actor, meeting=plan.meeting).require(Ability.EDIT)


@transaction.atomic
def plan_task_add(
    *,
    actor: Any,
    plan: Plan,
    task: str,
    due_on: dt.date,
    responsible_entry: RosterEntry | None = None,
    responsible_name: str = "",
    done_on: dt.date | None = None,
    note: str = "",
) -> PlanTask:
    _require_edit(actor, plan)
    row = PlanTask(
        plan=plan,
        task=task,
        responsible_entry=responsible_entry,
        responsible_name=responsible_name,
        due_on=due_on,
        done_on=done_on,
        note=note,
    )
    _check_task(row)
    row.full_clean()
    row.save()
    audit_record(
        actor=actor,
        event_type="plan.task_added",
        obj=plan,
        organization=_task_organization(row),
        extra={"task": row.task},
        changes=[
            {"field": "responsible", "label": "责任人", "old": "", "new": row.responsible},
            {"field": "due_on", "label": "完成时限", "old": "", "new": cn_date(row.due_on)},
        ],
    )
    return row


@transaction.atomic
def plan_task_update(*, actor: Any, task: PlanTask, data: dict[str, Any]) -> PlanTask:
    _require_edit(actor, task.plan)
    before = task.task
    changes = apply_changes(task, {k: v for k, v in data.items() if k in TASK_FIELDS})
    _check_task(task)
    if changes:
        task.full_clean()
        task.save()
        audit_record(
            actor=actor,
            event_type="plan.task_updated",
            obj=task.plan,
            organization=_task_organization(task),
            extra={"task": before},
            changes=changes,
        )
    return task


@transaction.atomic
def plan_task_mark_done(*, actor: Any, task: PlanTask, done_on: dt.date | None) -> PlanTask:
    """Mark a task done on `done_on`, or (None) open it again."""
    _require_edit(actor, task.plan)
    if done_on is not None and done_on > today():
        raise ValidationError({"done_on": "完成日期不能晚于今天"})
    _raise(_date_errors(task.plan.meeting, [("done_on", done_on, Phase.WHOLE, "完成日期")]))
    if task.done_on == done_on:
        return task
    task.done_on = done_on
    task.save(update_fields=["done_on"])
    if done_on is None:
        audit_record(
            actor=actor,
            event_type="plan.task_reopened",
            obj=task.plan,
            organization=_task_organization(task),
            extra={"task": task.task},
        )
    else:
        audit_record(
            actor=actor,
            event_type="plan.task_done",
            obj=task.plan,
            organization=_task_organization(task),
            extra={"task": task.task, "date": cn_date(done_on)},
        )
    return task


@transaction.atomic
def plan_task_delete(*, actor: Any, task: PlanTask) -> None:
    _require_edit(actor, task.plan)
    audit_record(
        actor=actor,
        event_type="plan.task_deleted",
        obj=task.plan,
        organization=_task_organization(task),
        extra={"task": task.task},
    )
    task.delete()


# --- request rounds -------------------------------------------------------------------------------


def _sync_step(meeting: Meeting) -> None:
    approved = PlanRequest.objects.filter(meeting=meeting, status=RequestStatus.APPROVED).order_by("-round").first()
    meeting_step_sync(
        meeting=meeting,
        step=STEP,
        done_on=approved.sent_on if approved else None,
        note=f"（第{approved.round}轮请示已获同意）" if approved else "",
    )


def _check_request(request: PlanRequest) -> None:
    errors: dict[str, str] = {}
    request.title = request.title.strip()
    request.addressees = request.addressees.strip()
    request.document_number = request.document_number.strip()
    if not request.title:
        errors["title"] = "请填写请示标题"
    if not request.addressees:
        errors["addressees"] = "请填写主送机关"
    if request.sent_on and request.sent_on > today():
        errors["sent_on"] = "报送日期不能晚于今天"
    else:
        errors |= _date_errors(request.meeting, [("sent_on", request.sent_on, Phase.PREPARATION, "报送日期")])
    _raise(errors, request)


def request_send_refusal(*, meeting: Meeting) -> str:
    """Why a new round cannot be sent now ("" when it can): the pages show it before the form."""
    if not Plan.objects.filter(meeting=meeting).exists():
        return "请先制定方案，再向上级请示"
    statuses = set(PlanRequest.objects.filter(meeting=meeting).values_list("status", flat=True))
    if RequestStatus.APPROVED in statuses:
        return "请示已获同意，无需再次报送"
    if RequestStatus.PENDING in statuses:
        return "上一轮请示尚未答复：答复前不能再次报送（如内容有误，可修改该轮请示）"
    return ""


@transaction.atomic
def request_send(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    addressees: str,
    sent_on: dt.date,
    document_number: str = "",
) -> PlanRequest:
    """Record that a round of the 请示 went out. A returned request is sent again as a new round."""
    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    refusal = request_send_refusal(meeting=meeting)
    if refusal:
        raise ValidationError(refusal)
    last = PlanRequest.objects.filter(meeting=meeting).order_by("-round").first()
    if last is not None and sent_on < last.sent_on:
        raise ValidationError({"sent_on": f"报送日期不能早于上一轮请示的报送日期（{cn_date(last.sent_on)}）"})
    request = PlanRequest(
        meeting=meeting,
        round=(last.round + 1) if last else 1,
        title=title,
        addressees=addressees,
        document_number=document_number,
        sent_on=sent_on,
        recorded_by=actor,
    )
    _check_request(request)
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        event_type="plan.request_sent",
        obj=request,
        organization=meeting.organization,
        extra={"round": request.round, "title": request.title, "date": cn_date(sent_on)},
    )
    return request


def _require_pending(request: PlanRequest) -> None:
    if not request.is_pending:
        raise ValidationError(f"第{request.round}轮请示已答复（{request.get_status_display()}），不能再修改或答复")


@transaction.atomic
def request_update(*, actor: Any, request: PlanRequest, data: dict[str, Any]) -> PlanRequest:
    """Correct a round that is still waiting for its reply (number, date, addressees, title)."""
    policy_for(user=actor, meeting=request.meeting).require(Ability.EDIT)
    _require_pending(request)
    changes = apply_changes(request, {k: v for k, v in data.items() if k in REQUEST_FIELDS})
    _check_request(request)
    if changes:
        request.full_clean()
        request.save()
        audit_record(
            actor=actor,
            event_type="updated",
            obj=request,
            organization=request.meeting.organization,
            changes=changes,
        )
    return request


def reviewer_label(*, user: Any, meeting: Meeting) -> str:
    """ "马骏（市委第三督导组组长）" / "杜鹃（明远市委组织部门）": the reviewer as the report names him."""
    name = actor_display_name(user)
    assignment = SupervisorAssignment.objects.filter(meeting=meeting, user=user).first()
    if assignment is not None:
        return f"{name}（{assignment.title}）" if assignment.title else f"{name}（督导组）"
    held = (
        Membership.objects.filter(user=user, role=Role.SUPERIOR, organization_id__in=meeting.organization.ancestor_ids)
        .select_related("organization")
        .first()
    )
    return f"{name}（{held.organization.short_name}组织部门）" if held else name


def reviewer_body(*, user: Any, meeting: Meeting) -> str:
    """ "市委第三督导组" / "明远市委组织部": the body the reviewer answers for, as reports name it
    (the 督导组 from his assignment's title without his post in it)."""
    assignment = SupervisorAssignment.objects.filter(meeting=meeting, user=user).first()
    if assignment is not None:
        title = assignment.title.strip()
        body = re.sub(r"(副?组长|成员|联络员)$", "", title)
        return body or "民主生活会督导组"
    held = (
        Membership.objects.filter(user=user, role=Role.SUPERIOR, organization_id__in=meeting.organization.ancestor_ids)
        .select_related("organization")
        .first()
    )
    return f"{held.organization.short_name}组织部" if held else ""


def _check_body(body: str) -> str:
    body = body.strip()
    if message := length_error("答复机关", text_limit(PlanRequest, "replier_body"), body):
        raise ValidationError({"replier_body": message})
    return body


def _check_reply(status: str, comments: str) -> None:
    if status not in (RequestStatus.APPROVED, RequestStatus.RETURNED):
        raise ValidationError({"decision": "请选择同意或退回修改"})
    if status == RequestStatus.RETURNED and not comments:
        raise ValidationError({"comments": "退回修改时请填写修改意见"})
    if message := length_error("答复意见", text_limit(PlanRequest, "reply_comments"), comments):
        raise ValidationError({"comments": message})


@transaction.atomic
def request_reply(
    *,
    actor: Any,
    request: PlanRequest,
    status: str,
    comments: str = "",
    on: dt.date | None = None,
    replier_body: str | None = None,
) -> PlanRequest:
    """The reviewer's reply in the system: approve, or return with comments (required). It is dated
    `on`, the day it was given (entered on the form, today by default), and names the body he
    answers for (`replier_body`, by default his 督导组 or organization department). Its own act:
    the reviewer answers, he does not change the unit's records."""
    policy_for(user=actor, meeting=request.meeting).require(Ability.REVIEW)
    request = (
        PlanRequest.objects.select_for_update().select_related("meeting", "meeting__organization").get(pk=request.pk)
    )
    _require_pending(request)
    comments = comments.strip()
    _check_reply(status, comments)
    replied_on = on or today()
    if replied_on < request.sent_on:
        raise ValidationError({"replied_on": f"答复日期不能早于报送日期（{cn_date(request.sent_on)}）"})
    if replied_on > today():
        raise ValidationError({"replied_on": "答复日期不能晚于今天"})
    body = _check_body(replier_body if replier_body is not None else "") or reviewer_body(
        user=actor, meeting=request.meeting
    )
    request.replier_body = body
    request.status = status
    request.reply_comments = comments
    request.replied_by = actor
    request.replier_name = reviewer_label(user=actor, meeting=request.meeting)
    request.replied_on = replied_on
    request.reply_recorded_by = None
    request.save()
    approved = status == RequestStatus.APPROVED
    audit_record(
        actor=actor,
        event_type="plan.request_approved" if approved else "plan.request_returned",
        obj=request,
        organization=request.meeting.organization,
        extra={"round": request.round, "comments": comments},
    )
    _sync_step(request.meeting)
    return request


@transaction.atomic
def request_record_paper_reply(
    *,
    actor: Any,
    request: PlanRequest,
    status: str,
    replier_name: str,
    replied_on: dt.date,
    comments: str = "",
    replier_body: str = "",
) -> PlanRequest:
    """The preparer records a reply that came on paper (or by phone): who replied (and the body he
    answered for, as the report names it), when, what."""
    policy_for(user=actor, meeting=request.meeting).require(Ability.EDIT)
    request = (
        PlanRequest.objects.select_for_update().select_related("meeting", "meeting__organization").get(pk=request.pk)
    )
    _require_pending(request)
    comments, replier_name = comments.strip(), replier_name.strip()
    _check_reply(status, comments)
    errors = {}
    if not replier_name:
        errors["replier_name"] = "请填写答复人或答复单位"
    elif message := length_error("答复人", text_limit(PlanRequest, "replier_name"), replier_name):
        errors["replier_name"] = message
    if replied_on < request.sent_on:
        errors["replied_on"] = f"答复日期不能早于报送日期（{cn_date(request.sent_on)}）"
    elif replied_on > today():
        errors["replied_on"] = "答复日期不能晚于今天"
    else:
        errors |= _date_errors(request.meeting, [("replied_on", replied_on, Phase.PREPARATION, "答复日期")])
    if errors:
        raise ValidationError(errors)
    request.status = status
    request.reply_comments = comments
    request.replied_by = None
    request.replier_name = replier_name
    request.replier_body = _check_body(replier_body)
    request.replied_on = replied_on
    request.reply_recorded_by = actor
    request.save()
    audit_record(
        actor=actor,
        event_type="plan.paper_reply_recorded",
        obj=request,
        organization=request.meeting.organization,
        extra={
            "round": request.round,
            "status": request.get_status_display(),
            "replier": replier_name,
            "date": cn_date(replied_on),
        },
    )
    _sync_step(request.meeting)
    return request
