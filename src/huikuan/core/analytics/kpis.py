"""KPIs of DESIGN §6 over frames, in integer cents of the base currency; rates are fractions.

- 回款率 of the month: money applied from the month's first day to as_of to the receivables in
  the denominator ÷ (open at the month's start of receivables already due + open at the month's
  start of receivables falling due in the month up to as_of); receivables count once recognised.
- DSO (countback): the open AR of recognised receivables (untriggered milestones and retention not
  yet due excluded) is matched against the amounts recognised month by month backwards from
  as_of; full months count their days, the last one its share.
- CEI over the last 90 days = (opening AR + recognised − closing AR) ÷ (opening AR + recognised −
  closing current AR); ADD = DSO − best possible DSO (the countback of current AR only).
- Promise-kept rate: promises due in the 90 days up to as_of and decided (grace over or paid):
  kept in full by their date + grace ÷ decided.
- Overdue ratio: overdue open ÷ open.
"""

from __future__ import annotations

import calendar as _cal
from dataclasses import dataclass, field
from datetime import date, timedelta

import polars as pl

from huikuan.core.analytics.ledger import open_cents

KPI_WINDOW_DAYS = 90
MAX_COUNTBACK_MONTHS = 240


@dataclass
class Ledger:
    """All receivables with their base-currency rate, and allocations/adjustments with ``eff_on``."""

    receivables: pl.DataFrame  # id, owner_id, kind, amount_c, recognised_on, due_on, rate_micro
    allocations: pl.DataFrame
    adjustments: pl.DataFrame
    opens: dict[date, pl.DataFrame] = field(default_factory=dict)  # open(D) per day asked


def base(expr: pl.Expr) -> pl.Expr:
    """Cents in the receivable's currency → base-currency cents, half up (``rate_micro`` column)."""
    scaled = expr * pl.col("rate_micro")
    return (
        pl.when(scaled >= 0)
        .then((scaled + 500_000) // 1_000_000)
        .otherwise(-((-scaled + 500_000) // 1_000_000))
    )


def _open_on(ledger: Ledger, day: date) -> pl.DataFrame:
    if day not in ledger.opens:
        frame = open_cents(ledger.receivables, ledger.allocations, ledger.adjustments, day)
        ledger.opens[day] = ledger.receivables.join(frame, on="id").with_columns(
            base(pl.col("open_c")).alias("open_b")
        )
    return ledger.opens[day]


def _ratio(num: int, den: int) -> float | None:
    return round(num / den, 6) if den else None


def collection_rate(ledger: Ledger, as_of: date, by: str | None = "owner_id") -> pl.DataFrame:
    """``collected_c`` (applied in the month to the denominator's receivables), ``due_c`` and ``rate``."""
    start = as_of.replace(day=1)
    before = _open_on(ledger, start - timedelta(days=1))
    recognised = pl.col("recognised_on").is_not_null() & (pl.col("recognised_on") <= as_of)
    in_scope = before.filter(recognised & (pl.col("due_on") <= as_of) & (pl.col("open_b") > 0))
    paid = (
        ledger.allocations.filter((pl.col("eff_on") >= start) & (pl.col("eff_on") <= as_of))
        .join(in_scope.select("id", "rate_micro"), left_on="receivable_id", right_on="id")
        .with_columns(base(pl.col("amount_c")).alias("paid_b"))
        .group_by("receivable_id")
        .agg(pl.col("paid_b").sum())
    )
    frame = in_scope.join(paid, left_on="id", right_on="receivable_id", how="left")
    keys = [by] if by else []
    out = frame.group_by(keys or pl.lit(0)).agg(
        pl.col("paid_b").fill_null(0).sum().alias("collected_c"), pl.col("open_b").sum().alias("due_c")
    )
    return out.with_columns(
        pl.when(pl.col("due_c") > 0).then((pl.col("collected_c") / pl.col("due_c")).round(6)).alias("rate")
    )


def _countback(ar: int, monthly: dict[date, int], as_of: date) -> float:
    if ar <= 0:
        return 0.0
    days = 0.0
    month = as_of.replace(day=1)
    remaining = ar
    for k in range(MAX_COUNTBACK_MONTHS):
        length = as_of.day if k == 0 else _cal.monthrange(month.year, month.month)[1]
        sales = monthly.get(month, 0)
        if sales >= remaining and sales > 0:
            return round(days + length * remaining / sales, 1)
        days += length
        remaining -= max(sales, 0)
        month = (month - timedelta(days=1)).replace(day=1)
    return round(days, 1)


def dso(ledger: Ledger, results: pl.DataFrame, as_of: date) -> tuple[float, float]:
    """(DSO, best possible DSO) by the countback method (module docstring)."""
    included = ledger.receivables.filter(
        pl.col("recognised_on").is_not_null()
        & (pl.col("recognised_on") <= as_of)
        & ~((pl.col("kind") == "retention") & (pl.col("due_on") > as_of))
    )
    monthly = (
        included.with_columns(
            pl.col("recognised_on").dt.truncate("1mo").alias("m"), base(pl.col("amount_c")).alias("b")
        )
        .group_by("m")
        .agg(pl.col("b").sum())
    )
    sales = dict(monthly.iter_rows())
    ar_rows = results.join(included.select("id"), on="id", how="semi")
    ar = int(ar_rows["open_base_c"].fill_null(0).sum())
    current = int(ar_rows.filter(pl.col("days_overdue") <= 0)["open_base_c"].fill_null(0).sum())
    return _countback(ar, sales, as_of), _countback(current, sales, as_of)


def cei(ledger: Ledger, results: pl.DataFrame, as_of: date) -> float | None:
    start = as_of - timedelta(days=KPI_WINDOW_DAYS)
    rec = pl.col("recognised_on")
    opening = int(_open_on(ledger, start).filter(rec.is_not_null() & (rec <= start))["open_b"].sum())
    recognised = int(
        ledger.receivables.filter(rec.is_not_null() & (rec > start) & (rec <= as_of))
        .select(base(pl.col("amount_c")).sum())
        .item()
        or 0
    )
    fired = results.filter(pl.col("recognised_on").is_not_null() & (pl.col("recognised_on") <= as_of))
    closing = int(fired["open_base_c"].fill_null(0).sum())
    current = int(fired.filter(pl.col("days_overdue") <= 0)["open_base_c"].fill_null(0).sum())
    return _ratio(opening + recognised - closing, opening + recognised - current)


def promise_kept(outcomes: pl.DataFrame, as_of: date, by: pl.DataFrame | None = None) -> float | None:
    start = as_of - timedelta(days=KPI_WINDOW_DAYS)
    due = outcomes.filter(
        (pl.col("promised_on") > start) & (pl.col("promised_on") <= as_of) & (pl.col("status") != "pending")
    )
    return _ratio(int((due["status"] == "kept").sum()), due.height)


def collected(ledger: Ledger, start: date, end: date) -> pl.DataFrame:
    """Allocations counted in [start, end] with the receivable's owner, due date and base amount."""
    return (
        ledger.allocations.filter((pl.col("eff_on") >= start) & (pl.col("eff_on") <= end))
        .join(
            ledger.receivables.select("id", "owner_id", "due_on", "rate_micro"),
            left_on="receivable_id",
            right_on="id",
        )
        .filter(pl.col("rate_micro").is_not_null())
        .with_columns(base(pl.col("amount_c")).alias("b"))
    )


def commission(ledger: Ledger, rates: pl.DataFrame, month: date, as_of: date) -> pl.DataFrame:
    """回款提成 per owner for ``month`` (to as_of): each allocation × the rate of its lateness band.

    Lateness = the day the money counted − the due date; the band is the highest ``min_days_late``
    not above it. Each allocation's commission is rounded half up to the cent, then summed.
    """
    end = min(as_of, month.replace(day=_cal.monthrange(month.year, month.month)[1]))
    money = collected(ledger, month, end).with_columns(
        (pl.col("eff_on") - pl.col("due_on")).dt.total_days().alias("days_late")
    )
    if rates.height == 0:
        money = money.with_columns(
            pl.lit(0, dtype=pl.Int64).alias("rate_micro_c"), pl.lit(None, dtype=pl.Int64).alias("band")
        )
    else:
        bands = rates.sort("min_days_late").select(
            pl.col("min_days_late").alias("band"), pl.col("rate_micro").alias("rate_micro_c")
        )
        money = money.sort("days_late").join_asof(
            bands, left_on="days_late", right_on="band", strategy="backward"
        )
    scaled = pl.col("b") * pl.col("rate_micro_c").fill_null(0)
    money = money.with_columns(
        pl.when(scaled >= 0)
        .then((scaled + 500_000) // 1_000_000)
        .otherwise(-((-scaled + 500_000) // 1_000_000))
        .alias("c")
    )
    return (
        money.group_by("owner_id", "band")
        .agg(pl.col("b").sum().alias("collected_c"), pl.col("c").sum().alias("commission_c"))
        .sort("owner_id", "band", nulls_last=True)
    )


def forecast(results: pl.DataFrame, outcomes: pl.DataFrame, links: pl.DataFrame, promises: pl.DataFrame,
             ledger: Ledger, as_of: date, weeks: int = 13) -> list[dict[str, object]]:  # fmt: skip
    """13-week cash forecast: pending promises (and plan instalments), open receivables at the
    prediction model's pay date when there is one, else by due date or expected pay date, weighted
    by 1 − risk, and bills maturing."""
    return forecast_weeks(forecast_cash(results, outcomes, links, promises, ledger, as_of), as_of, weeks)


def forecast_by_owner(
    cash: pl.DataFrame, as_of: date, weeks: int = 13
) -> dict[int | None, list[dict[str, object]]]:
    """The weeks of `forecast_cash` per owner; the owners' weeks add up to the whole forecast."""
    return {
        owner: forecast_weeks(part, as_of, weeks)
        for (owner,), part in cash.partition_by("owner_id", as_dict=True, maintain_order=True).items()
    }


def forecast_cash(results: pl.DataFrame, outcomes: pl.DataFrame, links: pl.DataFrame, promises: pl.DataFrame,
                  ledger: Ledger, as_of: date) -> pl.DataFrame:  # fmt: skip
    """Every expected payment as (owner_id, on, b — base cents, source); see `forecast`. A promise
    counts for the owner of the first receivable it names, a bill for its receivable's owner."""
    pending = outcomes.filter((pl.col("status") == "pending") & (pl.col("deadline") >= as_of))
    promised = (
        pending.join(promises.select(pl.col("id").alias("promise_id"), "amount_c"), on="promise_id")
        .join(
            links.join(
                results.select(pl.col("id").alias("receivable_id"), "rate_micro", "owner_id"),
                on="receivable_id",
            )
            .group_by("promise_id")
            .agg(pl.col("rate_micro").first(), pl.col("owner_id").first()),
            on="promise_id",
        )
        .select(
            "owner_id",
            pl.max_horizontal(pl.col("promised_on"), pl.lit(as_of)).alias("on"),
            base(pl.col("amount_c") - pl.col("paid_c")).alias("b"),
            pl.lit("promises").alias("source"),
        )
    )
    covered = links.join(pending.select("promise_id"), on="promise_id").select("receivable_id").unique()
    by_rule = (
        pl.when(pl.col("days_overdue") <= 0)
        .then(pl.col("due_on"))
        .otherwise(pl.lit(as_of) + pl.duration(days=pl.col("expected_days").round(0).cast(pl.Int64)))
    )
    # The prediction model's pay date, where the run has one (`huikuan.core.prediction.apply`).
    on = pl.coalesce(pl.col("model_pay_on"), by_rule) if "model_pay_on" in results.columns else by_rule
    expected = (
        results.join(covered, left_on="id", right_on="receivable_id", how="anti")
        .filter(pl.col("open_base_c").is_not_null())
        .select(
            "owner_id",
            on.alias("on"),
            (pl.col("open_base_c") * (1.0 - pl.col("risk"))).round(0).cast(pl.Int64).alias("b"),
            pl.when(pl.col("days_overdue") <= 0)
            .then(pl.lit("due"))
            .otherwise(pl.lit("overdue"))
            .alias("source"),
        )
    )
    bills = (
        ledger.allocations.filter((pl.col("paid_on") <= as_of) & (pl.col("eff_on") > as_of))
        .join(
            ledger.receivables.select("id", "rate_micro", "owner_id"), left_on="receivable_id", right_on="id"
        )
        .select(
            "owner_id",
            pl.col("eff_on").alias("on"),
            base(pl.col("amount_c")).alias("b"),
            pl.lit("bills").alias("source"),
        )
    )
    return pl.concat([promised, expected, bills], how="vertical_relaxed")


def forecast_weeks(cash: pl.DataFrame, as_of: date, weeks: int = 13) -> list[dict[str, object]]:
    """Sum `forecast_cash` rows into weeks starting at as_of, per source."""
    dated = cash.with_columns(((pl.col("on") - pl.lit(as_of)).dt.total_days() // 7).alias("week"))
    sums = dated.filter(pl.col("week") < weeks).group_by("week", "source").agg(pl.col("b").sum())
    table = {(w, s): int(b) for w, s, b in sums.iter_rows()}
    out = []
    for w in range(weeks):
        parts = {s: table.get((w, s), 0) for s in ("due", "overdue", "promises", "bills")}
        out.append({"week_start": as_of + timedelta(days=7 * w), "total_c": sum(parts.values()), **parts})
    return out


def statutory(results: pl.DataFrame, as_of: date, rates: dict[str, object]) -> pl.DataFrame:
    """账龄分析表 per customer: open (base) by recognition band; unrecognised milestones left out."""
    from huikuan.core.analytics.aging import statutory_band_expr

    fired = results.filter(pl.col("recognised_on").is_not_null() & (pl.col("recognised_on") <= as_of))
    return (
        fired.with_columns(statutory_band_expr(as_of).alias("band"))
        .group_by("customer_id", "band")
        .agg(pl.col("open_base_c").fill_null(0).sum().alias("open_c"))
    )
