"""Session lifetime: an absolute limit from login and an idle limit (settings.SESSION_MAX_SECONDS and
SESSION_IDLE_SECONDS); huikuan.web.security.SessionExpiryMiddleware applies it on every request."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

LOGIN_AT = "huikuan_login_at"
SEEN_AT = "huikuan_seen_at"
# Move the idle clock at most once a minute: writing the session on every request would be wasteful.
SEEN_RESOLUTION = 60


@receiver(user_logged_in, dispatch_uid="huikuan.session_login_time")
def remember_login_time(sender: object, request: Any = None, **_kwargs: object) -> None:
    import time

    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = request.session[SEEN_AT] = time.time()


def expired(session: Any, now: float) -> bool:
    """Whether ``session`` is past its lifetime; otherwise moves its idle clock (a session from before
    these limits existed starts its clocks now)."""
    login_at = session.get(LOGIN_AT)
    seen_at = session.get(SEEN_AT, login_at)
    if login_at is None or seen_at is None:
        session[LOGIN_AT] = session[SEEN_AT] = now
        return False
    if now - login_at > settings.SESSION_MAX_SECONDS or now - seen_at > settings.SESSION_IDLE_SECONDS:
        return True
    if now - seen_at >= SEEN_RESOLUTION:
        session[SEEN_AT] = now
    return False
