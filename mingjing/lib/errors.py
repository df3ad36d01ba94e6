"""Error pages a person can read, and that set no cookie.

- 400/403/404 show the Chinese reason the code gave (`raise PermissionDenied("…")`,
  `raise Http404("…")`); Django's own English messages ("No Meeting matches the given query.")
  and messages that are not text (the resolver's) give way to a generic Chinese reason.
- 500 is a static Chinese page rendered without the request: it touches neither the session nor
  the database, whatever broke.
- No error page sends a cookie. A visitor who is not signed in (the anonymous opinion form's
  visitor, a browser asking for an icon) gets the page rendered without the request: no context
  processor runs, so nothing reads the session or makes a CSRF token. A signed-in user gets the
  site layout (it carries a CSRF token for the logout form and htmx); the token belongs to the
  CSRF cookie the browser already sent, so it is not sent back again.
- `ExpectedErrorFilter` keeps the log of an expected 4xx to its one line: Django's
  `django.request` logger attaches the traceback of every PermissionDenied.

Wired in mingjing/urls.py (handler400/403/404/500) and settings (CSRF_FAILURE_VIEW, LOGGING).
This module is imported while logging is configured, before the apps are loaded: no models here.
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.functional import Promise

NOT_FOUND = "您要找的页面不存在，或者您没有查看它的权限。"
FORBIDDEN = "您没有执行此操作的权限。"
BAD_REQUEST = "请求无法处理，请返回上一页重试。"
CSRF_FAILED = "页面已过期或来源无法确认，请返回上一页，刷新后重新提交。"

# A reason is shown only when it is written in Chinese: the project's own messages are, Django's
# (and third-party) English ones are not, and neither is a resolver's dict of tried patterns.
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def reason_of(exception: BaseException | None, default: str) -> str:
    """The Chinese message the code raised with, or `default`."""
    args = getattr(exception, "args", ())
    message = args[0] if args else None
    if isinstance(message, Promise):
        message = str(message)
    if isinstance(message, str) and _CJK.search(message):
        return message
    return default


def _signed_in(request: HttpRequest) -> bool:
    # Without a session cookie the session is not even looked at (reading it would mark it accessed).
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = getattr(request, "user", None)  # absent when the error came before AuthenticationMiddleware
    return bool(user is not None and user.is_authenticated)


def _no_cookie_refresh(request: HttpRequest) -> None:
    """Tell CsrfViewMiddleware not to (re)send the CSRF cookie with this response."""
    request.META["CSRF_COOKIE_NEEDS_UPDATE"] = False


def error_page(request: HttpRequest, template: str, status: int, reason: str) -> HttpResponse:
    context = {"reason": reason}
    if _signed_in(request):
        had_csrf_cookie = "CSRF_COOKIE" in request.META
        # messages=(): a pending message waits for the next real page (showing it here would
        # consume it and rewrite the messages cookie).
        html = render_to_string(template, {**context, "messages": ()}, request=request)
        if had_csrf_cookie:
            _no_cookie_refresh(request)
    else:
        html = render_to_string(template, context)  # no request: no context processors, no CSRF token
        _no_cookie_refresh(request)
    return HttpResponse(html, status=status)


def bad_request(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return error_page(request, "400.html", 400, reason_of(exception, BAD_REQUEST))


def permission_denied(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return error_page(request, "403.html", 403, reason_of(exception, FORBIDDEN))


def page_not_found(request: HttpRequest, exception: BaseException | None = None) -> HttpResponse:
    return error_page(request, "404.html", 404, reason_of(exception, NOT_FOUND))


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: Django's reason is English and technical; the user needs what to do."""
    return error_page(request, "403.html", 403, CSRF_FAILED)


_SERVER_ERROR_FALLBACK = (
    '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>系统出错 · 明镜</title></head>'
    "<body><h1>系统出错</h1><p>服务器处理请求时出错，已记录在服务器日志中。请稍后重试；"
    '如果问题持续出现，请联系系统管理员。</p><p><a href="/">返回首页</a></p></body></html>'
)


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: rendered without the request, so a broken session or database cannot break it."""
    _no_cookie_refresh(request)
    try:
        html = render_to_string("500.html")
    except Exception:  # the page that reports an error must not raise one
        logging.getLogger("mingjing").exception("500.html could not be rendered")
        html = _SERVER_ERROR_FALLBACK
    return HttpResponse(html, status=500)


class ExpectedErrorFilter(logging.Filter):
    """On the console handler: a record about a 4xx response (django.request, django.security.*) is
    expected (a refused permission, a missing page, a bad request) and keeps its one line; only
    5xx keep their traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        status = getattr(record, "status_code", None)
        if isinstance(status, int) and status < 500:
            record.exc_info = None
            record.exc_text = None
        return True
