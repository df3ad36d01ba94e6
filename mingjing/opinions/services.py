"""Writes for opinion solicitation. Each runs in a transaction, asks the policy whether its actor
may edit the meeting's records and records one audit event, except the anonymous submission
(opinion_submit_public), which by design leaves no trace of who or when.

Anonymity that survives its administrators:
- once the first online response has arrived, the threshold and the settings that protect the
  respondents (the form stays on, single-use codes stay required) can only be made stricter;
- every close and reopen is recorded (reopening needs a reason) and shown to the 督导组;
- at close, the campaign's online rows are written anew under fresh random ids in random order
  and the old rows deleted (SQLite zeroes deleted bytes: `PRAGMA secure_delete=ON` in settings),
  so the database file no longer holds the order of submissions or which texts came together.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.db import OperationalError, connection, transaction

from mingjing.accounts.policy import Ability, policy_for
from mingjing.audit.services import apply_changes, audit_record
from mingjing.lib.dates import cn_date, today
from mingjing.lib.limits import check_lengths, length_error, text_limit
from mingjing.lib.xlsx import MAX_IMPORT_ROWS, XlsxError, cell_error, read_sheet, shown_errors
from mingjing.meetings.dates import Phase, check_record_date, date_window
from mingjing.meetings.models import Meeting, RosterEntry
from mingjing.meetings.services import meeting_step_sync
from mingjing.opinions.models import (
    Audience,
    BallotCode,
    Campaign,
    CampaignStateChange,
    CampaignUnit,
    Channel,
    Opinion,
    OpinionItem,
    SourceKind,
    StateChange,
)
from mingjing.yearconfigs.models import Aspect
from mingjing.yearconfigs.selectors import active_aspects

logger = logging.getLogger(__name__)

MAX_TEXT = text_limit(Opinion, "text")  # an opinion, typed, imported or sent anonymously
MAX_BALLOTS = 500
# No 0/O, 1/I/L: codes are copied by hand from paper.
BALLOT_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
BALLOT_LENGTH = 10

CAMPAIGN_FIELDS = (
    "title",
    "channels",
    "opens_on",
    "closes_on",
    "online_enabled",
    "requires_ballot",
    "audience",
    "min_responses_shown",
    "note",
)
UNIT_FIELDS = ("name", "source_kind", "sent_on", "forms_sent", "forms_returned")
OPINION_FIELDS = ("text", "target", "aspect", "channel", "source_kind", "received_on")
ITEM_FIELDS = ("aspect", "target", "text", "order")
ITEM_LABEL = "归纳后的意见"
ITEM_LIMIT = text_limit(OpinionItem, "text")


# --- checks ----------------------------------------------------------------------------------------


def _require_edit(actor: Any, meeting: Meeting) -> None:
    """The policy's answer for every write here: the unit's preparer/administrator (or the console),
    on a meeting that is neither archived nor an imported copy."""
    policy_for(user=actor, meeting=meeting).require(Ability.EDIT)


def _check_target(meeting: Meeting, target: RosterEntry | None, field: str = "target") -> None:
    if target is not None and target.meeting_id != meeting.pk:
        raise ValidationError({field: "只能选择本次会议班子名单中的成员"})


def _check_aspect(
    meeting: Meeting, aspect: Aspect | None, field: str = "aspect", *, current: int | None = None
) -> None:
    """`current`: the id of the aspect the record already has, which it may keep once retired."""
    if aspect is None:
        return
    if aspect.config_id != meeting.config_id:
        raise ValidationError({field: "只能选择本次会议年度配置中的重点方面"})
    if aspect.retired and aspect.pk != current:
        raise ValidationError({field: f"重点方面“{aspect.order}. {aspect.title}”已停用，新填写的记录不能再选"})


def _check_text(text: str, field: str = "text", *, label: str = "意见内容", limit: int = MAX_TEXT) -> str:
    text = (text or "").strip()
    if not text:
        raise ValidationError({field: f"请填写{label}"})
    if message := length_error(label, limit, text):
        raise ValidationError({field: message})
    return text


def _check_received_on(meeting: Meeting, value: dt.date | None, field: str = "received_on") -> None:
    check_record_date(meeting, value, phase=Phase.PREPARATION, field=field, label="收到日期")


def _check_campaign(campaign: Campaign) -> None:
    errors: dict[str, str] = {}
    if not campaign.title.strip():
        errors["title"] = "请填写名称"
    for name, label in (("opens_on", "开始日期"), ("closes_on", "截止日期")):
        try:
            check_record_date(
                campaign.meeting, getattr(campaign, name), phase=Phase.PREPARATION, field=name, label=label
            )
        except ValidationError as exc:
            errors[name] = exc.message_dict[name][0]
    if campaign.opens_on and campaign.closes_on and campaign.closes_on < campaign.opens_on:
        errors["closes_on"] = "截止日期不能早于开始日期"
    try:
        check_lengths(campaign, ("title", "note"))
    except ValidationError as exc:
        errors |= {k: v[0] for k, v in exc.message_dict.items()}
    unknown = [c for c in campaign.channels if c not in Channel.values]
    if unknown:
        errors["channels"] = "渠道不正确：" + "、".join(unknown)
    if campaign.min_responses_shown < 1:
        errors["min_responses_shown"] = "显示门槛至少为1条"
    if errors:
        raise ValidationError(errors)


def _shuffle_key() -> int:
    return secrets.randbelow(2**31 - 1) + 1


# Ids of anonymous responses are drawn at random from far above anything a sequence reaches, so
# neither their order (which would follow submission time) nor their adjacency (entries of one
# submission would get consecutive ids) says anything about who sent what, or together.
_RANDOM_ID_FLOOR = 2**62


def _random_opinion_id() -> int:
    return _RANDOM_ID_FLOOR + secrets.randbelow(2**62 - 2**40)


def _shuffle(rows: list) -> None:
    secrets.SystemRandom().shuffle(rows)


def _has_online_responses(campaign: Campaign) -> bool:
    return Opinion.objects.filter(campaign=campaign, from_public_form=True).exists()


# What protects the respondents, field by field: (is the new value weaker than the old one?, why not).
_PROTECTIONS: dict[str, tuple[Any, str]] = {
    "min_responses_shown": (
        lambda old, new: new < old,
        "已收到网上匿名意见，显示门槛不能降低（现为{old}条），只能提高",
    ),
    "requires_ballot": (
        lambda old, new: old and not new,
        "已收到网上匿名意见，不能取消“须凭一次性填写码提交”",
    ),
    "online_enabled": (
        lambda old, new: old and not new,
        "已收到网上匿名意见，不能关闭“网上匿名填写”；如需停止接受填写，请结束征求意见（结束和重新开放都有记录）",
    ),
}


def _check_not_weakened(campaign: Campaign, data: dict[str, Any]) -> None:
    """Once the first online response has arrived, the threshold and the anonymity settings may
    only be made stricter: lowering them would unmask the few who answered (or let the form be
    switched off and on again without the reason a reopen needs)."""
    weakened = {
        name: message.format(old=getattr(campaign, name))
        for name, (weaker, message) in _PROTECTIONS.items()
        if name in data and weaker(getattr(campaign, name), data[name])
    }
    if weakened and _has_online_responses(campaign):
        raise ValidationError(weakened)


def _rewrite_online_rows(campaign: Campaign) -> None:
    """Write the campaign's online responses anew: the same content under fresh random ids and
    shuffle keys, inserted in the order of the new ids (itself random), then delete the old rows.
    Before this the table holds them as they came: one submission's texts side by side, in the
    order of submission. Links to them (problems) follow the new ids; audit lines keep the old ids (never rewritten).
    With `secure_delete` SQLite zeroes the old rows' bytes; the -wal file is truncated after the
    commit (see _truncate_wal)."""
    old = list(Opinion.objects.filter(campaign=campaign, from_public_form=True))
    if not old:
        return
    old_ids = {o.pk for o in old}
    new_ids: set[int] = set()
    while len(new_ids) < len(old):
        wanted = len(old) - len(new_ids)
        drawn = {_random_opinion_id() for _ in range(wanted)} - old_ids - new_ids
        drawn -= set(Opinion.objects.filter(pk__in=drawn).values_list("pk", flat=True))
        new_ids |= set(list(drawn)[:wanted])
    _shuffle(old)
    mapping: dict[int, int] = {}
    fresh = []
    for row, new_id in zip(old, sorted(new_ids), strict=True):
        mapping[row.pk] = new_id
        copy = Opinion(id=new_id, shuffle_key=_shuffle_key())
        for f in Opinion._meta.concrete_fields:
            if f.attname not in ("id", "shuffle_key"):
                setattr(copy, f.attname, getattr(row, f.attname))
        fresh.append(copy)
    Opinion.objects.bulk_create(fresh)  # in the order of the new ids
    for rel in Opinion._meta.related_objects:
        if rel.many_to_many:
            model = rel.through
            column = next(f.attname for f in model._meta.concrete_fields if f.related_model is Opinion)
        else:
            model, column = rel.related_model, rel.field.attname
        linked = set(model._base_manager.filter(**{f"{column}__in": old_ids}).values_list(column, flat=True))
        for old_id in linked:
            model._base_manager.filter(**{column: old_id}).update(**{column: mapping[old_id]})
    # Audit events are never rewritten (the table refuses it): a line about refiling an online
    # response keeps the old id, which no longer names any row and is linked to the new one nowhere.
    Opinion.objects.filter(pk__in=old_ids).delete()
    transaction.on_commit(_truncate_wal)


def _truncate_wal() -> None:
    """SQLite in WAL mode keeps recent page images (one set per submission) in the -wal file until
    a checkpoint; after the close has been committed, fold them into the database and empty it."""
    if connection.vendor != "sqlite":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except OperationalError:  # another connection holds the file: SQLite checkpoints it later itself
        logger.warning("征求意见结束后未能清空 -wal 文件（数据库正被占用），将由 SQLite 稍后自动检查点")


def _sync_step(meeting: Meeting) -> None:
    """征求意见 is done when every campaign of the meeting is closed: on the latest close date."""
    dates = list(Campaign.objects.filter(meeting=meeting).values_list("closed_on", flat=True))
    done_on = max(dates) if dates and all(dates) else None
    meeting_step_sync(meeting=meeting, step="solicitation", done_on=done_on)


# --- campaigns -------------------------------------------------------------------------------------


@transaction.atomic
def campaign_create(
    *,
    actor: Any,
    meeting: Meeting,
    title: str,
    opens_on: dt.date,
    closes_on: dt.date,
    channels: Sequence[str] = (Channel.PAPER,),
    online_enabled: bool = True,
    requires_ballot: bool | None = None,
    audience: str = Audience.GROUP,
    min_responses_shown: int = 5,
    note: str = "",
) -> Campaign:
    """`requires_ballot` None: single-use codes when the online form is for a closed group."""
    _require_edit(actor, meeting)
    if requires_ballot is None:
        requires_ballot = online_enabled and audience == Audience.GROUP
    campaign = Campaign(
        meeting=meeting,
        title=title.strip(),
        channels=list(channels),
        opens_on=opens_on,
        closes_on=closes_on,
        online_enabled=online_enabled,
        requires_ballot=requires_ballot,
        audience=audience,
        min_responses_shown=min_responses_shown,
        note=note.strip(),
        public_token=secrets.token_urlsafe(18),
    )
    _check_campaign(campaign)
    campaign.full_clean()
    campaign.save()
    audit_record(actor=actor, event_type="created", obj=campaign, organization=meeting.organization)
    _sync_step(meeting)  # an open campaign means the step is not done yet
    return campaign


@transaction.atomic
def campaign_update(*, actor: Any, campaign: Campaign, data: dict[str, Any]) -> Campaign:
    _require_edit(actor, campaign.meeting)
    data = {k: v for k, v in data.items() if k in CAMPAIGN_FIELDS}
    if "channels" in data:
        data["channels"] = list(data["channels"])
    _check_not_weakened(campaign, data)
    changes = apply_changes(campaign, data)
    if changes:
        _check_campaign(campaign)
        campaign.full_clean()
        campaign.save()
        audit_record(
            actor=actor, event_type="updated", obj=campaign, organization=campaign.meeting.organization, changes=changes
        )
    return campaign


@transaction.atomic
def campaign_close(*, actor: Any, campaign: Campaign, closed_on: dt.date | None = None) -> Campaign:
    _require_edit(actor, campaign.meeting)
    if campaign.is_closed:
        raise ValidationError({"closed_on": "征求意见已经结束"})
    closed_on = closed_on or today()
    check_record_date(campaign.meeting, closed_on, phase=Phase.PREPARATION, field="closed_on", label="结束日期")
    if closed_on < campaign.opens_on:
        raise ValidationError({"closed_on": "结束日期不能早于开始日期"})
    reopened = campaign.state_changes.filter(change=StateChange.REOPENED).order_by("-id").first()
    if reopened is not None and closed_on < reopened.on:
        raise ValidationError({"closed_on": f"结束日期不能早于上次重新开放的日期（{cn_date(reopened.on)}）"})
    campaign.closed_on = closed_on
    campaign.save(update_fields=["closed_on"])
    online = Opinion.objects.filter(campaign=campaign, from_public_form=True).count()
    CampaignStateChange.objects.create(campaign=campaign, change=StateChange.CLOSED, on=closed_on, online=online)
    _rewrite_online_rows(campaign)
    audit_record(
        actor=actor,
        event_type="opinion.campaign_closed",
        obj=campaign,
        organization=campaign.meeting.organization,
        extra={"date": cn_date(closed_on), "online": online},
    )
    _sync_step(campaign.meeting)
    return campaign


@transaction.atomic
def campaign_reopen(*, actor: Any, campaign: Campaign, reason: str) -> Campaign:
    """Hides the online responses again until the next close. Needs a reason, which the 督导组
    reads on the campaign page and the 意见汇总 prints, with every earlier close and reopen."""
    _require_edit(actor, campaign.meeting)
    reason = (reason or "").strip()
    if not campaign.is_closed:
        raise ValidationError({"reason": "征求意见尚未结束"})
    if not reason:
        raise ValidationError({"reason": "请说明重新开放的原因"})
    if message := length_error("重新开放的原因", text_limit(CampaignStateChange, "reason"), reason):
        raise ValidationError({"reason": message})
    on = today()
    campaign.closed_on = None
    if campaign.closes_on < on:
        campaign.closes_on = on  # otherwise the form would still say "已结束"
    campaign.save(update_fields=["closed_on", "closes_on"])
    online = Opinion.objects.filter(campaign=campaign, from_public_form=True).count()
    CampaignStateChange.objects.create(
        campaign=campaign, change=StateChange.REOPENED, on=on, reason=reason, online=online
    )
    audit_record(
        actor=actor,
        event_type="opinion.campaign_reopened",
        obj=campaign,
        organization=campaign.meeting.organization,
        extra={"reason": reason},
    )
    _sync_step(campaign.meeting)
    return campaign


@transaction.atomic
def campaign_delete(*, actor: Any, campaign: Campaign) -> None:
    meeting = campaign.meeting
    _require_edit(actor, meeting)
    audit_record(actor=actor, event_type="deleted", obj=campaign, organization=meeting.organization)
    campaign.delete()
    _sync_step(meeting)


# --- units the form was sent to --------------------------------------------------------------------


def _check_unit(unit: CampaignUnit) -> None:
    if not unit.name.strip():
        raise ValidationError({"name": "请填写单位名称"})
    if CampaignUnit.objects.filter(campaign=unit.campaign, name=unit.name).exclude(pk=unit.pk).exists():
        raise ValidationError({"name": f"“{unit.name}”已在发放名单中"})
    if unit.forms_sent and unit.forms_returned > unit.forms_sent:
        raise ValidationError({"forms_returned": "收回份数不能多于发出份数"})
    check_record_date(unit.campaign.meeting, unit.sent_on, phase=Phase.PREPARATION, field="sent_on", label="发出日期")
    check_lengths(unit, ("name",))


@transaction.atomic
def unit_add(
    *,
    actor: Any,
    campaign: Campaign,
    name: str,
    source_kind: str = SourceKind.DIVISION,
    sent_on: dt.date | None = None,
    forms_sent: int = 0,
    forms_returned: int = 0,
) -> CampaignUnit:
    _require_edit(actor, campaign.meeting)
    unit = CampaignUnit(
        campaign=campaign,
        name=name.strip(),
        source_kind=source_kind,
        sent_on=sent_on,
        forms_sent=forms_sent or 0,
        forms_returned=forms_returned or 0,
    )
    _check_unit(unit)
    unit.full_clean()
    unit.save()
    audit_record(actor=actor, event_type="created", obj=unit, organization=campaign.meeting.organization)
    return unit


@transaction.atomic
def unit_update(*, actor: Any, unit: CampaignUnit, data: dict[str, Any]) -> CampaignUnit:
    _require_edit(actor, unit.campaign.meeting)
    data = {k: v for k, v in data.items() if k in UNIT_FIELDS}
    if "name" in data:
        data["name"] = data["name"].strip()
    for key in ("forms_sent", "forms_returned"):
        if key in data and data[key] is None:
            data[key] = 0
    changes = apply_changes(unit, data)
    if changes:
        _check_unit(unit)
        unit.full_clean()
        unit.save()
        audit_record(
            actor=actor,
            event_type="updated",
            obj=unit,
            organization=unit.campaign.meeting.organization,
            changes=changes,
        )
    return unit


@transaction.atomic
def unit_delete(*, actor: Any, unit: CampaignUnit) -> None:
    _require_edit(actor, unit.campaign.meeting)
    audit_record(actor=actor, event_type="deleted", obj=unit, organization=unit.campaign.meeting.organization)
    unit.delete()


# --- opinions typed or imported by the preparer ----------------------------------------------------


@transaction.atomic
def opinion_record(
    *,
    actor: Any,
    campaign: Campaign,
    text: str,
    target: RosterEntry | None = None,
    aspect: Aspect | None = None,
    channel: str = Channel.PAPER,
    source_kind: str = "",
    received_on: dt.date | None = None,
) -> Opinion:
    _require_edit(actor, campaign.meeting)
    meeting = campaign.meeting
    _check_target(meeting, target)
    _check_aspect(meeting, aspect)
    received_on = received_on or today()
    _check_received_on(meeting, received_on)
    opinion = Opinion(
        campaign=campaign,
        text=_check_text(text),
        target=target,
        aspect=aspect,
        channel=channel,
        source_kind=source_kind or "",
        received_on=received_on,
    )
    opinion.full_clean()
    opinion.save()
    audit_record(actor=actor, event_type="created", obj=opinion, organization=meeting.organization)
    return opinion


@transaction.atomic
def opinion_update(*, actor: Any, opinion: Opinion, data: dict[str, Any]) -> Opinion:
    _require_edit(actor, opinion.campaign.meeting)
    meeting = opinion.campaign.meeting
    data = {k: v for k, v in data.items() if k in OPINION_FIELDS}
    if opinion.from_public_form:
        # What someone wrote anonymously is not rewritten: only the aspect it is filed under may
        # change. Not its target: the threshold counts responses per target, and moving shown
        # responses onto a target below it would reveal the few written about that one.
        if "target" in data and getattr(data["target"], "pk", None) != opinion.target_id:
            raise ValidationError(
                {"target": "网上匿名意见不能改变对象：显示门槛按对象计算，改变对象可能使不足门槛的意见显示出来"}
            )
        data = {k: v for k, v in data.items() if k == "aspect"}
    if "text" in data:
        data["text"] = _check_text(data["text"])
    _check_target(meeting, data.get("target"))
    _check_aspect(meeting, data.get("aspect"), current=opinion.aspect_id)
    if "received_on" in data and data["received_on"] != opinion.received_on:
        _check_received_on(meeting, data["received_on"])
    changes = apply_changes(opinion, data)
    if changes:
        opinion.full_clean()
        opinion.save()
        audit_record(actor=actor, event_type="updated", obj=opinion, organization=meeting.organization, changes=changes)
    return opinion


@transaction.atomic
def opinion_delete(*, actor: Any, opinion: Opinion) -> None:
    _require_edit(actor, opinion.campaign.meeting)
    audit_record(actor=actor, event_type="deleted", obj=opinion, organization=opinion.campaign.meeting.organization)
    opinion.delete()


# --- .xlsx import ----------------------------------------------------------------------------------

IMPORT_COLUMNS = ("意见内容", "对象", "方面", "渠道", "来源", "日期")
TEAM_NAMES = {"领导班子", "班子", "党组班子", "党委班子", "班子集体"}
_DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def parse_date(text: str) -> dt.date:
    match = _DATE_RE.match(text.strip().split(" ")[0])
    if not match:
        raise ValueError
    return dt.date(*(int(g) for g in match.groups()))


def import_notes(meeting: Meeting) -> list[Any]:
    """The template's second sheet: what each column accepts, with this meeting's names."""
    roster = list(RosterEntry.objects.filter(meeting=meeting).order_by("precedence", "id"))
    aspects = list(active_aspects(meeting.config_id))
    first, last = date_window(meeting, Phase.PREPARATION)
    return [
        ["列", "填写说明"],
        ["意见内容", f"必填，每行一条意见，最多{MAX_TEXT}字"],
        ["对象", "必填：“领导班子”或班子成员姓名（" + "、".join(e.name for e in roster) + "）"],
        ["方面", "可空；填重点方面的序号或标题：" + "；".join(f"{a.order}.{a.title}" for a in aspects)],
        ["渠道", "可空（默认“征求意见表”）：" + "、".join(str(label) for _, label in Channel.choices)],
        ["来源", "可空：" + "、".join(str(label) for _, label in SourceKind.choices)],
        ["日期", f"可空（默认导入当天），如 2026-11-02 或 2026年11月2日；应在{cn_date(first)}至{cn_date(last)}之间"],
    ]


@dataclass(frozen=True)
class _Lookups:
    roster: dict[str, RosterEntry]
    aspects_by_order: dict[str, Aspect]
    aspects_by_title: dict[str, Aspect]
    channels: dict[str, str]
    sources: dict[str, str]


def _lookups(meeting: Meeting) -> _Lookups:
    aspects = list(active_aspects(meeting.config_id))  # a retired aspect is refused like an unknown one
    channels = {str(label): value for value, label in Channel.choices} | {v: v for v in Channel.values}
    channels |= {"网上": Channel.ONLINE, "网络": Channel.ONLINE, "纸质": Channel.PAPER, "走访": Channel.VISIT}
    sources = {str(label): value for value, label in SourceKind.choices} | {v: v for v in SourceKind.values}
    sources["两代表一委员"] = SourceKind.DEPUTY
    return _Lookups(
        roster={e.name: e for e in RosterEntry.objects.filter(meeting=meeting)},
        aspects_by_order={str(a.order): a for a in aspects},
        aspects_by_title={a.title.strip().rstrip("；;。"): a for a in aspects},
        channels=channels,
        sources=sources,
    )


def _import_row(record: dict[str, str], look: _Lookups, campaign: Campaign, on: dt.date) -> tuple[Opinion, list]:
    errors: list[tuple[str, str]] = []
    text = record.get("意见内容", "")
    if not text:
        errors.append(("意见内容", "不能为空"))
    elif message := length_error("意见内容", MAX_TEXT, text):
        errors.append(("意见内容", message))
    target_name = record.get("对象", "").strip()
    target = None
    if not target_name:
        errors.append(("对象", "不能为空，请填“领导班子”或班子成员姓名"))
    elif target_name not in TEAM_NAMES:
        name = target_name.removesuffix("同志").strip()
        target = look.roster.get(name)
        if target is None:
            errors.append(("对象", f"“{target_name}”不是本次会议班子名单中的成员"))
    aspect = None
    aspect_text = record.get("方面", "").strip()
    if aspect_text:
        aspect = look.aspects_by_order.get(aspect_text) or look.aspects_by_title.get(aspect_text.rstrip("；;。"))
        if aspect is None:
            numbers = "、".join(sorted(look.aspects_by_order, key=int))
            errors.append(
                ("方面", f"“{aspect_text}”不是本年度的重点方面（停用的方面不能再选），请填序号（{numbers}）或标题")
            )
    channel = Channel.PAPER
    channel_text = record.get("渠道", "").strip()
    if channel_text:
        channel = look.channels.get(channel_text)
        if channel is None:
            errors.append(("渠道", f"“{channel_text}”不正确，可填：{'、'.join(str(x) for x in Channel.labels)}"))
    source = ""
    source_text = record.get("来源", "").strip()
    if source_text:
        source = look.sources.get(source_text.strip('“”"'))
        if source is None:
            errors.append(("来源", f"“{source_text}”不正确，可填：{'、'.join(str(x) for x in SourceKind.labels)}"))
    received_on = on
    date_text = record.get("日期", "").strip()
    if date_text:
        try:
            received_on = parse_date(date_text)
        except ValueError:
            received_on = None
            errors.append(("日期", f"“{date_text}”不是日期，请写成 2026-11-02"))
    if received_on is not None:
        label = "收到日期" if date_text else f"未填日期，按导入当天（{cn_date(on)}）计，"
        try:
            check_record_date(campaign.meeting, received_on, phase=Phase.PREPARATION, field="日期", label=label)
        except ValidationError as exc:
            errors.append(("日期", exc.message_dict["日期"][0]))
    opinion = Opinion(
        campaign=campaign,
        text=text,
        target=target,
        aspect=aspect,
        channel=channel or Channel.PAPER,
        source_kind=source or "",
        received_on=received_on,
    )
    return opinion, errors


@transaction.atomic
def opinions_import(*, actor: Any, campaign: Campaign, fileobj: IO[bytes] | bytes) -> int:
    """Validate every row first; import all rows or none. Errors name the row and the column:
    "第3行「对象」：…". Returns the number of opinions imported."""
    _require_edit(actor, campaign.meeting)
    try:
        rows = read_sheet(fileobj, required=("意见内容", "对象"), max_rows=MAX_IMPORT_ROWS)
    except XlsxError as exc:
        raise ValidationError({"file": exc.message}) from exc
    if not rows:
        raise ValidationError({"file": "表格中没有意见（第2行起填写，每行一条）"})
    look = _lookups(campaign.meeting)
    on = today()
    opinions, messages = [], []
    for number, record in rows:
        opinion, errors = _import_row(record, look, campaign, on)
        messages += [cell_error(number, column, message) for column, message in errors]
        opinions.append(opinion)
    if messages:
        raise ValidationError({"file": shown_errors(messages)})
    Opinion.objects.bulk_create(opinions, batch_size=500)
    audit_record(
        actor=actor,
        event_type="opinion.imported",
        obj=campaign,
        organization=campaign.meeting.organization,
        extra={"count": len(opinions)},
    )
    return len(opinions)


# --- the anonymous form ----------------------------------------------------------------------------


def ballot_hash(code: str) -> str:
    normalised = re.sub(r"[\s\-]", "", code or "").upper()
    return hashlib.sha256(normalised.encode()).hexdigest()


def _new_ballot_code() -> str:
    raw = "".join(secrets.choice(BALLOT_ALPHABET) for _ in range(BALLOT_LENGTH))
    return f"{raw[:5]}-{raw[5:]}"


@dataclass(frozen=True)
class PublicEntry:
    target: RosterEntry | None
    aspect: Aspect | None
    text: str


@transaction.atomic
def opinion_submit_public(*, campaign: Campaign, entries: Sequence[PublicEntry], ballot_code: str = "") -> int:
    """Store what the anonymous form sent. No actor, no audit event, no time finer than the date,
    nothing about the sender; a ballot code is marked spent in the same transaction, and nothing
    links it to the opinions stored. Returns the number of opinions stored."""
    on = today()
    state = campaign.form_state(on)
    if state != "open":
        raise ValidationError({"__all__": "本次征求意见目前不接受填写"})
    meeting = campaign.meeting
    entries = [e for e in entries if (e.text or "").strip()]
    if not entries:
        raise ValidationError({"__all__": "请至少填写一条意见"})
    for entry in entries:
        _check_target(meeting, entry.target, "__all__")
        _check_aspect(meeting, entry.aspect, "__all__")
        _check_text(entry.text, "__all__")
    if campaign.requires_ballot:
        if not (ballot_code or "").strip():
            raise ValidationError({"ballot_code": "请填写发给您的一次性填写码"})
        code_hash = ballot_hash(ballot_code)
        # One UPDATE: two simultaneous submissions of the same code cannot both succeed.
        spent = BallotCode.objects.filter(campaign=campaign, code_hash=code_hash, spent=False).update(spent=True)
        if not spent:
            if BallotCode.objects.filter(campaign=campaign, code_hash=code_hash).exists():
                raise ValidationError({"ballot_code": "该填写码已经使用过，每个填写码只能提交一次"})
            raise ValidationError({"ballot_code": "填写码不正确，请核对后重新输入"})
    Opinion.objects.bulk_create(
        [
            Opinion(
                id=_random_opinion_id(),
                campaign=campaign,
                text=e.text.strip(),
                target=e.target,
                aspect=e.aspect,
                channel=Channel.ONLINE,
                source_kind="",
                received_on=on,
                from_public_form=True,
                shuffle_key=_shuffle_key(),
            )
            for e in entries
        ]
    )
    return len(entries)


@transaction.atomic
def ballot_codes_issue(*, actor: Any, campaign: Campaign, count: int, group: str = "") -> list[str]:
    """New single-use codes, returned once in plain text; only their SHA-256 hashes are kept."""
    _require_edit(actor, campaign.meeting)
    if campaign.is_closed:
        raise ValidationError({"count": "征求意见已经结束，不能再生成填写码"})
    if not 1 <= count <= MAX_BALLOTS:
        raise ValidationError({"count": f"一次可生成1至{MAX_BALLOTS}个填写码"})
    if message := length_error("发放范围", text_limit(BallotCode, "group"), group.strip()):
        raise ValidationError({"group": message})
    codes: list[str] = []
    hashes: set[str] = set()
    while len(codes) < count:
        code = _new_ballot_code()
        digest = ballot_hash(code)
        if digest in hashes or BallotCode.objects.filter(code_hash=digest).exists():
            continue
        hashes.add(digest)
        codes.append(code)
    issued_on = today()
    BallotCode.objects.bulk_create(
        [BallotCode(campaign=campaign, code_hash=h, issued_on=issued_on, group=group.strip()) for h in hashes]
    )
    if not campaign.requires_ballot:
        campaign.requires_ballot = True
        campaign.save(update_fields=["requires_ballot"])
    audit_record(
        actor=actor,
        event_type="opinion.ballots_issued",
        obj=campaign,
        organization=campaign.meeting.organization,
        extra={"count": count, "group": group.strip() or "未注明范围"},
    )
    return codes


# --- grouping (归纳整理) ---------------------------------------------------------------------------


def _check_item_opinions(item: OpinionItem, opinions: Sequence[Opinion]) -> None:
    foreign = [o for o in opinions if o.campaign_id != item.campaign_id]
    if foreign:
        raise ValidationError({"opinions": "只能归入本次征求意见中的意见"})


@transaction.atomic
def item_create(
    *,
    actor: Any,
    campaign: Campaign,
    text: str,
    aspect: Aspect | None = None,
    target: RosterEntry | None = None,
    order: int | None = None,
    opinions: Sequence[Opinion] = (),
) -> OpinionItem:
    _require_edit(actor, campaign.meeting)
    meeting = campaign.meeting
    _check_target(meeting, target)
    _check_aspect(meeting, aspect)
    if order is None:
        last = OpinionItem.objects.filter(campaign=campaign).order_by("-order").values_list("order", flat=True).first()
        order = (last or 0) + 1
    text = _check_text(text, label=ITEM_LABEL, limit=ITEM_LIMIT)
    item = OpinionItem(campaign=campaign, text=text, aspect=aspect, target=target, order=order)
    _check_item_opinions(item, opinions)
    item.full_clean()
    item.save()
    Opinion.objects.filter(pk__in=[o.pk for o in opinions]).update(item=item)
    audit_record(
        actor=actor,
        event_type="created",
        obj=item,
        organization=meeting.organization,
        extra={"count": len(opinions)},
    )
    return item


@transaction.atomic
def item_update(
    *, actor: Any, item: OpinionItem, data: dict[str, Any], opinions: Sequence[Opinion] | None = None
) -> OpinionItem:
    _require_edit(actor, item.campaign.meeting)
    meeting = item.campaign.meeting
    data = {k: v for k, v in data.items() if k in ITEM_FIELDS}
    if "text" in data:
        data["text"] = _check_text(data["text"], label=ITEM_LABEL, limit=ITEM_LIMIT)
    _check_target(meeting, data.get("target"))
    _check_aspect(meeting, data.get("aspect"), current=item.aspect_id)
    changes = apply_changes(item, data)
    linked_changed = False
    if opinions is not None:
        _check_item_opinions(item, opinions)
        wanted = {o.pk for o in opinions}
        current = set(item.opinions.values_list("pk", flat=True))
        if wanted != current:
            linked_changed = True
            Opinion.objects.filter(pk__in=current - wanted).update(item=None)
            Opinion.objects.filter(pk__in=wanted - current).update(item=item)
    if changes:
        item.full_clean()
        item.save()
    if changes or linked_changed:
        audit_record(
            actor=actor,
            event_type="updated" if changes else "opinion.item_linked",
            obj=item,
            organization=meeting.organization,
            changes=changes,
            extra={"count": len(opinions) if opinions is not None else item.opinions.count()},
        )
    return item


@transaction.atomic
def item_delete(*, actor: Any, item: OpinionItem) -> None:
    _require_edit(actor, item.campaign.meeting)
    audit_record(actor=actor, event_type="deleted", obj=item, organization=item.campaign.meeting.organization)
    item.delete()  # its opinions stay, ungrouped (Opinion.item is SET_NULL)
