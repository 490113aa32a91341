"""回款提成 report as a page (huikuan.analytics.reports.commission_rows), only the user's salespeople."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from huikuan.analytics.models import DailyRun
from huikuan.analytics.reports import commission_rows
from huikuan.ledger.models import CommissionRate
from huikuan.web.areas.dashboards.export import wants_xlsx, xlsx_response
from huikuan.web.areas.dashboards.scope import Scope, scope_of
from huikuan.web.areas.targets.forms import parse_month

TOTAL = " 合计"


def _visible(rows: list[list[Any]], scope: Scope) -> list[list[Any]]:
    """Rows of the salespeople in ``scope``, named as people see them, each person's bands followed
    by their total (the report lists all totals last; a total row is "username 合计")."""
    bands: dict[str, list[list[Any]]] = {}
    totals: dict[str, list[Any]] = {}
    for row in rows:
        username = str(row[0])
        total = username.endswith(TOTAL)
        username = username.removesuffix(TOTAL)
        if not scope.sees(username):
            continue
        name = scope.name(username)
        if total:
            totals[username] = [f"{name}{TOTAL}", *row[1:]]
        else:
            bands.setdefault(username, []).append([name, *row[1:]])
    out: list[list[Any]] = []
    for username in sorted(set(bands) | set(totals), key=scope.name):
        out += bands.get(username, [])
        out += [totals[username]] if username in totals else []
    return out


@login_required
def commission(request: HttpRequest) -> HttpResponse:
    run = DailyRun.latest()
    as_of = run.as_of if run else timezone.localdate()
    month = parse_month(request.GET.get("month", "")) or as_of.replace(day=1)
    headers, rows = commission_rows(month, as_of)
    rows = _visible(rows, scope_of(request.user))
    headers = [_("销售"), _("逾期天数起"), _("提成比例"), _("回款"), _("提成")]
    if wants_xlsx(request):
        title = _("回款提成")
        return xlsx_response(f"{title}-{month:%Y-%m}", title, headers, rows)
    return render(
        request,
        "web/targets/commission.html",
        {
            "month": month,
            "as_of": as_of,
            "headers": headers,
            "rows": rows,
            "no_rates": not CommissionRate.objects.exists(),
        },
    )
