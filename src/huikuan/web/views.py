"""Site-wide endpoints (the pages live in huikuan.web.areas)."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse


def health(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})
