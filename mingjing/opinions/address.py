"""The anonymous form's address, for its QR code on the campaign page, the printable page and the
printed 征求意见表 (docx/PDF).

The address is `MINGJING_BASE_URL` (settings.BASE_URL) when set, else the address the request came
in on (`request.build_absolute_uri`, host checked against ALLOWED_HOSTS by Django). A document is
built without a request in hand: the documents pages wrap their building in `request_address(request)`,
so the printed form carries the same code as the page; the CLI and the archive box have no request
and use MINGJING_BASE_URL only (else the form prints 【待补充】 and no code).

A loopback address (127.x, localhost, ::1) reaches only the server itself: a phone scanning it gets
nothing. The pages say so (`loopback_warning`).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

_REQUEST_BASE: ContextVar[str | None] = ContextVar("mingjing_request_base", default=None)


def site_base(request: HttpRequest | None = None) -> str | None:
    """The site's address without a trailing slash: MINGJING_BASE_URL, else the request's own
    (the one given, else the one `request_address` holds), else None."""
    configured = (getattr(settings, "BASE_URL", "") or "").strip().rstrip("/")
    if configured:
        return configured
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return _REQUEST_BASE.get()


@contextmanager
def request_address(request: HttpRequest) -> Iterator[None]:
    """While building a document for this request, `site_base()` answers with its address."""
    token = _REQUEST_BASE.set(request.build_absolute_uri("/").rstrip("/"))
    try:
        yield
    finally:
        _REQUEST_BASE.reset(token)


def public_form_url(campaign, request: HttpRequest | None = None) -> str | None:
    """The anonymous form's absolute address, or None when no address is known."""
    base = site_base(request)
    if base is None:
        return None
    return base + reverse("opinions:public_form", args=[campaign.public_token])


def is_loopback(url: str | None) -> bool:
    if not url:
        return False
    host = (urlsplit(url).hostname or "").strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def loopback_warning(url: str | None) -> str:
    """A Chinese warning when `url` points at the server itself; "" otherwise."""
    if not is_loopback(url):
        return ""
    host = urlsplit(url).netloc
    return (
        f"二维码中的地址（{host}）是服务器本机地址，手机扫码无法打开。请管理员将 MINGJING_BASE_URL "
        "设置为本单位电脑和手机都能访问的地址（如 http://192.168.1.10:8000），或从其他电脑用服务器的"
        "局域网地址打开本页后再打印。"
    )
