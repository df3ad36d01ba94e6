"""Reads about opinion solicitation, reached through the meeting the user may see.

Visibility (the promise made to opinion givers):
- opinions that came in through the anonymous form stay hidden from everyone until the campaign
  is closed; before that only their number is shown;
- after the close they are shown only for a target (the team or one member) that has at least
  the campaign's threshold of such responses, and always in a random order (shuffle_key);
- opinions the preparer typed or imported are his own entries and always visible to readers.

Who reads what inside a meeting is the policy's (`accounts.policy`): READ_EVERY_TARGET (the
preparer/admin, the principal and the reviewers) sees every visible opinion; READ_FEEDBACK of his
own entry lets a member see the ones about himself; anyone who may read the meeting sees the
campaign facts, counts and the team's opinions. OVERSEE_SOLICITATION (the staff and the 督导组)
sees how many online responses arrived per day and how many codes were issued and spent.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse

from mingjing.accounts.policy import Ability, MeetingPolicy
from mingjing.lib.memo import per_build
from mingjing.lib.pagination import search_q
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.meetings.selectors import get_meeting_record_for_user, roster_in_order
from mingjing.opinions.models import (
    Audience,
    BallotCode,
    Campaign,
    CampaignStateChange,
    CampaignUnit,
    Channel,
    Opinion,
    OpinionItem,
)
from mingjing.organizations.models import team_rank

TEAM = "team"  # the value that stands for 领导班子 in target filters and choices
TEAM_LABEL = "领导班子"


def target_label(entry: RosterEntry | None) -> str:
    return TEAM_LABEL if entry is None else f"{entry.name}同志"


# --- lookups ---------------------------------------------------------------------------------------


def campaigns_of_meeting(*, meeting: Meeting) -> QuerySet[Campaign]:
    return Campaign.objects.filter(meeting=meeting).order_by("opens_on", "id")


def get_campaign_for_user(*, user: Any, pk: Any, ability: Ability = Ability.READ) -> Campaign:
    return get_meeting_record_for_user(model=Campaign, user=user, pk=pk, ability=ability, missing="没有找到该征求意见")


def _get_campaign_record(model: type, *, user: Any, pk: Any, ability: Ability, missing: str) -> Any:
    return get_meeting_record_for_user(model=model, user=user, pk=pk, ability=ability, missing=missing, via="campaign")


def get_unit_for_user(*, user: Any, pk: Any, ability: Ability = Ability.EDIT) -> CampaignUnit:
    return _get_campaign_record(CampaignUnit, user=user, pk=pk, ability=ability, missing="没有找到该单位")


def get_item_for_user(*, user: Any, pk: Any, ability: Ability = Ability.EDIT) -> OpinionItem:
    return _get_campaign_record(OpinionItem, user=user, pk=pk, ability=ability, missing="没有找到该归纳项")


def get_opinion_for_user(*, user: Any, pk: Any, ability: Ability = Ability.EDIT) -> Opinion:
    """An opinion the user may change: hidden online responses are not found, even by the preparer."""
    opinion = _get_campaign_record(Opinion, user=user, pk=pk, ability=ability, missing="没有找到该意见")
    if not visible_opinions(campaigns=[opinion.campaign]).filter(pk=opinion.pk).exists():
        raise Http404("没有找到该意见")
    return opinion


# --- visibility ------------------------------------------------------------------------------------


def _shown_online_q(campaigns: list[Campaign]) -> Q:
    """Online responses that may be shown: closed campaigns, targets at or above the threshold.
    One aggregate query for all the campaigns."""
    closed = {c.pk: c for c in campaigns if c.is_closed}
    q = Q(pk__in=[])
    if not closed:
        return q
    rows = (
        Opinion.objects.filter(campaign_id__in=closed, from_public_form=True)
        .values_list("campaign_id", "target_id")
        .annotate(n=Count("id"))
    )
    for campaign_id, target_id, n in rows:
        if n >= closed[campaign_id].min_responses_shown:
            target_q = Q(target__isnull=True) if target_id is None else Q(target_id=target_id)
            q |= Q(campaign_id=campaign_id) & target_q
    return q


def visible_opinions(*, campaigns: list[Campaign]) -> QuerySet[Opinion]:
    """Opinions of the campaigns anyone may see, typed ones first (in entry order), then the
    online ones in their random order."""
    ids = [c.pk for c in campaigns]
    return (
        Opinion.objects.filter(campaign_id__in=ids)
        .filter(Q(from_public_form=False) | (Q(from_public_form=True) & _shown_online_q(campaigns)))
        .select_related("target", "aspect", "item")
        .order_by("from_public_form", "shuffle_key", "received_on", "id")
    )


def sees_every_target(policy: MeetingPolicy) -> bool:
    """The policy's READ_EVERY_TARGET (the problems app reads linked opinions with it too)."""
    return policy.can(Ability.READ_EVERY_TARGET)


def may_see_feedback(policy: MeetingPolicy, entry: RosterEntry) -> bool:
    return policy.can(Ability.READ_FEEDBACK, entry)


def reader_scope_q(policy: MeetingPolicy, prefix: str = "") -> Q:
    """Which targets' opinions this reader sees: every target, or the team's and those about
    himself when the policy lets him read his own feedback."""
    if sees_every_target(policy):
        return Q()
    team = Q(**{f"{prefix}target__isnull": True})
    own = policy.entry
    if own is not None and may_see_feedback(policy, own):
        return team | Q(**{f"{prefix}target": own})
    return team


@dataclass(frozen=True)
class OnlineCounts:
    """Online responses of one campaign, by target: the numbers, never the texts."""

    total: int
    by_target: dict[int | None, int]
    threshold: int
    closed: bool

    def shown(self, target_id: int | None) -> bool:
        return self.closed and self.by_target.get(target_id, 0) >= self.threshold

    @property
    def withheld(self) -> int:
        return sum(n for t, n in self.by_target.items() if not self.shown(t))


def online_counts(*, campaign: Campaign) -> OnlineCounts:
    rows = (
        Opinion.objects.filter(campaign=campaign, from_public_form=True)
        .values_list("target_id")
        .annotate(n=Count("id"))
    )
    by_target = {t: n for t, n in rows}
    return OnlineCounts(
        total=sum(by_target.values()),
        by_target=by_target,
        threshold=campaign.min_responses_shown,
        closed=campaign.is_closed,
    )


@dataclass(frozen=True)
class Oversight:
    """What the staff and the 督导组 watch so that padding shows: online responses per day (numbers
    and dates only, never texts or targets) and the single-use codes issued and spent."""

    per_day: list[tuple[Any, int]]  # (date, number of online responses that day), oldest first
    codes_issued: int
    codes_spent: int
    open_group_without_codes: bool  # a closed group's form that anyone with the link may fill in

    @property
    def busiest(self) -> int:
        return max((n for _, n in self.per_day), default=0)


def campaign_oversight(*, campaign: Campaign) -> Oversight:
    """Call it only for a reader with OVERSEE_SOLICITATION."""
    per_day = list(
        Opinion.objects.filter(campaign=campaign, from_public_form=True)
        .order_by("received_on")
        .values_list("received_on")
        .annotate(n=Count("id"))
    )
    codes = BallotCode.objects.filter(campaign=campaign).aggregate(
        issued=Count("id"), spent=Count("id", filter=Q(spent=True))
    )
    return Oversight(
        per_day=per_day,
        codes_issued=codes["issued"],
        codes_spent=codes["spent"],
        open_group_without_codes=(
            campaign.online_enabled and campaign.audience == Audience.GROUP and not campaign.requires_ballot
        ),
    )


def campaign_state_changes(*, campaigns: list[Campaign]) -> list[CampaignStateChange]:
    """Every close and reopen of these campaigns, in the order they happened."""
    return list(
        CampaignStateChange.objects.filter(campaign__in=campaigns)
        .select_related("campaign")
        .order_by("campaign__opens_on", "campaign_id", "id")
    )


def campaign_opinions(
    *, campaign: Campaign, policy: MeetingPolicy, target: str = "", aspect: str = "", channel: str = "", q: str = ""
) -> QuerySet[Opinion]:
    """The opinion list of a campaign for this reader, with the page's filters
    (target: "team" or a roster entry id; aspect: an aspect id or "none"; channel: a Channel value;
    q: words the text contains)."""
    qs = visible_opinions(campaigns=[campaign]).filter(reader_scope_q(policy))
    if q:
        qs = qs.filter(search_q(q, ["text"]))
    if target == TEAM:
        qs = qs.filter(target__isnull=True)
    elif target.isdigit():
        qs = qs.filter(target_id=int(target))
    if aspect == "none":
        qs = qs.filter(aspect__isnull=True)
    elif aspect.isdigit():
        qs = qs.filter(aspect_id=int(aspect))
    if channel in Channel.values:
        qs = qs.filter(channel=channel)
    return qs


def campaign_units(*, campaign: Campaign) -> list[CampaignUnit]:
    return list(CampaignUnit.objects.filter(campaign=campaign).order_by("id"))


def campaign_items(*, campaign: Campaign, policy: MeetingPolicy) -> list[OpinionItem]:
    """Grouped items with the number of (visible) opinions each came from, by aspect order."""
    return list(campaign_items_qs(campaign=campaign, policy=policy))


def campaign_items_qs(*, campaign: Campaign, policy: MeetingPolicy, q: str = "") -> QuerySet[OpinionItem]:
    """As `campaign_items`, a queryset to page through; `q`: words the grouped text contains."""
    visible_ids = visible_opinions(campaigns=[campaign]).values("pk")
    items = OpinionItem.objects.filter(campaign=campaign).filter(reader_scope_q(policy))
    if q:
        items = items.filter(search_q(q, ["text"]))
    return (
        items.select_related("aspect", "target")
        .annotate(opinion_count=Count("opinions", filter=Q(opinions__in=visible_ids)))
        .order_by("aspect__order", "order", "id")
    )


def grouping_counts(*, campaign: Campaign, policy: MeetingPolicy) -> str:
    """`grouping_summary` from one aggregate query (the grouping page shows a page of the items)."""
    counts = (
        OpinionItem.objects.filter(campaign=campaign)
        .filter(reader_scope_q(policy))
        .aggregate(items=Count("id"), aspects=Count("aspect", distinct=True))
    )
    if not counts["items"]:
        return "尚未归纳整理"
    if not counts["aspects"]:
        return f"归纳整理为{counts['items']}项"
    return f"归纳整理为{counts['aspects']}个方面{counts['items']}项"


@dataclass
class AspectGroup:
    aspect: Any  # Aspect or None
    items: list[OpinionItem] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"{self.aspect.order}. {self.aspect.title}" if self.aspect else "未归入重点方面"


def items_by_aspect(items: list[OpinionItem]) -> list[AspectGroup]:
    groups: dict[Any, AspectGroup] = {}
    for item in items:
        groups.setdefault(item.aspect_id, AspectGroup(aspect=item.aspect)).items.append(item)
    return sorted(groups.values(), key=lambda g: (g.aspect is None, g.aspect.order if g.aspect else 0))


def grouping_summary(items: list[OpinionItem]) -> str:
    """ "归纳整理为6个方面16项" (items without an aspect count as items, not as an aspect)."""
    if not items:
        return "尚未归纳整理"
    aspects = {i.aspect_id for i in items if i.aspect_id}
    if not aspects:
        return f"归纳整理为{len(items)}项"
    return f"归纳整理为{len(aspects)}个方面{len(items)}项"


# --- for the report and the documents --------------------------------------------------------------


@dataclass(frozen=True)
class TargetTally:
    entry_id: int | None  # None: the team
    name: str  # "领导班子" or the member's name
    label: str  # "领导班子" or "张明同志"
    count: int  # visible opinions (typed, imported, and online ones shown)
    withheld: int  # online responses not shown (campaign open, or below the threshold)
    items: int  # grouped items


@dataclass(frozen=True)
class OpinionTallies:
    campaigns: int
    closed: bool  # every campaign is closed
    targets: list[TargetTally]  # the team first, then the roster in its order
    total: int
    withheld: int
    items: int
    aspects: int  # aspects the grouped items fall under
    units: int
    forms_sent: int
    forms_returned: int
    channels: list[str]  # labels, in the order of Channel

    @property
    def summary(self) -> str:
        """ "归纳整理为6个方面16项"."""
        if not self.items:
            return "尚未归纳整理"
        return f"归纳整理为{self.aspects}个方面{self.items}项" if self.aspects else f"归纳整理为{self.items}项"

    @property
    def phrase(self) -> str:
        """ "对领导班子意见建议36条，对张明同志5条，对李华同志2条" (targets without any left out)."""
        parts = [f"对{t.label}{'意见建议' if i == 0 else ''}{t.count}条" for i, t in enumerate(self.with_opinions)]
        return "，".join(parts)

    @property
    def with_opinions(self) -> list[TargetTally]:
        return [t for t in self.targets if t.count]


@per_build  # the archive box states the tallies in the report and the 意见汇总
def opinion_tallies(meeting: Meeting) -> OpinionTallies:
    """Counts for the 情况报告 and the 意见汇总, over every campaign of the meeting (five queries:
    the campaigns, the roster, the opinions grouped, the items, the units). Call it with a meeting
    reached through get_meeting_for_user."""
    campaigns = list(campaigns_of_meeting(meeting=meeting))
    ids = [c.pk for c in campaigns]
    roster = roster_in_order(meeting)
    # One grouped read serves every count: all opinions per target, the visible ones (typed ones,
    # and online ones of a closed campaign whose target reached its threshold: visible_opinions'
    # rule), and the channels used.
    grouped = list(
        Opinion.objects.filter(campaign_id__in=ids)
        .order_by()
        .values_list("campaign_id", "target_id", "from_public_form", "channel")
        .annotate(n=Count("id"))
    )
    online: Counter = Counter()
    for campaign_id, target_id, from_public_form, _, n in grouped:
        if from_public_form:
            online[campaign_id, target_id] += n
    closed = {c.pk: c.min_responses_shown for c in campaigns if c.is_closed}
    visible: Counter = Counter()
    everything: Counter = Counter()
    used = {c for campaign in campaigns for c in campaign.channels}
    for campaign_id, target_id, from_public_form, channel, n in grouped:
        everything[target_id] += n
        used.add(channel)
        if not from_public_form or (campaign_id in closed and online[campaign_id, target_id] >= closed[campaign_id]):
            visible[target_id] += n
    item_rows = list(OpinionItem.objects.filter(campaign_id__in=ids).order_by().values_list("target_id", "aspect_id"))
    items_per_target = Counter(t for t, _ in item_rows)
    units = [(sent, returned) for _, sent, returned in _unit_rows(meeting)]
    targets = [
        TargetTally(
            entry_id=e.pk if e else None,
            name=e.name if e else TEAM_LABEL,
            label=target_label(e),
            count=visible.get(e.pk if e else None, 0),
            withheld=everything.get(e.pk if e else None, 0) - visible.get(e.pk if e else None, 0),
            items=items_per_target.get(e.pk if e else None, 0),
        )
        for e in [None, *roster]
    ]
    return OpinionTallies(
        campaigns=len(campaigns),
        closed=bool(campaigns) and all(c.is_closed for c in campaigns),
        targets=targets,
        total=sum(t.count for t in targets),
        withheld=sum(t.withheld for t in targets),
        items=len(item_rows),
        aspects=len({a for _, a in item_rows if a}),
        units=len(units),
        forms_sent=sum(s for s, _ in units),
        forms_returned=sum(r for _, r in units),
        channels=[str(label) for value, label in Channel.choices if value in used],
    )


@dataclass(frozen=True)
class FeedbackSheet:
    meeting: Meeting
    entry: RosterEntry
    groups: list[AspectGroup]  # grouped items about him, by aspect
    opinions: list[Opinion]  # visible opinions about him (typed ones first, online ones shuffled)
    team_groups: list[AspectGroup]  # the team's grouped items, for him to take up his share
    withheld: int  # online responses about him not shown (below the threshold or not closed)

    @property
    def item_count(self) -> int:
        return sum(len(g.items) for g in self.groups)


def feedback_for_member(meeting: Meeting, entry: RosterEntry) -> FeedbackSheet:
    """What concerns one member, to hand to him before the meeting. Call it only for a reader
    allowed to see it (may_see_feedback)."""
    campaigns = list(campaigns_of_meeting(meeting=meeting))
    visible = visible_opinions(campaigns=campaigns)
    opinions = list(visible.filter(target=entry))
    items = list(
        OpinionItem.objects.filter(campaign__meeting=meeting)
        .filter(Q(target=entry) | Q(target__isnull=True))
        .select_related("aspect", "target")
        .prefetch_related(Prefetch("opinions", queryset=visible, to_attr="visible_opinions"))
        .order_by("aspect__order", "order", "id")
    )
    total = Opinion.objects.filter(campaign__meeting=meeting, target=entry).count()
    return FeedbackSheet(
        meeting=meeting,
        entry=entry,
        groups=items_by_aspect([i for i in items if i.target_id == entry.pk]),
        opinions=opinions,
        team_groups=items_by_aspect([i for i in items if i.target_id is None]),
        withheld=total - len(opinions),
    )


def solicitation_form_url(campaign: Campaign, base: HttpRequest | str) -> str:
    """The anonymous form's absolute address (for the QR code and the printed 征求意见表):
    from the current request, or from a base URL such as "https://mingjing.example.cn"."""
    path = reverse("opinions:public_form", args=[campaign.public_token])
    if isinstance(base, str):
        return base.rstrip("/") + path
    return base.build_absolute_uri(path)


def qr_svg(url: str, scale: int = 4) -> str:
    """The QR code of `url` as inline SVG markup (segno; error correction M, dark on white)."""
    import segno

    return segno.make(url, error="m", micro=False).svg_inline(scale=scale, dark="#000", light="#fff")


def targets_for_meeting(*, meeting: Meeting) -> list[tuple[str, str]]:
    """(value, label) for target choices: the team first, then the roster in its order."""
    roster = RosterEntry.objects.filter(meeting=meeting).order_by(team_rank(), "precedence", "id")
    return [(TEAM, TEAM_LABEL), *((str(e.pk), e.name) for e in roster)]


@per_build  # the 情况报告 reads the units' forms (opinion_tallies) and their names
def _unit_rows(meeting: Meeting) -> list[tuple[str, int, int]]:
    """(name, forms_sent, forms_returned) of the units over the meeting's campaigns, in entry order."""
    return list(
        CampaignUnit.objects.filter(campaign__meeting=meeting)
        .order_by("campaign_id", "id")
        .values_list("name", "forms_sent", "forms_returned")
    )


def campaign_unit_names(meeting: Meeting) -> list[str]:
    """The names of the units the forms went to, over the meeting's campaigns, in entry order."""
    names: list[str] = []
    for name, _, _ in _unit_rows(meeting):
        if name.strip() and name not in names:
            names.append(name.strip())
    return names
