"""报表 / Dashboards: where the money is stuck, from the latest finished daily run.

A manager sees their teams, finance and admin everybody, a salesperson their own figures (`scope`).
A published run never changes, so a user's figures are cached per run for a few minutes.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from huikuan.analytics.models import DailyRun
from huikuan.web.areas.dashboards import charts, completeness, data, forecast, tables
from huikuan.web.areas.dashboards.export import wants_xlsx, xlsx_response
from huikuan.web.areas.dashboards.scope import Scope, scope_of

CACHE_SECONDS = 300


def _figures(run: DailyRun, scope: Scope) -> dict[str, Any]:
    owners = data.owner_rows(run, scope)
    labels, aging_rows, missing = data.aging_rows(run, scope)
    promise_rows, kept = data.promise_rows(run, scope)
    if scope.everything:
        weeks, left_out = forecast.whole(run), None
    else:
        weeks, left_out = forecast.scoped(run, scope)
    items = completeness.summary(run, scope)
    return {
        "cards": data.cards(run, scope, owners, kept),
        "charts": {
            "aging": charts.aging(labels, aging_rows),
            "rates": charts.rates(owners),
            "trend": charts.trend(data.trend(scope), scope.everything),
            "forecast": charts.forecast(weeks),
            "promises": charts.promises(promise_rows),
            "completeness": charts.completeness(items),
        },
        "completeness": [
            {"key": i["check"].key, "missing": i["missing"], "total": i["total"]} for i in items
        ],
        "left_out": left_out,
        "missing_rates": sorted(missing),
        "teams": data.team_rows(run, scope),
    }


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    run = DailyRun.latest()
    context: dict[str, Any] = {"run": run}
    if run is not None:
        scope = scope_of(request.user)
        stamp = run.finished_at.timestamp() if run.finished_at else 0
        key = f"web.dashboards:{run.pk}:{stamp}:{request.user.pk}:{get_language()}"
        figures = cache.get(key)
        if figures is None:
            figures = _figures(run, scope)
            cache.set(key, figures, CACHE_SECONDS)
        for item in figures["completeness"]:
            item["check"] = completeness.BY_KEY[item["key"]]
        context.update(figures, everything=scope.everything)
    return render(request, "web/dashboards/dashboard.html", context)


@login_required
def table_view(request: HttpRequest, table: str) -> HttpResponse:
    """One table of the dashboard as a page, or as Excel with ``?export=xlsx``."""
    run = DailyRun.latest()
    if run is None:
        return render(request, "web/dashboards/table.html", {"run": None})
    scope = scope_of(request.user)
    if table.startswith("completeness_"):
        built = tables.drill_down(run, scope, request.user, table.removeprefix("completeness_"))
    else:
        built = tables.BUILDERS[table](run, scope, request.user)
    if wants_xlsx(request):
        return xlsx_response(
            f"{built.title}-{run.as_of.isoformat()}",
            built.title,
            built.export_headers(),
            built.export_rows(),
        )
    rows = list(zip(built.rows, built.hrefs or [None] * len(built.rows), strict=True))
    page = Paginator(rows, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "web/dashboards/table.html",
        {"run": run, "table": built, "page": page, "kinds": built.kinds},
    )
