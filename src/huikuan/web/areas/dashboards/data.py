"""The dashboard's figures: read from the latest finished daily run, narrowed to the user's scope.

Per-salesperson KPIs and team figures come from ``DailyRun.summary`` (DESIGN §6 definitions, computed
once by the run); aging by salesperson from the run's status rows; the promise-kept rate per
salesperson applies the run's KPI function (`kpis.promise_kept`) to the promises the run decided.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl
from django.db.models import Sum

from huikuan.analytics.models import DailyRun
from huikuan.collection.models import Promise
from huikuan.core.analytics import kpis
from huikuan.core.analytics.aging import bucket_labels
from huikuan.ledger.models import CompanySettings
from huikuan.web.areas.dashboards.scope import BaseMoney, Scope, usernames_by_id

TREND_RUNS = 90


def money(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def buckets() -> list[str]:
    limits = CompanySettings.current().aging_buckets or []
    return bucket_labels(tuple(int(x) for x in limits)) if limits else bucket_labels()


def owner_rows(run: DailyRun, scope: Scope) -> list[dict[str, Any]]:
    """One row per salesperson the user may see: this month's rate, collected, target, open, overdue."""
    by_owner = run.summary.get("kpis", {}).get("by_owner", {})
    rows = []
    for username, row in by_owner.items():
        if not scope.sees(username):
            continue
        rows.append(
            {
                "username": username,
                "name": scope.name(username),
                "rate": row.get("collection_rate_month"),
                "collected": money(row.get("collected_month")),
                "target": money(row.get("target_month")),
                "progress": row.get("target_progress"),
                "n_open": row.get("receivables_open", 0),
                "open": money(row.get("amount_open")),
                "overdue": money(row.get("amount_overdue")),
                "overdue_ratio": row.get("overdue_ratio"),
            }
        )
    return sorted(rows, key=lambda r: r["name"])


def team_rows(run: DailyRun, scope: Scope) -> list[dict[str, Any]]:
    teams = run.summary.get("kpis", {}).get("teams", {})
    rows = []
    for name, row in teams.items():
        if scope.team_names is not None and name not in scope.team_names:
            continue
        rows.append(
            {
                "name": name,
                "members": [scope.name(m) for m in row.get("members", [])],
                "collected": money(row.get("collected_month")),
                "target": money(row.get("target_month")),
                "progress": row.get("target_progress"),
                "open": money(row.get("amount_open")),
                "overdue": money(row.get("amount_overdue")),
            }
        )
    return rows


def scoped_statuses(run: DailyRun, scope: Scope) -> Any:
    rows = run.statuses()
    return rows if scope.everything else rows.filter(owner_id__in=scope.owner_ids)


def aging_rows(run: DailyRun, scope: Scope) -> tuple[list[str], list[dict[str, Any]], set[str]]:
    """(bucket keys, one row per salesperson with base-currency open amount per bucket, currencies
    without a rate)."""
    labels = buckets()
    grouped = (
        scoped_statuses(run, scope)
        .values("owner_id", "bucket", "currency")
        .annotate(total=Sum("open"))
        .order_by()
    )
    base = BaseMoney(run.as_of)
    sums: dict[int | None, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(labels, Decimal("0.00")))
    for row in grouped:
        amounts = sums[row["owner_id"]]
        key = row["bucket"] if row["bucket"] in amounts else labels[-1]
        amounts[key] += base.convert(row["total"], row["currency"])
    names = usernames_by_id(set(sums))
    rows = [
        {
            "username": names.get(owner, str(owner)),
            "name": scope.name(names.get(owner)),
            "buckets": amounts,
            "total": sum(amounts.values(), Decimal("0.00")),
        }
        for owner, amounts in sums.items()
    ]
    return labels, sorted(rows, key=lambda r: r["name"]), base.missing


def promise_rows(run: DailyRun, scope: Scope) -> tuple[list[dict[str, Any]], float | None]:
    """Promise-kept rate per salesperson (the customer's owner) over the run's 90-day window, and
    over the whole scope."""
    start = run.as_of - timedelta(days=kpis.KPI_WINDOW_DAYS)
    promises = Promise.objects.filter(promised_on__gt=start, promised_on__lte=run.as_of)
    if not scope.everything:
        promises = promises.filter(customer__owner_id__in=scope.owner_ids)
    data = list(promises.values_list("customer__owner_id", "promised_on", "status"))
    frame = pl.DataFrame(
        data, schema={"owner_id": pl.Int64, "promised_on": pl.Date, "status": pl.String}, orient="row"
    )
    names = usernames_by_id(set(frame["owner_id"].to_list()))
    rows = []
    for (owner,), group in frame.group_by("owner_id"):
        decided = group.filter(pl.col("status") != "pending")
        rows.append(
            {
                "name": scope.name(names.get(owner)),
                "rate": kpis.promise_kept(group, run.as_of),
                "decided": decided.height,
                "kept": int((decided["status"] == "kept").sum()),
                "pending": group.height - decided.height,
            }
        )
    return sorted(rows, key=lambda r: r["name"]), kpis.promise_kept(frame, run.as_of)


def trend(scope: Scope, limit: int = TREND_RUNS) -> list[dict[str, Any]]:
    """One point per day with a finished run (its latest run), oldest first.

    Everything: DSO, best possible DSO and CEI of the whole portfolio. Otherwise: the open and
    overdue amounts of the salespeople in scope (the company-wide DSO is not theirs to see).
    """
    runs = DailyRun.objects.filter(status=DailyRun.Status.FINISHED).order_by("-as_of", "-finished_at", "-id")
    if scope.everything:
        fields = ("as_of", "summary__kpis__dso", "summary__kpis__best_possible_dso", "summary__kpis__cei")
    else:
        fields = ("as_of", "summary__kpis__by_owner")
    seen: set[date] = set()
    points = []
    for row in runs.values_list(*fields).iterator(chunk_size=50):
        if row[0] in seen:
            continue
        seen.add(row[0])
        if scope.everything:
            points.append({"as_of": row[0], "dso": row[1], "best": row[2], "cei": row[3]})
        else:
            mine = [v for k, v in (row[1] or {}).items() if scope.sees(k)]
            points.append(
                {
                    "as_of": row[0],
                    "open": sum((money(v.get("amount_open")) or 0 for v in mine), Decimal("0.00")),
                    "overdue": sum((money(v.get("amount_overdue")) or 0 for v in mine), Decimal("0.00")),
                    "collected": sum((money(v.get("collected_month")) or 0 for v in mine), Decimal("0.00")),
                }
            )
        if len(points) >= limit:
            break
    return points[::-1]


def cards(run: DailyRun, scope: Scope, owners: list[dict[str, Any]], kept: float | None) -> dict[str, Any]:
    """The headline figures."""
    kpi = run.summary.get("kpis", {})
    if scope.everything:
        totals = run.summary.get("totals", {})
        return {
            "open": money(totals.get("amount_open")),
            "overdue": money(totals.get("amount_overdue")),
            "collected": money(kpi.get("collected_month")),
            "rate": kpi.get("collection_rate_month"),
            "dso": kpi.get("dso"),
            "cei": kpi.get("cei"),
            "kept": kpi.get("promise_kept_rate"),
            "target": None,
            "progress": None,
        }
    targets = [r["target"] for r in owners if r["target"] is not None]
    collected = sum((r["collected"] or 0 for r in owners), Decimal("0.00"))
    target = sum(targets, Decimal("0.00")) if targets else None
    return {
        "open": sum((r["open"] or 0 for r in owners), Decimal("0.00")),
        "overdue": sum((r["overdue"] or 0 for r in owners), Decimal("0.00")),
        "collected": collected,
        # A rate of several people needs their denominators, which the summary does not keep.
        "rate": owners[0]["rate"] if len(owners) == 1 else None,
        "dso": None,
        "cei": None,
        "kept": kept,
        "target": target,
        "progress": round(float(collected / target), 6) if target else None,
    }
