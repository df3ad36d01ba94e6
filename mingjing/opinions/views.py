from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from mingjing.accounts.policy import Ability, policy_for
from mingjing.audit.selectors import history_for_object
from mingjing.lib.dates import cn_date, today
from mingjing.lib.forms import add_service_errors
from mingjing.lib.http import xlsx_response
from mingjing.lib.pagination import paginate
from mingjing.lib.urls import record_url
from mingjing.lib.views import form_page
from mingjing.lib.xlsx import write_sheet
from mingjing.meetings.models import RosterEntry
from mingjing.meetings.selectors import get_meeting_for_user
from mingjing.opinions import selectors as sel
from mingjing.opinions.address import public_form_url
from mingjing.opinions.forms import (
    BallotForm,
    CampaignForm,
    CloseForm,
    FilterForm,
    ImportForm,
    ItemForm,
    OpinionForm,
    PublicForm,
    ReopenForm,
    UnitForm,
)
from mingjing.opinions.models import Audience, Campaign, Channel
from mingjing.opinions.services import (
    CAMPAIGN_FIELDS,
    IMPORT_COLUMNS,
    ITEM_FIELDS,
    OPINION_FIELDS,
    UNIT_FIELDS,
    ballot_codes_issue,
    campaign_close,
    campaign_create,
    campaign_delete,
    campaign_reopen,
    campaign_update,
    import_notes,
    item_create,
    item_delete,
    item_update,
    opinion_delete,
    opinion_record,
    opinion_submit_public,
    opinion_update,
    opinions_import,
    unit_add,
    unit_delete,
    unit_update,
)
from mingjing.yearconfigs.models import Aspect
from mingjing.yearconfigs.selectors import active_aspects

# --- campaigns -------------------------------------------------------------------------------------


@login_required
def campaign_list(request: HttpRequest, meeting_id: int) -> HttpResponse:
    """The meeting's solicitation at a glance: its campaigns, the tallies and the feedback sheets."""
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    policy = policy_for(user=request.user, meeting=meeting)
    tallies = sel.opinion_tallies(meeting)
    roster = {e.pk: e for e in RosterEntry.objects.filter(meeting=meeting)}
    sheets = [t for t in tallies.targets if t.entry_id in roster and sel.may_see_feedback(policy, roster[t.entry_id])]
    context = {
        "meeting": meeting,
        "campaigns": list(sel.campaigns_of_meeting(meeting=meeting)),
        "tallies": tallies,
        "sheets": sheets,
        "policy": policy,
        "all_targets": sel.sees_every_target(policy),
    }
    return render(request, "opinions/list.html", context)


@login_required
def campaign_new(request: HttpRequest, meeting_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id, ability=Ability.EDIT)
    opens_on = min(today(), meeting.planned_date)  # a meeting entered after the fact
    form = CampaignForm(
        request.POST or None,
        initial={
            "opens_on": opens_on,
            "closes_on": max(opens_on, min(opens_on.replace(day=28), meeting.planned_date)),
            "channels": ["paper"],
            # A closed group is the usual case, and single-use codes its default.
            "audience": Audience.GROUP,
            "requires_ballot": True,
        },
    )
    return form_page(
        request,
        form=form,
        save=lambda data: campaign_create(actor=request.user, meeting=meeting, **data),
        success="征求意见已创建",
        next_url=lambda campaign: reverse("opinions:campaign", args=[campaign.pk]),
        template="opinions/form.html",
        context={"meeting": meeting, "title": "新建征求意见", "back": reverse("opinions:list", args=[meeting.pk])},
    )


@login_required
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = sel.get_campaign_for_user(user=request.user, pk=campaign_id)
    meeting = campaign.meeting
    policy = policy_for(user=request.user, meeting=meeting)
    edit = policy.can(Ability.EDIT)
    units = sel.campaign_units(campaign=campaign)
    items = sel.campaign_items(campaign=campaign, policy=policy)
    form_url = public_form_url(campaign, request)
    context = {
        "meeting": meeting,
        "campaign": campaign,
        "policy": policy,
        "units": units,
        "sent": sum(u.forms_sent for u in units),
        "returned": sum(u.forms_returned for u in units),
        "online": sel.online_counts(campaign=campaign),
        "visible_count": sel.visible_opinions(campaigns=[campaign]).filter(sel.reader_scope_q(policy)).count(),
        "items": items,
        "summary": sel.grouping_summary(items),
        "form_state": campaign.form_state(today()),
        "form_url": form_url,
        "qr": mark_safe(sel.qr_svg(form_url)) if campaign.online_enabled else "",  # noqa: S308 (segno's own SVG)
        "unit_form": UnitForm(prefix="unit") if edit else None,
        # A meeting entered after the fact: its campaign closed by the meeting day at the latest.
        "close_form": CloseForm(initial={"closed_on": min(today(), meeting.planned_date)}) if edit else None,
        "reopen_form": ReopenForm() if edit else None,
        "state_changes": sel.campaign_state_changes(campaigns=[campaign]),
        "oversight": (sel.campaign_oversight(campaign=campaign) if policy.can(Ability.OVERSEE_SOLICITATION) else None),
        "history": history_for_object(campaign) if edit else [],
    }
    return render(request, "opinions/campaign.html", context)


@login_required
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = sel.get_campaign_for_user(user=request.user, pk=campaign_id, ability=Ability.EDIT)
    return form_page(
        request,
        form=CampaignForm(request.POST or None, initial={f: getattr(campaign, f) for f in CAMPAIGN_FIELDS}),
        save=lambda data: campaign_update(actor=request.user, campaign=campaign, data=data),
        success="征求意见已保存",
        next_url=reverse("opinions:campaign", args=[campaign.pk]),
        template="opinions/form.html",
        context={
            "meeting": campaign.meeting,
            "title": f"修改：{campaign}",
            "back": reverse("opinions:campaign", args=[campaign.pk]),
            "delete_url": reverse("opinions:campaign_delete", args=[campaign.pk]),
        },
    )


@login_required
@require_POST
def campaign_remove(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = sel.get_campaign_for_user(user=request.user, pk=campaign_id, ability=Ability.EDIT)
    meeting_id = campaign.meeting_id
    campaign_delete(actor=request.user, campaign=campaign)
    messages.success(request, "征求意见已删除")
    return redirect("opinions:list", meeting_id=meeting_id)


def _post_action(request: HttpRequest, campaign: Campaign, form, action, success: str) -> HttpResponse:
    if form.is_valid():
        try:
            action(form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        else:
            messages.success(request, success)
    else:
        errors = [f"{form[f].label}：{e[0]}" for f, e in form.errors.items() if f in form.fields]
        messages.error(request, "；".join(errors))
    return redirect("opinions:campaign", campaign_id=campaign.pk)


@login_required
@require_POST
def campaign_close_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = sel.get_campaign_for_user(user=request.user, pk=campaign_id, ability=Ability.EDIT)
    return _post_action(
        request,
        campaign,
        CloseForm(request.POST),
        lambda data: campaign_close(actor=request.user, campaign=campaign, **data),
        "征求意见已结束，网上匿名意见按显示门槛公开",
    )


@login_required
@require_POST
def campaign_reopen_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = sel.get_campaign_for_user(user=request.user, pk=campaign_id, ability=Ability.EDIT)
    return _post_action(
        request,
        campaign,
        ReopenForm(request.POST),
        lambda data: campaign_reopen(actor=request.user, campaign=campaign, **data),
        "征求意见已重新开放",
    )


# --- units -----------------------------------------------------------------------------------------


@login_required
@require_POST
def unit_new(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = sel.get_campaign_for_user(user=request.user, pk=campaign_id, ability=Ability.EDIT)
    return _post_action(
        request,
        campaign,
        UnitForm(request.POST, prefix="unit"),
        lambda data: unit_add(actor=request.user, campaign=campaign, **data),
        "已添加发放单位",
    )


@login_required
def unit_edit(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = sel.get_unit_for_user(user=request.user, pk=unit_id)
    campaign = unit.campaign
    return form_page(
        request,
        form=UnitForm(request.POST or None, initial={f: getattr(unit, f) for f in UNIT_FIELDS}),
        save=lambda data: unit_update(actor=request.user, unit=unit, data=data),
        success="发放单位已保存",
        next_url=reverse("opinions:campaign", args=[campaign.pk]) + "#units",
        template="opinions/form.html",
        context={
            "meeting": campaign.meeting,
            "title": f"修改发放单位：{unit.name}",
            "back": reverse("opinions:campaign", args=[campaign.pk]),
            "delete_url": reverse("opinions:unit_delete", args=[unit.pk]),
            "history": history_for_object(unit),
        },
    )


@login_required
@require_POST
def unit_remove(request: HttpRequest, unit_id: int) -> HttpResponse:
    unit = sel.get_unit_for_user(user=request.user, pk=unit_id)
    campaign_id = unit.campaign_id
    unit_delete(actor=request.user, unit=unit)
    messages.success(request, "发放单位已删除")
    return redirect("opinions:campaign", campaign_id=campaign_id)


# --- opinions --------------------------------------------------------------------------------------


@login_required
def opinion_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = sel.get_campaign_for_user(user=request.user, pk=campaign_id)
    meeting = campaign.meeting
    policy = policy_for(user=request.user, meeting=meeting)
    aspects = list(Aspect.objects.filter(config_id=meeting.config_id).order_by("order"))
    targets = sel.targets_for_meeting(meeting=meeting)
    if not sel.sees_every_target(policy):
        own = policy.entry
        mine = {sel.TEAM, str(own.pk) if own is not None and sel.may_see_feedback(policy, own) else ""}
        targets = [t for t in targets if t[0] in mine]
    filters = FilterForm(request.GET or None, meeting=meeting, aspects=aspects, targets=targets)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    opinions = sel.campaign_opinions(
        campaign=campaign,
        policy=policy,
        target=chosen.get("target", ""),
        aspect=chosen.get("aspect", ""),
        channel=chosen.get("channel", ""),
        q=chosen.get("q", ""),
    )
    page = paginate(request, opinions)
    context = {
        "meeting": meeting,
        "campaign": campaign,
        "policy": policy,
        "opinions": page,
        "page": page,
        "filters": filters,
        "filtered": any(chosen.values()),
        "online": sel.online_counts(campaign=campaign),
        "edit_url": record_url("opinions:opinion_edit"),
    }
    return render(request, "opinions/opinions.html", context)


@login_required
def opinion_new(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = sel.get_campaign_for_user(user=request.user, pk=campaign_id, ability=Ability.EDIT)
    form = OpinionForm(
        request.POST or None,
        meeting=campaign.meeting,
        initial={"received_on": today(), "channel": Channel.PAPER, "target": sel.TEAM},
    )
    again = "again" in request.POST
    return form_page(
        request,
        form=form,
        save=lambda data: opinion_record(actor=request.user, campaign=campaign, **data),
        success="意见已保存",
        next_url=reverse("opinions:opinion_create" if again else "opinions:opinions", args=[campaign.pk]),
        template="opinions/opinion_form.html",
        context={"meeting": campaign.meeting, "campaign": campaign, "title": "录入意见"},
    )


@login_required
def opinion_edit(request: HttpRequest, opinion_id: int) -> HttpResponse:
    opinion = sel.get_opinion_for_user(user=request.user, pk=opinion_id)
    campaign = opinion.campaign
    return form_page(
        request,
        form=OpinionForm(
            request.POST or None,
            meeting=campaign.meeting,
            online=opinion.from_public_form,
            initial={f: getattr(opinion, f) for f in OPINION_FIELDS},
        ),
        save=lambda data: opinion_update(actor=request.user, opinion=opinion, data=data),
        success="意见已保存",
        next_url=reverse("opinions:opinions", args=[campaign.pk]),
        template="opinions/opinion_form.html",
        context={
            "meeting": campaign.meeting,
            "campaign": campaign,
            "opinion": opinion,
            "title": "修改意见",
            "history": history_for_object(opinion),
        },
    )


@login_required
@require_POST
def opinion_remove(request: HttpRequest, opinion_id: int) -> HttpResponse:
    opinion = sel.get_opinion_for_user(user=request.user, pk=opinion_id)
    campaign_id = opinion.campaign_id
    opinion_delete(actor=request.user, opinion=opinion)
    messages.success(request, "意见已删除")
    return redirect("opinions:opinions", campaign_id=campaign_id)


@login_required
def import_template(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = sel.get_campaign_for_user(user=request.user, pk=campaign_id, ability=Ability.EDIT)
    meeting = campaign.meeting
    first = RosterEntry.objects.filter(meeting=meeting).order_by("precedence", "id").first()
    example = [
        ["（示例，导入前请删除）会前征求意见不够广泛", "领导班子", "1", "征求意见表", "机关科室", cn_date(today())],
    ]
    if first:
        example.append(["（示例，导入前请删除）深入基层调研偏少", first.name, "", "座谈会", "下属单位", ""])
    content = write_sheet(IMPORT_COLUMNS, example, title="意见", notes=import_notes(meeting))
    return xlsx_response(content, f"征求意见导入模板-{campaign.title}.xlsx")


@login_required
def import_view(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = sel.get_campaign_for_user(user=request.user, pk=campaign_id, ability=Ability.EDIT)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            count = opinions_import(actor=request.user, campaign=campaign, fileobj=form.cleaned_data["file"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, f"已导入{count}条意见")
            return redirect("opinions:opinions", campaign_id=campaign.pk)
    context = {"meeting": campaign.meeting, "campaign": campaign, "form": form, "columns": IMPORT_COLUMNS}
    return render(request, "opinions/import.html", context)


# --- ballot codes, the printable form --------------------------------------------------------------


def _ballot_stats(campaign: Campaign) -> dict[str, int]:
    oversight = sel.campaign_oversight(campaign=campaign)
    return {"issued": oversight.codes_issued, "spent": oversight.codes_spent}


@login_required
def ballots(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """GET: how many codes were issued and spent. POST: issue new ones and show them once
    (as a printable page, or as an .xlsx download); only their hashes are kept."""
    campaign = sel.get_campaign_for_user(user=request.user, pk=campaign_id, ability=Ability.EDIT)
    form = BallotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            codes = ballot_codes_issue(actor=request.user, campaign=campaign, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            group = form.cleaned_data["group"]
            if request.POST.get("format") == "xlsx":
                rows = [[i, code, group] for i, code in enumerate(codes, start=1)]
                content = write_sheet(["序号", "填写码", "发放范围"], rows, title="填写码")
                response = xlsx_response(content, f"一次性填写码-{campaign.title}.xlsx")
            else:
                form_url = public_form_url(campaign, request)
                context = {"campaign": campaign, "meeting": campaign.meeting, "codes": codes, "group": group}
                context["form_url"] = form_url
                response = render(request, "opinions/ballots_issued.html", context)
            response["Cache-Control"] = "no-store"
            return response
    context = {"campaign": campaign, "meeting": campaign.meeting, "form": form, **_ballot_stats(campaign)}
    return render(request, "opinions/ballots.html", context)


@login_required
def printable_form(request: HttpRequest, campaign_id: int) -> HttpResponse:
    """The printable 征求意见表 with the QR code of the anonymous form."""
    campaign = sel.get_campaign_for_user(user=request.user, pk=campaign_id)
    meeting = campaign.meeting
    form_url = public_form_url(campaign, request)
    roster = list(RosterEntry.objects.filter(meeting=meeting).order_by("precedence", "id"))
    context = {
        "meeting": meeting,
        "campaign": campaign,
        "roster": roster,
        "aspects": list(active_aspects(meeting.config_id)),  # the form is for new opinions
        "form_url": form_url,
        "qr": mark_safe(sel.qr_svg(form_url, scale=3)) if campaign.online_enabled else "",  # noqa: S308
    }
    return render(request, "opinions/printable.html", context)


# --- grouping --------------------------------------------------------------------------------------


def _grouping_context(request: HttpRequest, campaign: Campaign, policy) -> dict:
    """A page of the grouped items (by aspect), with the summary over all of them."""
    q = request.GET.get("q", "").strip()[:100]
    page = paginate(request, sel.campaign_items_qs(campaign=campaign, policy=policy, q=q))
    return {
        "meeting": campaign.meeting,
        "campaign": campaign,
        "policy": policy,
        "groups": sel.items_by_aspect(list(page)),
        "summary": sel.grouping_counts(campaign=campaign, policy=policy),
        "page": page,
        "q": q,
    }


@login_required
def item_list(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = sel.get_campaign_for_user(user=request.user, pk=campaign_id)
    policy = policy_for(user=request.user, meeting=campaign.meeting)
    context = _grouping_context(request, campaign, policy)
    visible = sel.visible_opinions(campaigns=[campaign]).filter(sel.reader_scope_q(policy))
    context["ungrouped"] = visible.filter(item__isnull=True).count()
    return render(request, "opinions/items.html", context)


def _item_form(request: HttpRequest, campaign: Campaign, initial: dict) -> ItemForm:
    """The grouping form; its opinion search (?oq=) finds the opinions beyond the 100 it offers."""
    opinions = sel.visible_opinions(campaigns=[campaign]).select_related("item")
    search = request.GET.get("oq", "").strip()[:100]
    return ItemForm(request.POST or None, campaign=campaign, opinions=opinions, initial=initial, search=search)


@login_required
def item_new(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = sel.get_campaign_for_user(user=request.user, pk=campaign_id, ability=Ability.EDIT)
    initial = {"target": sel.TEAM}
    if request.method == "GET" and request.GET.get("target"):
        initial["target"] = request.GET["target"]
    return form_page(
        request,
        form=_item_form(request, campaign, initial),
        save=lambda data: item_create(actor=request.user, campaign=campaign, **data),
        success="归纳项已保存",
        next_url=reverse("opinions:items", args=[campaign.pk]),
        template="opinions/item_form.html",
        context={"meeting": campaign.meeting, "campaign": campaign, "title": "新增归纳项"},
    )


@login_required
def item_edit(request: HttpRequest, item_id: int) -> HttpResponse:
    item = sel.get_item_for_user(user=request.user, pk=item_id)
    campaign = item.campaign
    initial = {f: getattr(item, f) for f in ITEM_FIELDS}
    initial["opinions"] = list(item.opinions.all())

    def save(data: dict) -> None:
        data = dict(data)
        opinions = data.pop("opinions")
        item_update(actor=request.user, item=item, data=data, opinions=opinions)

    return form_page(
        request,
        form=_item_form(request, campaign, initial),
        save=save,
        success="归纳项已保存",
        next_url=reverse("opinions:items", args=[campaign.pk]),
        template="opinions/item_form.html",
        context={
            "meeting": campaign.meeting,
            "campaign": campaign,
            "item": item,
            "title": f"修改归纳项：第{item.order}项",
            "history": history_for_object(item),
        },
    )


@login_required
@require_POST
def item_remove(request: HttpRequest, item_id: int) -> HttpResponse:
    item = sel.get_item_for_user(user=request.user, pk=item_id)
    campaign_id = item.campaign_id
    item_delete(actor=request.user, item=item)
    messages.success(request, "归纳项已删除，其中的意见改为未归纳")
    return redirect("opinions:items", campaign_id=campaign_id)


# --- feedback sheet --------------------------------------------------------------------------------


@login_required
def feedback(request: HttpRequest, meeting_id: int, entry_id: int) -> HttpResponse:
    meeting = get_meeting_for_user(user=request.user, pk=meeting_id)
    entry = RosterEntry.objects.filter(meeting=meeting, pk=entry_id).first()
    if entry is None:
        raise Http404("没有找到该班子成员")
    policy_for(user=request.user, meeting=meeting).require(Ability.READ_FEEDBACK, entry)
    sheet = sel.feedback_for_member(meeting, entry)
    return render(request, "opinions/feedback.html", {"meeting": meeting, "sheet": sheet, "today": today()})


# --- the anonymous form ----------------------------------------------------------------------------

PUBLIC_HEADERS = {
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Robots-Tag": "noindex, nofollow",
}


# csrf_exempt: this page sets no cookie and reads no session, so there is no cookie-borne
# authority a forged cross-site request could ride on; what admits a submission is the unguessable
# token in the URL and, for a closed group, the single-use ballot code. A CSRF token would need
# a cookie, which would be a way to recognise the sender again.
@csrf_exempt
def public_form(request: HttpRequest, token: str) -> HttpResponse:
    """The anonymous opinion form at /o/<token>/. It never touches request.user or
    request.session, uses no messages, and renders without the request (so no context processor
    reads the session or puts a CSRF token in the page). Nothing about the sender is stored."""
    campaign = Campaign.objects.filter(public_token=token).select_related("meeting", "meeting__organization").first()
    if campaign is None or not campaign.online_enabled:
        return _public_response("opinions/public_form.html", {"missing": True}, status=404)
    meeting = campaign.meeting
    on = today()
    state = campaign.form_state(on)
    context = {"campaign": campaign, "meeting": meeting, "state": state}
    if state != "open":
        return _public_response("opinions/public_form.html", context)
    roster = list(RosterEntry.objects.filter(meeting=meeting).order_by("precedence", "id"))
    aspects = list(active_aspects(meeting.config_id))
    if request.method == "POST":
        form = PublicForm(request.POST, campaign=campaign, roster=roster, aspects=aspects)
        if form.is_valid():
            try:
                stored = opinion_submit_public(
                    campaign=campaign, entries=form.entries(), ballot_code=form.cleaned_data.get("ballot_code", "")
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                return _public_response("opinions/public_form.html", {**context, "stored": stored})
    elif request.method == "GET":
        form = PublicForm(campaign=campaign, roster=roster, aspects=aspects)
    else:
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    return _public_response("opinions/public_form.html", {**context, "form": form})


def _public_response(template: str, context: dict, status: int = 200) -> HttpResponse:
    html = render_to_string(template, context)  # no request: no context processors
    return HttpResponse(html, status=status, headers=PUBLIC_HEADERS)
