"""目标 / Targets: monthly 回款目标 per salesperson and team, progress from the daily run, 回款提成.

Targets are set through `huikuan.collection.services.targets` (who may set what lives there);
collected-to-date comes from the latest finished run of that month (DESIGN §6 "Targets").
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huikuan.accounts.models import Role, Team, User
from huikuan.analytics.models import DailyRun
from huikuan.collection.models import CollectionTarget
from huikuan.collection.services.targets import (
    TargetError,
    can_set_targets,
    set_target,
    settable_teams,
    settable_users,
)
from huikuan.web.areas.dashboards.export import wants_xlsx, xlsx_response
from huikuan.web.areas.dashboards.scope import Scope, scope_of
from huikuan.web.areas.targets.forms import TargetForm, parse_month


def _month(request: HttpRequest) -> date:
    found = parse_month(request.GET.get("month", ""))
    if found is not None:
        return found
    run = DailyRun.latest()
    return (run.as_of if run else timezone.localdate()).replace(day=1)


def run_of_month(month: date) -> DailyRun | None:
    """The latest finished run inside ``month``: its KPIs are that month's figures to date."""
    return (
        DailyRun.objects.filter(
            status=DailyRun.Status.FINISHED, as_of__year=month.year, as_of__month=month.month
        )
        .order_by("-as_of", "-finished_at", "-id")
        .first()
    )


def _ratio(collected: Decimal | None, target: Decimal | None) -> float | None:
    if not target or collected is None:
        return None
    return round(float(collected / target), 6)


def _people(user: Any, scope: Scope) -> list[User]:
    people = User.objects.filter(is_active=True, role=Role.SALESPERSON).select_related("team")
    if not scope.everything:
        people = people.filter(username__in=scope.usernames)
    return list(people.order_by("team__name", "display_name", "username"))


def _teams(scope: Scope) -> list[Team]:
    teams = Team.objects.order_by("name")
    if scope.team_names is not None:
        teams = teams.filter(name__in=scope.team_names)
    return list(teams)


def progress_rows(user: Any, month: date) -> dict[str, Any]:
    scope = scope_of(user)
    run = run_of_month(month)
    kpis = run.summary.get("kpis", {}) if run else {}
    by_owner, by_team = kpis.get("by_owner", {}), kpis.get("teams", {})
    people, teams = _people(user, scope), _teams(scope)
    targets = CollectionTarget.objects.filter(month=month)
    of_user = dict(targets.filter(user__in=people).values_list("user_id", "amount"))
    of_team = dict(targets.filter(team__in=teams).values_list("team_id", "amount"))
    may_user = set(settable_users(user).values_list("pk", flat=True))
    may_team = set(settable_teams(user).values_list("pk", flat=True))
    person_rows = []
    for p in people:
        collected = by_owner.get(p.username, {}).get("collected_month") if run else None
        collected = Decimal(collected) if collected is not None else (Decimal("0.00") if run else None)
        target = of_user.get(p.pk)
        person_rows.append(
            {
                "subject": f"user:{p.pk}",
                "name": str(p),
                "team": p.team,
                "target": target,
                "collected": collected,
                "progress": _ratio(collected, target),
                "may_set": p.pk in may_user,
            }
        )
    team_rows = []
    for t in teams:
        row = by_team.get(t.name, {})
        collected = Decimal(row["collected_month"]) if row.get("collected_month") is not None else None
        target = of_team.get(t.pk)
        team_rows.append(
            {
                "subject": f"team:{t.pk}",
                "name": t.name,
                "target": target,
                "collected": collected,
                "progress": _ratio(collected, target),
                "may_set": t.pk in may_team,
            }
        )
    return {"run": run, "people": person_rows, "teams": team_rows}


@login_required
def target_list(request: HttpRequest) -> HttpResponse:
    month = _month(request)
    context = progress_rows(request.user, month)
    if wants_xlsx(request):
        rows = [
            [
                _("销售") if r in context["people"] else _("团队"),
                r["name"],
                r["target"],
                r["collected"],
                round(r["progress"] * 100, 1) if r["progress"] is not None else None,
            ]
            for r in context["people"] + context["teams"]
        ]
        headers = [_("类别"), _("名称"), _("本月目标"), _("本月回款"), _("目标完成率(%)")]
        title = _("回款目标")
        return xlsx_response(f"{title}-{month:%Y-%m}", title, headers, rows)
    context.update(
        month=month,
        prev=(month.replace(day=1) - timedelta(days=1)).replace(day=1),
        next=(month.replace(day=28) + timedelta(days=4)).replace(day=1),
        can_set=can_set_targets(request.user),
    )
    return render(request, "web/targets/list.html", context)


@login_required
@require_POST
def target_set(request: HttpRequest) -> HttpResponse:
    form = TargetForm(request.POST)
    month = parse_month(request.POST.get("month", ""))
    back = redirect(reverse("targets:list") + (f"?month={month:%Y-%m}" if month else ""))
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return back
    kind, pk = form.cleaned_data["subject"]
    subject: dict[str, Any] = {}
    if kind == "user":
        subject["user"] = settable_users(request.user).filter(pk=pk).first()
        if subject["user"] is None:
            messages.error(request, _("只能为自己团队的销售设置目标"))
            return back
    else:
        subject["team"] = settable_teams(request.user).filter(pk=pk).first()
        if subject["team"] is None:
            messages.error(request, _("只能为自己管理的团队设置目标"))
            return back
    try:
        target = set_target(request.user, form.cleaned_data["month"], form.cleaned_data["amount"], **subject)
    except TargetError as exc:
        messages.error(request, exc.message)
        return back
    name = subject.get("user") or subject.get("team")
    messages.success(
        request,
        _("已设置 %(name)s %(month)s 的回款目标：%(amount)s")
        % {"name": name, "month": f"{target.month:%Y-%m}", "amount": f"{target.amount:,.2f}"},
    )
    return back
