"""我的提醒: the notifications a person received, the count in the top bar, his e-mail setting."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from mingjing.lib.views import form_page
from mingjing.reminders.forms import ReminderSettingsForm
from mingjing.reminders.models import Preference
from mingjing.reminders.selectors import notifications_for_user, unread_count
from mingjing.reminders.services import notifications_mark_read, reminder_settings_update

LIMIT = 100


def _preference(user) -> Preference:
    return Preference.objects.filter(user=user).first() or Preference(user=user)


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notes = notifications_for_user(user=request.user, limit=LIMIT)
    context = {
        "notes": notes,
        "unread": sum(1 for n in notes if n.read_at is None),
        "limit": LIMIT,
        "preference": _preference(request.user),
    }
    return render(request, "reminders/list.html", context)


@login_required
def notification_count(request: HttpRequest) -> HttpResponse:
    return render(request, "reminders/count.html", {"count": unread_count(user=request.user)})


@login_required
@require_POST
def mark_read(request: HttpRequest) -> HttpResponse:
    count = notifications_mark_read(actor=request.user)
    if count:
        messages.success(request, f"已将{count}条提醒标为已读")
    return redirect("reminders:list")


@login_required
def reminder_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    initial = {"email": user.email, "email_enabled": _preference(user).email_enabled and bool(user.email)}
    form = ReminderSettingsForm(request.POST or None, initial=initial)
    return form_page(
        request,
        form=form,
        save=lambda data: reminder_settings_update(
            actor=user, email=data["email"], email_enabled=data["email_enabled"]
        ),
        success="提醒设置已保存",
        next_url="reminders:list",
        template="reminders/settings.html",
    )
