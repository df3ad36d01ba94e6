"""Sending reminders: each due reminder is stored once as an in-system notification and carried by
one e-mail per person and run (for those who have an address and did not turn e-mail off).

Idempotent: a reminder is keyed (person, task, step, deadline) and stored when it is sent, so a second
run sends nothing twice; what is no longer on the records (an item closed in between) is not computed,
so it is not sent. Several processes may run at once (cron and `mingjing serve`): the unique constraint
stores each reminder once, and an e-mail is sent by the run that claimed its notifications.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from mingjing.audit.services import audit_record
from mingjing.lib.dates import today
from mingjing.reminders.models import Level, Notification, Preference
from mingjing.reminders.selectors import Reminder, reminders_due

log = logging.getLogger("mingjing.reminders")

LEVEL_TAGS = {Level.RED: "【已逾期】", Level.YELLOW: "【临近时限】", Level.TODO: "【待办】"}


@dataclass
class RemindResult:
    created: int = 0  # notifications stored (in-system reminders sent)
    emails: int = 0  # e-mails handed to the mail server
    failed: list[str] = field(default_factory=list)  # addresses the mail server refused this time


def _email_users() -> dict[int, Any]:
    """Active users with an address who did not turn e-mail off."""
    off = set(Preference.objects.filter(email_enabled=False).values_list("user_id", flat=True))
    users = get_user_model().objects.filter(is_active=True).exclude(email="")
    return {u.pk: u for u in users if u.pk not in off}


@transaction.atomic
def _store_and_claim(*, actor: Any, due: list[Reminder], token: str) -> tuple[int, dict[int, list[Notification]]]:
    """Store the reminders not stored yet, and claim for e-mail those of today's reminders not mailed yet."""
    users = {r.user_id for r in due}
    stored = set(Notification.objects.filter(user_id__in=users).values_list("user_id", "what", "step", "deadline"))
    new = [
        Notification(
            user_id=r.user_id,
            what=r.what,
            step=r.step,
            deadline=r.deadline,
            level=r.level,
            text=r.text,
            mark=r.mark,
            url=r.url,
        )
        for r in due
        if r.key not in stored
    ]
    # Another run may have stored some in between: the constraint keeps one, the conflict is skipped.
    Notification.objects.bulk_create(new, ignore_conflicts=True)
    mailable = _email_users()
    wanted = {r.key for r in due if r.user_id in mailable}
    pending = [
        n.pk
        for n in Notification.objects.filter(user_id__in=mailable.keys() & users, emailed_at__isnull=True).only(
            "pk", "user_id", "what", "step", "deadline"
        )
        if (n.user_id, n.what, n.step, n.deadline) in wanted
    ]
    Notification.objects.filter(pk__in=pending, emailed_at__isnull=True).update(emailed_at=timezone.now(), claim=token)
    claimed: dict[int, list[Notification]] = {}
    for n in Notification.objects.filter(claim=token).order_by("level", "deadline", "pk"):
        claimed.setdefault(n.user_id, []).append(n)
    if new or claimed:
        audit_record(actor=actor, event_type="reminders.sent", extra={"count": len(new), "emails": len(claimed)})
    return len(new), claimed


def _body(user: Any, notes: list[Notification]) -> str:
    name = getattr(getattr(user, "person", None), "name", "") or user.first_name or user.username
    lines = [f"{name}同志：", "", "明镜中有以下事项需要您办理：", ""]
    order = [Level.RED, Level.YELLOW, Level.TODO]
    for i, n in enumerate(sorted(notes, key=lambda n: order.index(n.level)), start=1):
        mark = f"（{n.mark}）" if n.mark else ""
        where = f"{settings.BASE_URL}{n.url}" if settings.BASE_URL else f"登录明镜后打开 {n.url}"
        lines += [f"{i}. {LEVEL_TAGS.get(n.level, '')}{n.text}{mark}", f"   {where}"]
    lines += ["", "如不需要邮件提醒，可在明镜“我的提醒”页面关闭。", "（本邮件由明镜自动发送，请勿回复）"]
    return "\n".join(lines)


def remind(*, actor: Any = None, on: dt.date | None = None) -> RemindResult:
    """One reminder run: store today's new reminders and e-mail them. Run from `mingjing remind`
    (cron, a systemd timer) or periodically inside `mingjing serve`; running it twice sends nothing twice."""
    on = on or today()
    token = uuid.uuid4().hex
    created, claimed = _store_and_claim(actor=actor, due=reminders_due(on=on), token=token)
    result = RemindResult(created=created)
    users = get_user_model().objects.select_related("person").in_bulk(list(claimed))
    for user_id, notes in claimed.items():
        user = users[user_id]
        subject = f"明镜提醒：您有{len(notes)}项事项需要办理"
        if any(n.level == Level.RED for n in notes):
            subject = f"明镜提醒：您有{len(notes)}项事项需要办理（含逾期事项）"
        try:
            send_mail(subject, _body(user, notes), None, [user.email])
        except Exception:  # noqa: BLE001 - a mail server's refusal must not stop the other people's mail
            log.exception("reminder e-mail to user %s failed; it is tried again on the next run", user_id)
            Notification.objects.filter(claim=token, user_id=user_id).update(emailed_at=None, claim="")
            result.failed.append(user.email)
        else:
            result.emails += 1
    return result


@transaction.atomic
def notifications_mark_read(*, actor: Any, ids: list[int] | None = None) -> int:
    """Mark the user's unread notifications (all, or those listed) as read."""
    unread = Notification.objects.filter(user=actor, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=ids)
    count = unread.update(read_at=timezone.now())
    if count:
        audit_record(actor=actor, event_type="reminders.read", extra={"count": count})
    return count


@transaction.atomic
def reminder_settings_update(*, actor: Any, email: str, email_enabled: bool) -> Preference:
    """The person's own e-mail address and whether reminders reach him by e-mail."""
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationError({"email": "电子邮箱格式不正确，请填写如 zhangsan@example.gov.cn 的地址"}) from exc
    if len(email) > 254:
        raise ValidationError({"email": "电子邮箱不能超过254个字符"})
    if email_enabled and not email:
        raise ValidationError({"email": "接收邮件提醒须先填写电子邮箱"})
    pref, _ = Preference.objects.get_or_create(user=actor)
    actor.email = email
    actor.save(update_fields=["email"])
    pref.email_enabled = email_enabled
    pref.save(update_fields=["email_enabled"])
    audit_record(
        actor=actor,
        event_type="reminders.settings",
        obj=pref,
        extra={"email": email or "未填写", "enabled": "开启" if email_enabled else "关闭"},
    )
    return pref
