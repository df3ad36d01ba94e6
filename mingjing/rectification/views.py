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
from mingjing.audit.services import audit_download
from mingjing.lib.forms import add_service_errors
from mingjing.lib.http import attachment, xlsx_response
from mingjing.lib.pagination import paginate
from mingjing.lib.urls import record_url
from mingjing.lib.views import form_page
from mingjing.meetings.models import RosterEntry
from mingjing.meetings.selectors import get_meeting_for_user
from mingjing.organizations.models import TeamRole, team_rank
from mingjing.problems.models import Problem
from mingjing.rectification import files as evidence_files
from mingjing.rectification import ledger_xlsx
from mingjing.rectification.forms import (
    ClosureRequestForm,
    FromProblemsForm,
    ImportForm,
    ItemForm,
    MilestoneForm,
    NoticeForm,
    PreviousLineFormSet,
    PreviousYearForm,
    ProgressForm,
    ReasonForm,
    SettingsForm,
)
from mingjing.rectification.models import RectificationItem, Status
from mingjing.rectification.selectors import (
    LEDGER_STATES,
    carry_over,
    get_evidence_for_user,
    get_item_for_user,
    get_notice_for_user,
    item_history,
    item_loose_files,
    item_mark,
    item_milestones,
    ledger_filters,
    ledger_for_meeting,
    ledger_rows,
    my_items,
    notices_of_meeting,
    page_groups,
    previous_year_summary,
    settings_for,
)
from mingjing.rectification.services import (
    ITEM_FIELDS,
    carry_over_items,
    closure_request,
    closure_return,
    closure_verify,
    item_create,
    item_delete,
    item_reopen,
    item_update,
    items_from_problems,
    milestone_add,
    notice_create,
    notice_delete,
    notice_update,
    previous_year_save,
    progress_update,
    settings_update,
)

IMPORT_SESSION_KEY = "rectification-import-{}"
# The item page holds several forms: prefixed, so their fields' ids and names never collide.
PREFIXES = {
    "progress_form": "progress",
    "milestone_form": "milestone",
    "request_form": "closure",
    "return_form": "return",
    "reopen_form": "reopen",
}


def _meeting_and_policy(request: HttpRequest, meeting_id: int, ability: Ability = Ability.READ):
    """The meeting (404 outside the user's reach, 403 when he may not do `ability`) and his policy."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=ability)
    return meeting, policy_for(user=request.user, meeting=meeting)


# --- the ledger -----------------------------------------------------------------------------------


@login_required
def ledger(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The roll-up of every list, then the items a page at a time (filtered by list, state, words)."""
    meeting, policy = _meeting_and_policy(request, meeting_id)
    book = ledger_for_meeting(meeting, policy=policy)
    f = ledger_filters(request.GET)
    page = paginate(request, ledger_rows(book, **f))
    context = {
        "meeting": meeting,
        "policy": policy,
        "ledger": book,
        "f": f,
        "states": LEDGER_STATES.items(),
        "filtered": any(f.values()),
        "page": page,
        "page_groups": page_groups(page),
        "carry": carry_over(meeting) if policy.flags["ledger_read_all"] else None,
        "item_url": record_url("rectification:item"),
    }
    return render(request, "rectification/ledger.html", context)


@login_required
def item_new(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, _ = _meeting_and_policy(request, meeting_id, Ability.LEDGER_DEFINE)
    initial: dict[str, Any] = {}
    if request.GET.get("owner", "").isdigit():
        initial["owner"] = request.GET["owner"]
    return form_page(
        request,
        form=ItemForm(request.POST or None, meeting=meeting, initial=initial),
        save=lambda data: item_create(actor=request.user, meeting=meeting, **data),
        success="整改事项已添加",
        next_url=lambda item: reverse("rectification:item", args=[item.pk]),
        template="rectification/form.html",
        context={"meeting": meeting, "title": "添加整改事项"},
    )


@login_required
def from_problems(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, _ = _meeting_and_policy(request, meeting_id, Ability.LEDGER_DEFINE)
    offer = {k: request.GET.get(k, "").strip()[:100] for k in ("list", "q", "new")}
    form = FromProblemsForm(request.POST or None, meeting=meeting, offer=offer, initial={"per_problem": 1})
    return form_page(
        request,
        form=form,
        save=lambda data: items_from_problems(
            actor=request.user,
            meeting=meeting,
            problems=list(data["problems"]),
            deadline=data["deadline"],
            long_term=data["long_term"],
            per_problem=data["per_problem"],
        ),
        success="已依据查摆问题生成整改事项",
        next_url=reverse("rectification:ledger", args=[meeting.pk]),
        template="rectification/from_problems.html",
        context={
            "meeting": meeting,
            "title": "依据查摆问题生成整改事项",
            "roster": RosterEntry.objects.filter(meeting=meeting)
            .exclude(team_role=TeamRole.NONE)
            .order_by(team_rank(), "precedence", "id"),
            "has_problems": Problem.objects.filter(meeting=meeting).exists(),
        },
    )


@login_required
def settings_edit(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, _ = _meeting_and_policy(request, meeting_id, Ability.LEDGER_MANAGE)
    current = settings_for(meeting)
    return form_page(
        request,
        form=SettingsForm(request.POST or None, initial={f: getattr(current, f) for f in SettingsForm.Meta.fields}),
        save=lambda data: settings_update(actor=request.user, meeting=meeting, data=data),
        success="整改台账设置已保存",
        next_url=reverse("rectification:ledger", args=[meeting.pk]),
        template="rectification/form.html",
        context={
            "meeting": meeting,
            "title": "整改台账设置",
            "history": history_for_object(current) if current.pk else [],
            "show_history": True,
        },
    )


@login_required
@require_POST
def carry(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, _ = _meeting_and_policy(request, meeting_id, Ability.LEDGER_DEFINE)
    try:
        result = carry_over_items(actor=request.user, meeting=meeting)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        text = f"已将上年度{len(result.created)}项未完成整改事项结转到本年度台账"
        if result.to_team:
            text += f"；{'、'.join(result.to_team)}已不在本届班子中，其事项列入领导班子整改方案，请指定责任领导"
        messages.success(request, text)
    return redirect("rectification:ledger", meeting_id=meeting.pk)


@login_required
def previous_year(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Last year's rectification in summary (last year held outside 明镜): a name and the lines,
    several at a time; what this year's material and reports print as 上年度整改落实情况."""
    meeting, _ = _meeting_and_policy(request, meeting_id, Ability.LEDGER_DEFINE)
    current = previous_year_summary(meeting)
    initial_lines = [
        {f: getattr(line, f) for f in ("owner_name", "theme", "text", "count", "state")}
        for line in (current.line_list if current else [])
    ]
    form = PreviousYearForm(
        request.POST or None,
        initial={"previous_name": current.previous_name, "note": current.note}
        if current
        else {"previous_name": f"{meeting.config.year - 1}年度民主生活会"},
    )
    formset = PreviousLineFormSet(request.POST or None, initial=initial_lines, prefix="lines")
    line_errors: list[str] = []
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        lines = [
            f.cleaned_data
            for f in formset.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE") and not f.is_blank
        ]
        try:
            previous_year_save(actor=request.user, meeting=meeting, lines=lines, **form.cleaned_data)
        except ValidationError as exc:
            line_errors = exc.message_dict.pop("lines", [])
            if exc.message_dict:
                add_service_errors(form, ValidationError(exc.message_dict))
        else:
            messages.success(request, "上年度整改情况已保存")
            return redirect("rectification:ledger", meeting_id=meeting.pk)
    elif request.method == "POST":
        for n, f in enumerate(formset.forms, start=1):
            for name, errors in f.errors.items():
                label = f.fields[name].label if name in f.fields else ""
                line_errors += [f"第{n}行「{label}」：{e}" for e in errors]
        line_errors += list(formset.non_form_errors())
    last_year = carry_over(meeting)
    context = {
        "meeting": meeting,
        "form": form,
        "formset": formset,
        "line_errors": line_errors,
        "has_ledger": last_year.paper is None and bool(last_year.lines),
        "history": history_for_object(current) if current else [],
    }
    return render(request, "rectification/previous_year.html", context, status=400 if line_errors else 200)


# --- one item -------------------------------------------------------------------------------------


def _detail(
    request: HttpRequest, item: RectificationItem, policy: MeetingPolicy, status: int = 200, **forms
) -> HttpResponse:
    can_update = policy.can(Ability.LEDGER_UPDATE, item) and item.is_open
    settings = settings_for(item.meeting)
    successors = list(item.carried_to.select_related("meeting"))
    context = {
        "meeting": item.meeting,
        "item": item,
        "policy": policy,
        "ledger_settings": settings,
        "mark": item_mark(item, settings),
        "milestones": item_milestones(item=item),
        "loose_files": item_loose_files(item=item),
        "history": item_history(item, successors=successors),
        "can_update": can_update,
        "can_request": can_update and item.status != Status.REQUESTED,
        "stage": policy.verify_stage(item) if policy.can(Ability.LEDGER_VERIFY, item) else "",
        "can_reopen": policy.flags["ledger_manage"] and item.status == Status.CLOSED,
        "progress_form": forms.get("progress_form")
        or ProgressForm(
            initial={"progress": item.progress, "progress_note": item.progress_note}, prefix=PREFIXES["progress_form"]
        ),
        "milestone_form": forms.get("milestone_form") or MilestoneForm(prefix=PREFIXES["milestone_form"]),
        "request_form": forms.get("request_form") or ClosureRequestForm(prefix=PREFIXES["request_form"]),
        "return_form": forms.get("return_form") or ReasonForm(prefix=PREFIXES["return_form"]),
        "reopen_form": forms.get("reopen_form") or ReasonForm(prefix=PREFIXES["reopen_form"]),
        "successors": successors,
    }
    return render(request, "rectification/item.html", context, status=status)


@login_required
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item, policy = get_item_for_user(user=request.user, pk=item_id)
    return _detail(request, item, policy)


@login_required
def item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    item, _ = get_item_for_user(user=request.user, pk=item_id, ability=Ability.LEDGER_DEFINE)
    return form_page(
        request,
        form=ItemForm(request.POST or None, meeting=item.meeting, initial={f: getattr(item, f) for f in ITEM_FIELDS}),
        save=lambda data: item_update(actor=request.user, item=item, data=data),
        success="整改事项已保存",
        next_url=reverse("rectification:item", args=[item.pk]),
        template="rectification/form.html",
        context={"meeting": item.meeting, "title": f"修改整改事项 {item.key}", "item": item},
    )


def _post_form(
    request: HttpRequest, item_id: int, form_class: type, key: str, save, success: str, *, ability: Ability
) -> HttpResponse:
    """A POST from one of the item page's forms: on success back to the item, else the page with
    the form's errors. The service asks the policy again; `ability` refuses early, before the form."""
    item, policy = get_item_for_user(user=request.user, pk=item_id, ability=ability)
    form = form_class(request.POST, request.FILES, prefix=PREFIXES[key])
    if form.is_valid():
        try:
            save(item, form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, success)
            return redirect("rectification:item", item_id=item.pk)
    item.refresh_from_db()
    return _detail(request, item, policy, status=400, **{key: form})


@login_required
@require_POST
def item_progress(request: HttpRequest, item_id: int) -> HttpResponse:
    return _post_form(
        request,
        item_id,
        ProgressForm,
        "progress_form",
        lambda item, data: progress_update(actor=request.user, item=item, **data),
        "整改进展已更新",
        ability=Ability.LEDGER_UPDATE,
    )


@login_required
@require_POST
def item_milestone(request: HttpRequest, item_id: int) -> HttpResponse:
    return _post_form(
        request,
        item_id,
        MilestoneForm,
        "milestone_form",
        lambda item, data: milestone_add(actor=request.user, item=item, **data),
        "进展节点已登记",
        ability=Ability.LEDGER_UPDATE,
    )


@login_required
@require_POST
def item_request(request: HttpRequest, item_id: int) -> HttpResponse:
    return _post_form(
        request,
        item_id,
        ClosureRequestForm,
        "request_form",
        lambda item, data: closure_request(actor=request.user, item=item, **data),
        "已提交销号申请，等待审核",
        ability=Ability.LEDGER_UPDATE,
    )


@login_required
@require_POST
def item_verify(request: HttpRequest, item_id: int) -> HttpResponse:
    item, _ = get_item_for_user(user=request.user, pk=item_id)
    try:
        item = closure_verify(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    else:
        if item.status == Status.CLOSED:
            messages.success(request, "已审核同意，事项已销号")
        else:
            messages.success(request, "已审核同意，等待督导组审核销号")
    return redirect("rectification:item", item_id=item.pk)


@login_required
@require_POST
def item_return(request: HttpRequest, item_id: int) -> HttpResponse:
    def save(item, data):
        closure_return(actor=request.user, item=item, reason=data["reason"])

    return _post_form(
        request, item_id, ReasonForm, "return_form", save, "已退回销号申请", ability=Ability.LEDGER_READ_ITEM
    )


@login_required
@require_POST
def item_reopen_view(request: HttpRequest, item_id: int) -> HttpResponse:
    def save(item, data):
        item_reopen(actor=request.user, item=item, reason=data["reason"])

    return _post_form(
        request, item_id, ReasonForm, "reopen_form", save, "事项已重新打开", ability=Ability.LEDGER_MANAGE
    )


@login_required
@require_POST
def item_remove(request: HttpRequest, item_id: int) -> HttpResponse:
    item, _ = get_item_for_user(user=request.user, pk=item_id, ability=Ability.LEDGER_MANAGE)
    meeting_id = item.meeting_id
    try:
        item_delete(actor=request.user, item=item)
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect("rectification:item", item_id=item.pk)
    messages.success(request, "整改事项已删除")
    return redirect("rectification:ledger", meeting_id=meeting_id)


@login_required
def evidence_download(request: HttpRequest, evidence_id: int) -> HttpResponse:
    evidence = get_evidence_for_user(user=request.user, pk=evidence_id)
    unit = evidence.item.meeting.organization
    audit_download(request=request, what="佐证材料", filename=evidence.original_name, obj=evidence, organization=unit)
    return attachment(evidence_files.read(evidence.file.name), evidence.original_name, evidence.content_type)


# --- xlsx round trip ------------------------------------------------------------------------------


@login_required
def export(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, policy = _meeting_and_policy(request, meeting_id)
    content = ledger_xlsx.export_xlsx(ledger_for_meeting(meeting, policy=policy))
    filename = f"{meeting.title}整改台账.xlsx"
    audit_download(request=request, what="整改台账", filename=filename, obj=meeting, organization=meeting.organization)
    return xlsx_response(content, filename)


@login_required
def import_sheet(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """Upload → every row checked → a preview of the changes; nothing is written until confirmed."""
    meeting, policy = _meeting_and_policy(request, meeting_id, Ability.LEDGER_IMPORT)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    plan = None
    if request.method == "POST" and form.is_valid():
        try:
            upload = form.cleaned_data["file"]
            limit = ledger_xlsx_max_bytes()
            if upload.size > limit:
                raise ledger_xlsx.LedgerImportError([f"文件过大，请上传不超过{evidence_files.size_label(limit)}的表格"])
            rows = ledger_xlsx.parse_sheet(upload.read())
            plan = ledger_xlsx.plan_import(policy=policy, meeting=meeting, rows=rows)
        except ledger_xlsx.LedgerImportError as exc:
            errors = exc.errors
        else:
            request.session[IMPORT_SESSION_KEY.format(meeting.pk)] = {"rows": plan.rows, "digest": plan.digest}
    context = {"meeting": meeting, "form": form, "errors": errors, "plan": plan}
    return render(request, "rectification/import.html", context, status=400 if errors else 200)


def ledger_xlsx_max_bytes() -> int:
    from django.conf import settings

    return settings.MAX_IMPORT_BYTES


@login_required
@require_POST
def import_confirm(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, _ = _meeting_and_policy(request, meeting_id, Ability.LEDGER_IMPORT)
    pending = request.session.get(IMPORT_SESSION_KEY.format(meeting.pk))
    if not pending:
        messages.error(request, "没有待确认的导入，请重新上传表格")
        return redirect("rectification:import", meeting_id=meeting.pk)
    try:
        plan = ledger_xlsx.apply_import(
            actor=request.user, meeting=meeting, rows=pending["rows"], digest=pending["digest"]
        )
    except ledger_xlsx.LedgerImportError as exc:
        context = {"meeting": meeting, "form": ImportForm(), "errors": exc.errors, "plan": None}
        return render(request, "rectification/import.html", context, status=400)
    del request.session[IMPORT_SESSION_KEY.format(meeting.pk)]
    messages.success(request, f"导入完成：更新了{len(plan.changed)}项整改事项，{plan.unchanged}项未变化")
    return redirect("rectification:ledger", meeting_id=meeting.pk)


# --- 我的整改 ----------------------------------------------------------------------------------------


@login_required
def my_rectification(request: HttpRequest) -> HttpResponse:
    context = {"groups": my_items(user=request.user), "item_url": record_url("rectification:item")}
    return render(request, "rectification/mine.html", context)


# --- notices --------------------------------------------------------------------------------------


@login_required
def notices(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, policy = _meeting_and_policy(request, meeting_id)
    context = {"meeting": meeting, "policy": policy, "notices": list(notices_of_meeting(meeting=meeting))}
    return render(request, "rectification/notices.html", context)


@login_required
def notice_new(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting, _ = _meeting_and_policy(request, meeting_id, Ability.LEDGER_DEFINE)
    form = NoticeForm(request.POST or None, initial={"kind": "publicity"})
    del form.fields["regenerate"]
    return form_page(
        request,
        form=form,
        save=lambda data: notice_create(actor=request.user, meeting=meeting, **data),
        success="公示通报已保存",
        next_url=reverse("rectification:notices", args=[meeting.pk]),
        template="rectification/form.html",
        context={"meeting": meeting, "title": "新建公示通报"},
    )


@login_required
def notice_edit(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = get_notice_for_user(user=request.user, pk=notice_id, ability=Ability.LEDGER_DEFINE)

    def save(data: dict[str, Any]):
        regenerate = data.pop("regenerate", False)
        return notice_update(actor=request.user, notice=notice, data=data, regenerate=regenerate)

    return form_page(
        request,
        form=NoticeForm(request.POST or None, initial={f: getattr(notice, f) for f in NoticeForm.Meta.fields}),
        save=save,
        success="公示通报已保存",
        next_url=reverse("rectification:notices", args=[notice.meeting_id]),
        template="rectification/form.html",
        context={
            "meeting": notice.meeting,
            "title": f"修改{notice}",
            "history": history_for_object(notice),
            "show_history": True,
            "delete_url": reverse("rectification:notice_delete", args=[notice.pk]),
        },
    )


@login_required
@require_POST
def notice_remove(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = get_notice_for_user(user=request.user, pk=notice_id, ability=Ability.LEDGER_DEFINE)
    meeting_id = notice.meeting_id
    notice_delete(actor=request.user, notice=notice)
    messages.success(request, "公示通报已删除")
    return redirect("rectification:notices", meeting_id=meeting_id)
