"""The API docs page: django-ninja's Swagger UI, always from huikuan's own static files.

django-ninja renders its CDN template unless "ninja" is an installed app; huikuan keeps it out of
INSTALLED_APPS (see settings) and finds its templates and static files directly, so this page
renders the local template itself.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from ninja.openapi.docs import Swagger

if TYPE_CHECKING:
    from ninja import NinjaAPI


class LocalSwagger(Swagger):
    def render_page(self, request: HttpRequest, api: NinjaAPI, **kwargs: Any) -> HttpResponse:
        self.settings["url"] = self.get_openapi_url(api, kwargs)
        auth = api.auth if isinstance(api.auth, list | tuple) else []
        context = {
            "swagger_settings": json.dumps(self.settings, indent=1),
            "api": api,
            "add_csrf": any(getattr(a, "csrf", False) for a in auth),
        }
        return render(request, self.template, context)
