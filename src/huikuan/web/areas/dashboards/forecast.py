"""The 13-week cash forecast of the receivables a user may see.

The run's summary holds the forecast of the whole portfolio and of each owner; a salesperson's or a
manager's dashboard adds up the weeks of their salespeople. For a run from before the per-owner
figures existed, the same function (`kpis.forecast`) runs over the run's status rows of their
salespeople and their customers' pending promises; that run does not keep each overdue receivable's
expected payment day, so overdue amounts without a promise are left out and reported as one figure.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import polars as pl

from huikuan.analytics.models import DailyRun
from huikuan.collection.models import Promise
from huikuan.core.analytics import kpis
from huikuan.core.money import from_cents_int, to_cents_int
from huikuan.ledger.models import CompanySettings
from huikuan.web.areas.dashboards.data import money, scoped_statuses
from huikuan.web.areas.dashboards.scope import BaseMoney, Scope

SOURCES = ("due", "overdue", "promises", "bills")


def whole(run: DailyRun) -> list[dict[str, Any]]:
    """The run's forecast of the whole portfolio (amounts as Decimal)."""
    return [
        {
            "week_start": date.fromisoformat(week["week_start"]),
            **{k: money(week.get(k)) for k in ("total_c", *SOURCES)},
        }
        for week in run.summary.get("forecast", [])
    ]


def scoped(run: DailyRun, scope: Scope) -> tuple[list[dict[str, Any]], Decimal | None]:
    """(weeks, overdue amount left out — None when nothing is) for the salespeople in ``scope``."""
    by_owner = run.summary.get("forecast_by_owner")
    if by_owner is not None:
        return _added(run, [by_owner.get(str(owner), []) for owner in scope.owner_ids]), None
    return _recomputed(run, scope)


def _added(run: DailyRun, owners: list[list[dict[str, str]]]) -> list[dict[str, Any]]:
    weeks = [
        {
            "week_start": run.as_of + timedelta(days=7 * w),
            **dict.fromkeys(("total_c", *SOURCES), Decimal("0.00")),
        }
        for w in range(len(run.summary.get("forecast", [])))
    ]
    for owner_weeks in owners:
        for week, figures in zip(weeks, owner_weeks, strict=False):
            for key in ("total_c", *SOURCES):
                week[key] += Decimal(figures.get(key) or "0")
    return weeks


def _recomputed(run: DailyRun, scope: Scope) -> tuple[list[dict[str, Any]], Decimal]:
    as_of = run.as_of
    base = BaseMoney(as_of)
    rows = list(
        scoped_statuses(run, scope).values_list(
            "receivable_id", "owner_id", "currency", "open", "days_overdue", "risk", "receivable__due_on"
        )
    )
    rates = pl.DataFrame(
        [(c, _micro(base.rate(c))) for c in {r[2] for r in rows}],
        schema={"currency": pl.String, "rate_micro": pl.Int64},
        orient="row",
    )
    frame = pl.DataFrame(
        [(rid, owner, currency, to_cents_int(amount), days, risk, due_on)
         for rid, owner, currency, amount, days, risk, due_on in rows],
        schema={"id": pl.Int64, "owner_id": pl.Int64, "currency": pl.String, "open_c": pl.Int64,
                "days_overdue": pl.Int64, "risk": pl.Float64, "due_on": pl.Date},
        orient="row",
    )  # fmt: skip
    results = (
        frame.join(rates, on="currency", how="left")
        .filter(pl.col("rate_micro").is_not_null())  # no rate: left out of totals, as in the run
        .with_columns(
            kpis.base(pl.col("open_c")).alias("open_base_c"),
            # Overdue: the run does not keep the expected payment day (module docstring).
            pl.when(pl.col("days_overdue") > 0)
            .then(None)
            .otherwise(0.0)
            .cast(pl.Float64)
            .alias("expected_days"),
        )
    )
    outcomes, links, promises = _pending_promises(scope, as_of)
    empty = pl.DataFrame(
        schema={
            "receivable_id": pl.Int64,
            "amount_c": pl.Int64,
            "paid_on": pl.Date,
            "eff_on": pl.Date,
        }
    )
    ledger = kpis.Ledger(
        pl.DataFrame(schema={"id": pl.Int64, "rate_micro": pl.Int64, "owner_id": pl.Int64}), empty, empty
    )
    weeks = kpis.forecast(results, outcomes, links, promises, ledger, as_of)
    covered = set(links["receivable_id"].to_list())
    left_out = int(
        results.filter((pl.col("days_overdue") > 0) & ~pl.col("id").is_in(list(covered)))["open_base_c"].sum()
    )
    out = [
        {
            "week_start": w["week_start"],
            **{k: from_cents_int(int(w[k])) for k in ("total_c", *SOURCES)},  # type: ignore[call-overload]
        }
        for w in weeks
    ]
    return out, from_cents_int(left_out)


def _micro(rate: Decimal | None) -> int | None:
    return None if rate is None else int((rate * 1_000_000).to_integral_value())


def _pending_promises(scope: Scope, as_of: Any) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    grace = CompanySettings.current().promise_grace_days
    pending = Promise.objects.filter(status="pending", promised_on__gte=as_of - timedelta(days=grace))
    if not scope.everything:
        pending = pending.filter(customer__owner_id__in=scope.owner_ids)
    rows = list(pending.values_list("pk", "amount", "promised_on", "kept_amount"))
    outcomes = pl.DataFrame(
        [(pk, "pending", on + timedelta(days=grace), on, to_cents_int(kept)) for pk, _a, on, kept in rows],
        schema={
            "promise_id": pl.Int64,
            "status": pl.String,
            "deadline": pl.Date,
            "promised_on": pl.Date,
            "paid_c": pl.Int64,
        },
        orient="row",
    )
    promises = pl.DataFrame(
        [(pk, to_cents_int(amount)) for pk, amount, _o, _k in rows],
        schema={"id": pl.Int64, "amount_c": pl.Int64},
        orient="row",
    )
    links = pl.DataFrame(
        list(
            Promise.receivables.through.objects.filter(promise_id__in=[r[0] for r in rows]).values_list(
                "promise_id", "receivable_id"
            )
        ),
        schema={"promise_id": pl.Int64, "receivable_id": pl.Int64},
        orient="row",
    )
    return outcomes, links, promises
