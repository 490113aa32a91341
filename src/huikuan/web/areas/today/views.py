"""今日工作台 / Today: my worklist from the latest daily run, and "log what happened" in place."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import BigIntegerField, Count, ExpressionWrapper, F, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from huikuan.accounts.access import owners_visible_to
from huikuan.accounts.models import Role, User
from huikuan.analytics.models import DailyRun
from huikuan.collection.services.activities import ActivityError, log_activity
from huikuan.web.access import receivable_or_404
from huikuan.web.areas.today.forms import LogForm
from huikuan.web.areas.today.rows import build_rows, single_row

PAGE_SIZE = 25
# The suggested action kind → the channel the log form starts with.
ACTION_CHANNEL = {
    "call": "call",
    "message": "im",
    "visit": "visit",
    "meeting": "meeting",
    "letter": "letter",
    "demand": "letter",
}


@dataclass
class Selection:
    """Whose worklist: one owner, or everybody the viewer may see (``owner_ids`` None = all)."""

    who: str
    owner: User | None
    owner_ids: list[int] | None
    choices: list[User]


def selection(request: HttpRequest) -> Selection:
    user = request.user
    visible = owners_visible_to(user)
    if visible is None:
        candidates = User.objects.filter(is_active=True, role__in=[Role.SALESPERSON, Role.MANAGER])
    else:
        candidates = visible
    choices = list(candidates.order_by("username"))
    default = "all" if (visible is None or user.role == Role.MANAGER) else str(user.pk)
    who = request.GET.get("who") or default
    if who == "all":
        ids = None if visible is None else [u.pk for u in choices]
        return Selection("all", None, ids, choices if len(choices) > 1 else [])
    owner = next((u for u in choices if str(u.pk) == who), None)
    if owner is None and visible is None and who.isdigit():
        owner = User.objects.filter(pk=int(who)).first()
    if owner is None:
        raise Http404(_("没有这位销售"))
    return Selection(str(owner.pk), owner, [owner.pk], choices if len(choices) > 1 else [])


class CountedPaginator(Paginator):
    """A paginator told its count (from the run's totals) instead of counting the rows again."""

    def __init__(self, object_list: Any, per_page: int, count: int) -> None:
        super().__init__(object_list, per_page)
        self._known = count

    @property
    def count(self) -> int:
        return self._known


def worklist_totals(run: DailyRun, sel: Selection, statuses: Any) -> tuple[int, Decimal]:
    """Rows and open amount of the selected worklists, from the run's per-owner totals.

    The run counted them when it wrote the rows, so a team's page does not count and sum tens of
    thousands of status rows again on every request (a run without the totals is counted here).
    """
    per_owner = run.summary.get("worklists")
    if per_owner is None:
        totals = statuses.aggregate(n=Count("pk"), open=Sum("open"))
        return totals["n"], totals["open"] or Decimal(0)
    owners = (
        per_owner.items()
        if sel.owner_ids is None
        else ((str(i), per_owner.get(str(i))) for i in sel.owner_ids)
    )
    count, amount = 0, Decimal(0)
    for _owner, found in owners:
        if found:
            count += found[0]
            amount += Decimal(found[1])
    return count, amount


def _money(value: Any) -> Decimal | None:
    return Decimal(str(value)) if value not in (None, "") else None


def _entry(label: str, data: dict[str, Any]) -> dict[str, Any]:
    collected, target = _money(data.get("collected_month")), _money(data.get("target_month"))
    ratio = data.get("target_progress")
    percent = round(float(ratio) * 100, 1) if ratio is not None else None
    return {
        "label": label,
        "collected": collected,
        "target": target,
        "percent": percent,
        "bar": min(percent or 0, 100),
    }


def progress(run: DailyRun | None, sel: Selection, user: Any) -> list[dict[str, Any]]:
    """Collected vs 回款目标 this month (the run's KPIs): one owner, or the viewer's teams."""
    if run is None:
        return []
    kpis = run.summary.get("kpis", {})
    if sel.owner is not None:
        data = kpis.get("by_owner", {}).get(sel.owner.username)
        return [_entry(str(sel.owner), data or {})]
    teams = kpis.get("teams", {})
    if user.sees_everything:
        names = list(teams)
    else:
        names = [t.name for t in user.managed_teams.all() if t.name in teams]
    return [_entry(name, teams[name]) for name in names]


@login_required
@require_safe
def worklist(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    sel = selection(request)
    run = DailyRun.latest()
    context: dict[str, Any] = {
        "run": run,
        "today": today,
        "sel": sel,
        "show_owner": sel.owner is None,
        "progress": progress(run, sel, request.user),
    }
    if run is not None:
        statuses = run.statuses()
        if sel.owner is not None:
            statuses = statuses.filter(owner_id=sel.owner.pk)
        elif sel.owner_ids is not None:
            # A team, most urgent first: the owner test is written as an expression so the database
            # reads the (priority, days overdue) index in order and stops when the page is full,
            # instead of sorting every row of the team's owners.
            owner_key = ExpressionWrapper(F("owner_id") + 0, output_field=BigIntegerField())
            statuses = statuses.alias(owner_key=owner_key).filter(owner_key__in=sel.owner_ids)
        order = ("rank", "receivable_id") if sel.owner else ("-priority", "-days_overdue", "receivable_id")
        count, open_total = worklist_totals(run, sel, statuses)
        paginator = CountedPaginator(statuses.order_by(*order), PAGE_SIZE, count)
        page = paginator.get_page(request.GET.get("page"))
        context.update(
            page=page,
            rows=build_rows(request.user, run, page.object_list, today),
            open_total=open_total,
        )
    return render(request, "web/today/worklist.html", context)


def _row_response(
    request: HttpRequest, receivable: Any, form: LogForm | None, note: str = ""
) -> HttpResponse:
    today = timezone.localdate()
    row = single_row(request.user, receivable, today, DailyRun.latest())
    context = {"row": row, "receivable": receivable, "form": form, "note": note, "today": today}
    return render(request, "web/today/_row.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def log(request: HttpRequest, receivable_pk: int) -> HttpResponse:
    """GET: the form (inline for htmx); POST: record it, then show the row as it stands now."""
    receivable = receivable_or_404(request.user, receivable_pk)
    customer_id = receivable.contract.customer_id
    prefix = f"log{receivable.pk}"
    if request.method == "GET":
        initial = {"channel": ACTION_CHANNEL.get(request.GET.get("action", ""), "call")}
        if request.GET.get("contact", "").isdigit():
            initial["contact"] = int(request.GET["contact"])
        form = LogForm(customer_id=customer_id, prefix=prefix, initial=initial)
        form.fields["channel"].widget.attrs["autofocus"] = True  # htmx focuses it after the swap
        template = "web/today/_log_form.html" if request.htmx else "web/today/log.html"
        return render(
            request, template, {"form": form, "receivable": receivable, "today": timezone.localdate()}
        )
    form = LogForm(request.POST, customer_id=customer_id, prefix=prefix)
    if form.is_valid():
        try:
            logged = log_activity(request.user, receivable, form.activity_input())
        except ActivityError as exc:
            form.add_error(None, exc.message)
        else:
            note = _("已记录：%(channel)s") % {"channel": logged.activity.get_channel_display()}
            if logged.promises:
                note += _("；承诺 %(amount)s 元，%(on)s 前付款") % {
                    "amount": f"{logged.promises[0].amount:,.2f}",
                    "on": logged.promises[0].promised_on.isoformat(),
                }
            if request.htmx:
                return _row_response(request, receivable, None, note)
            messages.success(request, note)
            return redirect("home")
    if request.htmx:
        return _row_response(request, receivable, form)
    return render(request, "web/today/log.html", {"form": form, "receivable": receivable}, status=400)
