"""Upload size limits checked before the request body is read.

Django parses a multipart body the first time ``request.POST`` or ``request.FILES`` is touched —
by the CSRF middleware, before the view runs. An upload view that must refuse an oversized file
without receiving it is therefore CSRF-exempt on the outside, checks ``Content-Length`` (all a
WSGI server will hand Django, so it cannot be exceeded), and only then runs its CSRF-protected
inner view, which parses the body.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

MB = 1024 * 1024
# Room for the multipart framing and the small form fields sent with the file.
FORM_OVERHEAD = 64 * 1024


def declared_size(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def too_large_message(size: int, limit: int, hint: str = "") -> str:
    text = _("文件过大：最大 %(limit)d MB，本次上传 %(size).1f MB") % {
        "limit": limit // MB,
        "size": size / MB,
    }
    return f"{text}{hint}"


def refuse_oversized(
    limit: Callable[[], int], refused: Callable[..., HttpResponse]
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Wrap a POST upload view: a body declared larger than ``limit()`` is answered by
    ``refused(request, size, *args, **kwargs)`` without being read (it checks access itself);
    anything else goes to the view, CSRF-checked. Put it under ``login_required``."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            size = declared_size(request)
            if request.method == "POST" and size > limit() + FORM_OVERHEAD:
                return refused(request, size, *args, **kwargs)
            return protected(request, *args, **kwargs)

        return csrf_exempt(wrapper)

    return decorate
