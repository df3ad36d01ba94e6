"""Cache-Control: no-store on every response to a signed-in user.

A page with a meeting's self-criticism must not stay in the browser's or a proxy's cache after the
user signs out (等保 第三级: 剩余信息保护). Static files (served by WhiteNoise before this runs) keep
their own caching; a response that already says no-store keeps its own header.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Only a response that read the user can show something of his: the user is then cached on
        # the request (AuthenticationMiddleware). Asking here would read the session of a page that
        # must not (the anonymous opinion form).
        user = getattr(request, "_cached_user", None)
        if user is not None and user.is_authenticated and "no-store" not in response.get("Cache-Control", ""):
            # Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private
            add_never_cache_headers(response)
        return response
