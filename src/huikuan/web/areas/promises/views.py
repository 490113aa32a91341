"""承诺 / Promises (E5): due today, coming up, and broken — the visible ones only."""

from __future__ import annotations

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from huikuan.accounts.access import scope_queryset
from huikuan.collection.models import Promise, PromiseStatus
from huikuan.ledger.models import CompanySettings

UPCOMING_DAYS = 30
BROKEN_DAYS = 90
LIMIT = 200


def _visible(user) -> QuerySet[Promise]:
    return (
        scope_queryset(Promise.objects.all(), user)
        .select_related("customer", "contact", "activity")
        .prefetch_related("receivables__contract")
    )


@login_required
@require_safe
def promise_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    promises = _visible(request.user)
    pending = promises.filter(status=PromiseStatus.PENDING)
    grace = CompanySettings.current().promise_grace_days
    due = list(pending.filter(promised_on__lte=today).order_by("promised_on", "id")[:LIMIT])
    for p in due:
        p.in_grace = (today - p.promised_on).days <= grace
    context = {
        "today": today,
        "grace": grace,
        "due": due,
        "upcoming": pending.filter(
            promised_on__gt=today, promised_on__lte=today + timedelta(days=UPCOMING_DAYS)
        ).order_by("promised_on", "id")[:LIMIT],
        "broken": promises.filter(
            status__in=[PromiseStatus.BROKEN, PromiseStatus.PARTLY_KEPT],
            promised_on__gte=today - timedelta(days=BROKEN_DAYS),
        ).order_by("-promised_on", "-id")[:LIMIT],
        "upcoming_days": UPCOMING_DAYS,
        "broken_days": BROKEN_DAYS,
    }
    return render(request, "web/promises/list.html", context)
