"""Security headers on every response and session expiry (docs/security.md).

Django's own middleware sets X-Frame-Options, nosniff, Referrer-Policy, Cross-Origin-Opener-Policy and,
with HUIKUAN_HTTPS=1, HSTS; this module adds the Content-Security-Policy and Permissions-Policy, and logs a
user out when the session is too old or idle too long.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from huikuan.accounts.sessions import expired

# No inline script, style or event handler anywhere: pages load their code from /static/.
# Images may be data: URIs (the API docs' icons); nothing is framed and forms post only here.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        # Static files are answered by WhiteNoise before Django's clickjacking middleware runs.
        response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


class SessionExpiryMiddleware:
    """Log out a session older than SESSION_MAX_SECONDS since login, or idle for SESSION_IDLE_SECONDS.

    The next page then sends the user to the login page (with a message); the API uses tokens, not sessions.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._check(request)
        return self.get_response(request)

    def _check(self, request: HttpRequest) -> None:
        if expired(request.session, time.time()):
            logout(request)
            messages.info(request, _("登录已过期，请重新登录。"))
