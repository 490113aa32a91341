"""The ledger as prediction frames: receivables as invoices, promises/confirmations/disputes/signals as
dated customer events (the frames of `schema.py`, from the daily run's `Portfolio`).

- The invoice date is ``recognised_on`` (the day the milestone became receivable); milestones not
  yet triggered on ``as_of`` are left out.
- ``settled_on`` is the day open(D) reached zero (`analytics.ledger.settlements`, bills at maturity
  when the company counts them so). A receivable closed mostly by adjustments (write-off, return:
  more than `ADJUSTED_SHARE` of its amount) is no payment and is left out altogether.
- ``disputed``: a dispute naming the receivable (directly, by contract or by customer, the rule of
  `analytics.scope`) was opened while it was open — on or before its settlement, or on or before
  ``as_of`` for one still open.
- Events: a decided promise on promised_on + grace (when its outcome became known), a sealed balance
  confirmation on the day it came back, a dispute on the day it was opened, a behaviour signal on
  the day of the activity that recorded it.
- The customer's type and funds status are today's values: the ledger keeps no history of them, so
  for old receivables in training they are a mild look-ahead (the daily run uses them as they are).
  The debt-nature verdict is not stored historically either; it enters through its dated inputs
  (broken promises, behaviour signals, confirmations, disputes).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from huikuan.core.analytics.ledger import open_cents, settlements, with_effective_dates
from huikuan.core.analytics.schema import Portfolio, RunSettings
from huikuan.core.analytics.scope import resolve
from huikuan.core.prediction.schema import EVENTS, INVOICES

ADJUSTED_SHARE = 0.05
SIGNALS = ("evasion", "refused_to_stamp", "denied_debt", "pays_others")
PROMISE_EVENTS = {"kept": "promise_kept", "partly_kept": "promise_partly_kept", "broken": "promise_broken"}


@dataclass(frozen=True)
class LedgerFrames:
    invoices: pl.DataFrame  # every triggered receivable that was paid or is open
    events: pl.DataFrame
    open_ids: pl.DataFrame  # id of the receivables open on as_of (among ``invoices``)


# A feature, not money that is added up: a float in the base currency at the latest rate is enough,
# and a currency without a rate counts as base.
AMOUNT_BASE = (pl.col("amount_c").cast(pl.Float64) / 100.0) * (
    pl.col("rate_micro").fill_null(1_000_000).cast(pl.Float64) / 1_000_000.0
)


def _rates(p: Portfolio, settings: RunSettings) -> pl.DataFrame:
    return (
        p.exchange_rates.filter(pl.col("currency") != settings.base_currency)
        .sort("effective_on")
        .group_by("currency")
        .agg(pl.col("rate_micro").last())
    )


def _disputed(p: Portfolio, rec: pl.DataFrame, as_of: date) -> pl.DataFrame:
    """receivable_id, first_dispute_on: the first dispute naming each receivable (by as_of)."""
    issues = p.issues.filter((pl.col("is_dispute") == 1) & (pl.col("opened_on") <= as_of)).select(
        "id", "customer_id", "contract_id", "receivable_id", "opened_on"
    )
    targets = rec.lazy().select("id", "contract_id", "customer_id")
    named = resolve(issues.lazy(), targets).collect()
    return named.group_by("receivable_id").agg(pl.col("opened_on").min().alias("first_dispute_on"))


def ledger_frames(p: Portfolio, as_of: date, settings: RunSettings) -> LedgerFrames:
    """The prediction frames of a portfolio on ``as_of`` (see the module doc)."""
    alloc = with_effective_dates(p.allocations, settings.bills_collected_at_maturity)
    rec = p.receivables.filter(pl.col("recognised_on").is_not_null() & (pl.col("recognised_on") <= as_of))
    opens = open_cents(rec, alloc, p.adjustments, as_of)
    settled = settlements(rec, alloc, p.adjustments, as_of)
    adjusted = (
        p.adjustments.filter(pl.col("adjusted_on") <= as_of)
        .group_by("receivable_id")
        .agg(pl.col("amount_c").sum().alias("adj_c"))
    )
    frame = (
        rec.join(opens, on="id")
        .join(settled, on="id", how="left")
        .join(adjusted, left_on="id", right_on="receivable_id", how="left")
        .join(_rates(p, settings), on="currency", how="left")
        .join(_disputed(p, rec, as_of), left_on="id", right_on="receivable_id", how="left")
        .join(
            p.customers.select(pl.col("id").alias("customer_id"), "customer_type", "funds_status"),
            on="customer_id",
            how="left",
        )
    )
    is_open = pl.col("open_c") > 0
    by_payment = pl.col("settled_on").is_not_null() & (
        pl.col("adj_c").fill_null(0) <= ADJUSTED_SHARE * pl.col("amount_c")
    )
    frame = frame.filter(is_open | by_payment).with_columns(
        pl.when(is_open).then(None).otherwise(pl.col("settled_on")).alias("settled_on")
    )
    until = pl.coalesce(pl.col("settled_on"), pl.lit(as_of))
    invoices = frame.select(
        pl.col("id"),
        pl.col("customer_id").cast(pl.String).alias("customer"),
        pl.col("customer_type").fill_null("").alias("segment"),
        pl.col("recognised_on").alias("invoice_on"),
        "due_on",
        "settled_on",
        AMOUNT_BASE.alias("amount"),
        (pl.col("first_dispute_on").is_not_null() & (pl.col("first_dispute_on") <= until)).alias("disputed"),
        pl.col("kind").fill_null(""),
        pl.lit("").alias("channel"),
        pl.col("funds_status").fill_null(""),
    ).select([pl.col(k).cast(v) for k, v in INVOICES.items()])
    return LedgerFrames(invoices, events(p, settings), frame.filter(is_open).select("id"))


def events(p: Portfolio, settings: RunSettings) -> pl.DataFrame:
    """Dated customer events (see the module doc)."""
    grace = pl.duration(days=settings.promise_grace_days)
    promises = p.promises.filter(pl.col("status").is_in(list(PROMISE_EVENTS))).select(
        "customer_id",
        (pl.col("promised_on") + grace).alias("on"),
        pl.col("status").replace_strict(PROMISE_EVENTS, return_dtype=pl.String).alias("kind"),
    )
    confirmations = p.documents.filter(
        (pl.col("kind") == "balance_confirmation")
        & pl.col("returned_on").is_not_null()
        & ~pl.col("seal_kind").fill_null("none").is_in(["none", ""])
    ).unique("id")  # a document that names several receivables is one event
    confirmations = confirmations.select(
        "customer_id", pl.col("returned_on").alias("on"), pl.lit("confirmation_returned").alias("kind")
    )
    disputes = (
        p.issues.filter(pl.col("is_dispute") == 1)
        .select("id", "customer_id", pl.col("opened_on").alias("on"))
        .unique("id")
        .select("customer_id", "on", pl.lit("dispute_opened").alias("kind"))
    )
    signals = [
        p.activities.filter(pl.col(flag) == 1).select(
            "customer_id", pl.col("on_day").alias("on"), pl.lit(flag).alias("kind")
        )
        for flag in SIGNALS
    ]
    frames = [promises, confirmations, disputes, *signals]
    out = pl.concat([f.with_columns(pl.col("on").cast(pl.Date)) for f in frames], how="vertical_relaxed")
    return out.select(pl.col("customer_id").cast(pl.String).alias("customer"), "on", "kind").cast(EVENTS)  # type: ignore[arg-type]
