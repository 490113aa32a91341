"""The latest finished daily run: its status rows, each salesperson's worklist and the KPIs."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Query, Router

from huikuan.analytics.models import DailyRun, StatusRow
from huikuan.api.auth import Principal, need, scoped, visible_owner_ids
from huikuan.api.errors import ERRORS, ApiError
from huikuan.api.schemas.analytics import KpiOut, ResultFilter, RunOut, WorklistFilter
from huikuan.api.schemas.pages import StatusRowPage
from huikuan.core.reasons import Reason, describe
from huikuan.ledger.models import Customer

router = Router(tags=["daily run 每日运行结果"])


def latest_run() -> DailyRun:
    run = DailyRun.latest()
    if run is None:
        raise ApiError(404, "no_daily_run", "还没有完成的每日运行")
    return run


def _rows(run: DailyRun, who: Principal) -> QuerySet:
    rows = run.statuses()
    if who.user is not None and not who.sees_everything:
        rows = rows.filter(customer_id__in=scoped(Customer.objects.all(), who).values("pk"))
    return rows


def row_out(run: DailyRun, row: StatusRow, names: dict[int, str]) -> dict[str, Any]:
    explained = row.explained(run)
    reasons = [
        {**r, "message": describe(Reason(r["code"], r["params"]), "zh-hans")} for r in explained["reasons"]
    ]
    return {
        "receivable_id": row.receivable_id,
        "customer_id": row.customer_id,
        "customer_name": names.get(row.customer_id, ""),
        "owner_id": row.owner_id,
        "rank": row.rank,
        "open": row.open,
        "currency": row.currency,
        "days_overdue": row.days_overdue,
        "bucket": row.bucket,
        "nature": row.nature,
        "risk": row.risk,
        "priority": row.priority,
        "strategy": row.strategy,
        "action_kind": row.action_kind,
        "action_on": row.action_on,
        "contact_role": row.contact_role,
        "contact_id": row.contact_id,
        "pause_until": row.pause_until,
        "limitation_expires_on": row.limitation_expires_on,
        "gaps": [{"code": code, "severity": severity} for code, severity in explained["gaps"]],
        "rank_reasons": list(explained["rank_reasons"]),
        "reasons": reasons,
    }


def _page(run: DailyRun, rows: QuerySet, limit: int, offset: int) -> dict[str, Any]:
    chunk = list(rows[offset : offset + limit])
    names = dict(Customer.objects.filter(pk__in={r.customer_id for r in chunk}).values_list("pk", "name"))
    return {
        "run_id": run.pk,
        "as_of": run.as_of.isoformat(),
        "items": [row_out(run, r, names) for r in chunk],
        "count": rows.count(),
        "limit": limit,
        "offset": offset,
    }


@router.get("/daily-run", response={200: RunOut, **ERRORS})
def daily_run(request: HttpRequest) -> dict[str, Any]:
    who = need(request, "read")
    run = latest_run()
    company = who.sees_everything
    return {
        "id": run.pk,
        "as_of": run.as_of,
        "status": run.status,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "calendar_note": run.calendar_note,
        "totals": run.summary.get("totals") if company else None,
        "aging": run.summary.get("aging") if company else None,
    }


@router.get("/daily-run/results", response={200: StatusRowPage, **ERRORS})
def daily_results(request: HttpRequest, filters: Query[ResultFilter]) -> dict[str, Any]:
    """Every open receivable as the latest run judged it (status, next action and why)."""
    who = need(request, "read")
    run = latest_run()
    rows = _rows(run, who)
    if filters.customer is not None:
        rows = rows.filter(customer_id=filters.customer)
    if filters.owner is not None:
        rows = rows.filter(owner_id=filters.owner)
    if filters.strategy:
        rows = rows.filter(strategy=filters.strategy)
    if filters.overdue_only:
        rows = rows.filter(days_overdue__gt=0)
    return _page(run, rows.order_by("customer_id", "receivable_id"), filters.limit, filters.offset)


@router.get("/worklist", response={200: StatusRowPage, **ERRORS})
def worklist(request: HttpRequest, filters: Query[WorklistFilter]) -> dict[str, Any]:
    """Each salesperson's list in the run's order (rank 1 first)."""
    who = need(request, "read")
    run = latest_run()
    rows = _rows(run, who)
    if filters.owner is not None:
        rows = rows.filter(owner_id=filters.owner)
    if filters.due_only:
        rows = rows.filter(action_on__lte=run.as_of)
    return _page(run, rows.order_by("owner_id", "rank"), filters.limit, filters.offset)


@router.get("/kpis", response={200: KpiOut, **ERRORS})
def kpis(request: HttpRequest) -> dict[str, Any]:
    """KPIs of the latest run: the caller's own figures, their teams', and the company's if they see all."""
    who = need(request, "read")
    run = latest_run()
    summary = run.summary.get("kpis", {})
    owners = visible_owner_ids(who)
    by_owner: dict[str, Any] = summary.get("by_owner", {})
    teams: dict[str, Any] = summary.get("teams", {})
    if owners is not None:
        from huikuan.accounts.models import User

        names = set(User.objects.filter(pk__in=owners).values_list("username", flat=True))
        by_owner = {k: v for k, v in by_owner.items() if k in names}
        teams = {k: v for k, v in teams.items() if set(v.get("members", [])) <= names and v.get("members")}
    company = {k: v for k, v in summary.items() if k not in ("by_owner", "teams")}
    return {
        "run_id": run.pk,
        "as_of": run.as_of,
        "company": company if who.sees_everything else None,
        "by_owner": by_owner,
        "teams": teams,
    }
