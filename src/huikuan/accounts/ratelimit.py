"""Login rate limit (django-axes): which address a login comes from, and unlocking.

Five failed logins for one user name from one address lock that pair for 15 minutes (settings.AXES_*).
API tokens never pass through here: they are checked by huikuan.api.auth, not by a login form.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.http import HttpRequest


class LoginRateLimitBackend(AxesStandaloneBackend):
    """Axes' lock-out check for logins that come over HTTP.

    ``authenticate()`` without a request (the test client's ``login()``, a shell, a command) cannot be
    reached by a remote guesser, so it is not counted; every login form passes the request.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> None:  # type: ignore[override]
        if request is None:
            return None
        return super().authenticate(request, *args, **kwargs)


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: REMOTE_ADDR, or — only when the request comes from a trusted proxy
    (HUIKUAN_TRUSTED_PROXY) — the right-most X-Forwarded-For entry that is not itself a trusted proxy.

    Left-most entries are whatever the client wrote, so they are never trusted.
    """
    remote = _valid(request.META.get("REMOTE_ADDR", "")) or None
    trusted = {_valid(a) for a in settings.TRUSTED_PROXIES} - {None}
    if remote is None or remote not in trusted:
        return remote
    hops = [_valid(a) for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    for hop in reversed(hops):
        if hop is None:
            return remote  # a malformed header: count the proxy rather than a made-up address
        if hop not in trusted:
            return hop
    return remote


def unlock(username: str) -> int:
    """Clear the failed logins of ``username`` from every address; returns how many records went."""
    from axes.utils import reset

    return int(reset(username=username))


def locked_out(request: HttpRequest, original_response: Any = None, credentials: Any = None) -> Any:
    """The page shown instead of the login form while the pair is locked (HTTP 429)."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    context = {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes}
    return render(request, "registration/locked.html", context, status=429)
