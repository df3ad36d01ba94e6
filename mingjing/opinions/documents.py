"""Opinion solicitation as documents: the printable 征求意见表 with the QR code of the anonymous
form, the 意见汇总 and one member's 意见反馈表.

Anonymity: every opinion text printed here comes from `visible_opinions` (online responses stay
hidden until the campaign is closed and reach its threshold); what is withheld is only counted.
The counts (对领导班子N条, 归纳整理为X个方面Y项) come from `opinion_tallies`.

The QR code needs the site's absolute address (`mingjing.opinions.address`): MINGJING_BASE_URL, else
the address the page that asks for the document was opened on — the same code as on the campaign
page. Built without either (the CLI without MINGJING_BASE_URL), the form prints 【待补充】 for the
address, no code, and does not tell the reader to scan one.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

from django.db.models import Prefetch

from mingjing.accounts.policy import Ability
from mingjing.documents.engine import OfficialDocument
from mingjing.documents.numbering import doc_date
from mingjing.documents.registry import register
from mingjing.documents.slots import MISSING, fill
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.opinions.address import public_form_url
from mingjing.opinions.models import Campaign, CampaignStateChange, OpinionItem, SourceKind, StateChange
from mingjing.opinions.selectors import (
    AspectGroup,
    OpinionTallies,
    TargetTally,
    campaign_state_changes,
    campaigns_of_meeting,
    feedback_for_member,
    items_by_aspect,
    opinion_tallies,
    visible_opinions,
)
from mingjing.organizations.models import TeamRole, team_rank
from mingjing.yearconfigs.models import Aspect

QR_WIDTH_MM = 32
TEAM_BOX_MM, MEMBER_BOX_MM = 44, 32  # room to write in, per row of the form


def unit_short(meeting: Meeting) -> str:
    organization = meeting.organization
    return organization.short_name or organization.name


def team_roster(meeting: Meeting) -> list[RosterEntry]:
    return list(
        RosterEntry.objects.filter(meeting=meeting, team_role__in=[TeamRole.PRINCIPAL, TeamRole.MEMBER]).order_by(
            team_rank(), "precedence", "id"
        )
    )


def person(entry: RosterEntry) -> str:
    return f"{entry.name}同志（{entry.post}）" if entry.post else f"{entry.name}同志"


def numbered(texts: Iterable[str]) -> list[str]:
    return [f"{i}. {t.strip()}" for i, t in enumerate((t for t in texts if t and t.strip()), start=1)]


def qr_png(url: str) -> bytes:
    """The QR code as PNG (segno writes PNG itself; no imaging library needed)."""
    import segno

    buffer = io.BytesIO()
    segno.make(url, error="m", micro=False).save(buffer, kind="png", scale=10, border=2)
    return buffer.getvalue()


def form_url(campaign: Campaign) -> str | None:
    """The anonymous form's absolute address, or None when no address is known."""
    return public_form_url(campaign)


# --- 征求意见表 ---------------------------------------------------------------------------------------


def latest_campaign(meeting: Meeting) -> Campaign | None:
    return campaigns_of_meeting(meeting=meeting).last()


def build_solicitation_form(
    meeting: Meeting, member: RosterEntry | None, overrides: dict[str, str]
) -> OfficialDocument:
    """征求意见表 of the latest campaign: the unit, the year's aspects as prompts, one box for the
    team and one for each member, the QR code of the anonymous form and the return date."""
    unit = meeting.organization
    campaign = latest_campaign(meeting)
    doc = OfficialDocument(
        title=f"{unit_short(meeting)}{meeting.config.name}征求意见表", overrides=overrides, author=unit_short(meeting)
    )
    if campaign is None:
        doc.paragraph(fill("本次会议尚未开展征求意见：{campaign}。", campaign=None), key="intro", label="说明")
        return doc
    online = campaign.online_enabled
    url = form_url(campaign) if online else None
    how = "填写后交回"
    if online:
        how += ("，也可扫描下方二维码在网上匿名填写" if url else "，也可通过下方网址在网上匿名填写") + (
            "（凭发放的一次性填写码提交）" if campaign.requires_ballot else ""
        )
    doc.paragraph(
        fill(
            "为开好{unit}{meeting}，现就领导班子和班子成员在以下方面存在的问题广泛征求意见建议。请于{closes}前{how}。",
            unit=unit_short(meeting),
            meeting=meeting.config.name,
            closes=campaign.closes_on,
            how=how,
        ),
        key=f"intro-{campaign.pk}",
        label="说明",
    )
    aspects = list(Aspect.objects.filter(config_id=meeting.config_id).order_by("order"))
    prompts = numbered(a.title for a in aspects)
    doc.paragraph("\n".join(["对照检查的重点方面：", *prompts]) if prompts else fill("对照检查的重点方面：{a}", a=None))
    if online:
        if url:
            doc.picture(qr_png(url), width_mm=QR_WIDTH_MM, caption="扫描二维码或访问以下网址匿名填写：")
            doc.paragraph(url, indent=False, align="center")
        else:
            doc.paragraph(fill("网上填写地址：{url}", url=None), indent=False, align="center")
    roster = team_roster(meeting)
    rows = [["对领导班子", ""], *([f"对{e.name}同志" + (f"\n（{e.post}）" if e.post else ""), ""] for e in roster)]
    # Boxes to write in: the second column as wide as the names leave, rows at least this tall.
    doc.table(["征求对象", "意见建议"], rows, widths=[30, 126], align=["c", "l"],
              heights=[0, TEAM_BOX_MM, *(MEMBER_BOX_MM for _ in roster)])  # fmt: skip
    kinds = "　".join(f"□{label}" for value, label in SourceKind.choices)
    doc.paragraph(f"填写单位（可不填）：\n类别：{kinds}", indent=False)
    doc.paragraph(
        "本表可不署名。"
        + ("网上填写无需登录，不记录姓名、账号、IP地址和提交时间。" if online else "")
        + fill("请于{closes}前交回。", closes=campaign.closes_on),
        indent=False,
    )
    doc.signature(unit.name, campaign.opens_on)
    return doc


# --- 意见汇总 ----------------------------------------------------------------------------------------


def meeting_items(meeting: Meeting, campaigns: list[Campaign]) -> list[OpinionItem]:
    """Every grouped item of the meeting, with its visible opinions (online ones only when shown)."""
    visible = visible_opinions(campaigns=campaigns)
    return list(
        OpinionItem.objects.filter(campaign__meeting=meeting)
        .select_related("aspect", "target")
        .prefetch_related(Prefetch("opinions", queryset=visible, to_attr="visible_opinions"))
        .order_by("aspect__order", "order", "id")
    )


def tally_summary(items: int, aspects: int) -> str:
    """ "归纳整理为2个方面3项"; "" before any grouping (a page state, never printed)."""
    if not items:
        return ""
    return f"归纳整理为{aspects}个方面{items}项" if aspects else f"归纳整理为{items}项"


def _grouped_clause(sheet) -> str:
    """ "，归纳整理为2个方面3项", or nothing before the opinions are grouped."""
    grouped = tally_summary(sheet.item_count, len({g.aspect.pk for g in sheet.groups if g.aspect}))
    return f"，{grouped}" if grouped else ""


def _period(campaigns: list[Campaign]) -> str:
    start = min(c.opens_on for c in campaigns)
    end = max(c.closed_on or c.closes_on for c in campaigns)
    return f"{doc_date(start)}至{doc_date(end)}"  # whether it is still open is the page's, not the document's


def summary_intro(meeting: Meeting, campaigns: list[Campaign], tallies: OpinionTallies) -> str:
    parts = [f"{unit_short(meeting)}于{_period(campaigns)}，通过{'、'.join(tallies.channels) or MISSING}等方式"]
    if tallies.units:
        parts.append(
            f"向{tallies.units}个单位（部门）发放征求意见表{tallies.forms_sent}份、收回{tallies.forms_returned}份"
        )
    text = "，".join(parts) + f"，广泛征求对领导班子和班子成员的意见建议，共收集意见建议{tallies.total}条。"
    with_some = tallies.with_opinions
    if with_some:
        text += f"其中，{tallies.phrase}"
        silent = [t.label for t in tallies.targets[1:] if not t.count and not t.withheld]
        text += f"；对{'、'.join(silent)}未提出意见建议。" if silent else "。"
    if tallies.items:
        text += f"经梳理，{tallies.summary}。"
    if tallies.withheld:
        text += f"另有网上匿名意见{tallies.withheld}条，因征求尚未结束或未达到显示门槛，暂不显示内容。"
    return text


def _groups(doc: OfficialDocument, groups: list[AspectGroup], *, counts: bool) -> None:
    for group in groups:
        doc.heading(2, group.aspect.title if group.aspect else "未归入重点方面")
        lines = []
        for i, item in enumerate(group.items, start=1):
            n = len(getattr(item, "visible_opinions", []))
            lines.append(f"{i}. {item.text.strip()}" + (f"（{n}条意见）" if counts and n else ""))
        doc.paragraph("\n".join(lines))


def build_opinion_summary(meeting: Meeting, member: RosterEntry | None, overrides: dict[str, str]) -> OfficialDocument:
    """意见汇总: the counts by target, then each target's grouped items by aspect and the visible
    opinions not yet grouped."""
    campaigns = list(campaigns_of_meeting(meeting=meeting))
    doc = OfficialDocument(title=f"{meeting.title}\n征求意见建议汇总", overrides=overrides, author=unit_short(meeting))
    if not campaigns:
        doc.paragraph(fill("本次会议尚未开展征求意见：{campaign}。", campaign=None), key="intro", label="概述")
        return doc
    tallies = opinion_tallies(meeting)
    doc.paragraph(summary_intro(meeting, campaigns, tallies), key="intro", label="概述")
    shown = [t for t in tallies.targets if t.count or t.items or t.withheld]
    doc.table(
        ["对象", "意见建议（条）", "归纳整理（项）", "暂不显示的网上意见（条）"],
        [[t.label, t.count, t.items, t.withheld] for t in shown]
        + [["合计", tallies.total, tallies.items, tallies.withheld]],
        widths=[46, 34, 34, 42],
        align=["l", "c", "c", "c"],
    )
    doc.blank()
    items = meeting_items(meeting, campaigns)
    grouped = {o.pk for item in items for o in item.visible_opinions}
    loose = [o for o in visible_opinions(campaigns=campaigns) if o.pk not in grouped]
    for tally in shown:
        _target_section(doc, tally, [i for i in items if i.target_id == tally.entry_id],
                        [o for o in loose if o.target_id == tally.entry_id])  # fmt: skip
    changes = campaign_state_changes(campaigns=campaigns)
    if changes:  # last: the 督导组 reads whether a campaign was closed and reopened, when and why
        doc.heading(1, "征求意见结束和重新开放情况")
        doc.paragraph(
            state_changes_text(changes, named=len(campaigns) > 1), key="state-changes", label="结束和重新开放"
        )
    return doc


def state_changes_text(changes: list[CampaignStateChange], *, named: bool) -> str:
    """Every close and reopen, one a line: the 督导组 sees whether a campaign was closed and
    reopened until some target passed the threshold."""
    reopens = sum(1 for c in changes if c.change == StateChange.REOPENED)
    lines = []
    for c in changes:
        who = f"“{c.campaign.title}”" if named else ""
        if c.change == StateChange.CLOSED:
            lines.append(f"{doc_date(c.on)}，{who}结束征求，当时收到网上匿名意见{c.online}条。")
        else:
            lines.append(f"{doc_date(c.on)}，{who}重新开放征求，原因：{c.reason or MISSING}。")
    head = f"征求期间重新开放{reopens}次。" if reopens else "征求期间未重新开放。"
    return "\n".join([head, *lines])


def _target_section(doc: OfficialDocument, tally: TargetTally, items: list[OpinionItem], loose: list) -> None:
    doc.heading(1, f"对{tally.label}的意见建议")
    aspects = len({i.aspect_id for i in items if i.aspect_id})
    grouped = tally_summary(len(items), aspects)
    text = f"共{tally.count}条" + (f"，{grouped}" if grouped else "") + "。"
    if tally.withheld:
        text += f"另有网上匿名意见{tally.withheld}条暂不显示。"
    doc.paragraph(text)
    _groups(doc, items_by_aspect(items), counts=True)
    if loose:
        doc.heading(2, "尚未归纳的意见")
        doc.paragraph("\n".join(numbered(o.text for o in loose)))


# --- 意见反馈表 --------------------------------------------------------------------------------------


def build_feedback(meeting: Meeting, member: RosterEntry | None, overrides: dict[str, str]) -> OfficialDocument:
    """One member's 征求意见反馈表: the grouped items and the visible opinions about him, the count of
    withheld online responses, and the team's items for him to take up his share."""
    sheet = feedback_for_member(meeting, member)
    doc = OfficialDocument(title=f"{meeting.title}\n征求意见反馈表", overrides=overrides, author=unit_short(meeting))
    doc.paragraph(f"反馈对象：{person(member)}", indent=False)
    text = fill(
        "经征求意见，对{who}的意见建议共{count}条" + _grouped_clause(sheet) + "，现予反馈。请对照检查、认真剖析，"
        "在个人发言提纲中逐条回应，并主动认领班子的有关问题。",
        who=f"{member.name}同志",
        count=len(sheet.opinions),
    )
    if sheet.withheld:
        text += f"另有网上匿名意见{sheet.withheld}条，因征求尚未结束或未达到显示门槛，暂不显示内容。"
    doc.paragraph(text, key="intro", label="说明")
    doc.heading(1, "对本人的意见建议（归纳后）")
    if sheet.groups:
        _groups(doc, sheet.groups, counts=True)
    else:
        doc.paragraph("暂无归纳整理的意见建议。")
    doc.heading(1, "意见建议原文")
    if sheet.opinions:
        doc.paragraph("\n".join(numbered(o.text for o in sheet.opinions)))
    else:
        doc.paragraph("暂无。")
    doc.heading(1, "对领导班子的意见建议（供认领）")
    if sheet.team_groups:
        _groups(doc, sheet.team_groups, counts=False)
    else:
        doc.paragraph("暂无。")
    return doc


register("solicitation-form", "征求意见表", build_solicitation_form, order=20,
         description="可打印的征求意见表：重点方面、班子和成员的填写栏、网上匿名填写的二维码、交回日期。")  # fmt: skip
register("opinion-summary", "征求意见建议汇总", build_opinion_summary, order=21,
         read=Ability.READ_EVERY_TARGET,
         description="按对象和重点方面汇总意见建议和归纳整理情况；网上匿名意见只按规则显示。")  # fmt: skip
register("feedback", "征求意见反馈表", build_feedback, needs_member=True, order=22,
         read=Ability.READ_FEEDBACK,
         description="向班子成员本人反馈的意见建议（归纳后和原文），附班子的意见供认领。")  # fmt: skip
