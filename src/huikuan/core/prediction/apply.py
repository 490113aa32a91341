"""The trained model applied to the open receivables on ``as_of`` (the daily run, the customer page).

Features are taken on ``as_of`` (in collection: a dispute opened so far counts), with everybody's
cell means frozen at training (`effects.CellStats`), so one customer's answers need only that
customer's rows: the customer page and the daily run agree. Per receivable:

- ``pay_on`` = due date + predicted delay (never before the invoice date); ``pay_low``/``pay_high``
  the 10 %/90 % bounds; ``p_late`` and ``p_late30`` the calibrated probabilities of paying after the
  due date and more than 30 days after it; ``usual_days_late`` the customer's median delay over its
  last 20 settled receivables (null without history); ``cold_start`` when the segment medians answered.
- For the daily run (DESIGN §6): ``model_pay_on`` and ``model_days`` (days from as_of) while the
  predicted day is still ahead — once it has passed, the prediction is stale and the method's own
  rule answers; ``model_risk`` = ``p_late30`` for receivables not yet due, where the model's
  probability is forward-looking — an overdue one keeps the fallback table by nature × aging.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from huikuan.core.prediction.features import build_features
from huikuan.core.prediction.ledger import LedgerFrames
from huikuan.core.prediction.model import PaymentModel, predict

OPEN_SCHEMA = {
    "id": pl.Int64,
    "customer": pl.String,
    "due_on": pl.Date,
    "pay_on": pl.Date,
    "pay_low": pl.Date,
    "pay_high": pl.Date,
    "p_late": pl.Float64,
    "p_late30": pl.Float64,
    "usual_days_late": pl.Float64,
    "cold_start": pl.Boolean,
    "model_pay_on": pl.Date,
    "model_days": pl.Float64,
    "model_risk": pl.Float64,
}


def _day(base: str, days: str) -> pl.Expr:
    return pl.col(base) + pl.duration(days=pl.col(days).round(0).cast(pl.Int64))


def predict_open(model: PaymentModel, frames: LedgerFrames, as_of: date, full: bool = True) -> pl.DataFrame:
    """One row per open receivable of ``frames`` (the columns of `OPEN_SCHEMA`).

    ``full=False`` (the daily run) leaves out the bounds and ``p_late`` (`model.predict`)."""
    queries = frames.invoices.join(frames.open_ids, on="id", how="semi").with_columns(
        pl.lit(as_of).alias("at")
    )
    if queries.height == 0:
        return pl.DataFrame(schema=OPEN_SCHEMA)
    features = build_features(frames.invoices, queries, frames.events, model.cells)
    predicted = pl.concat([features.select("id", "customer", "invoice_on", "due_on", "h_delay_med"),
                           predict(model, features, full)], how="horizontal")  # fmt: skip

    def floor(e: pl.Expr) -> pl.Expr:
        return pl.max_horizontal(e, pl.col("invoice_on"))

    out = predicted.with_columns(
        floor(_day("due_on", "delay")).alias("pay_on"),
        floor(_day("due_on", "delay_low")).alias("pay_low"),
        floor(_day("due_on", "delay_high")).alias("pay_high"),
        pl.col("h_delay_med").alias("usual_days_late"),
    )
    ahead = pl.col("pay_on") >= pl.lit(as_of)
    out = out.with_columns(
        pl.when(ahead).then(pl.col("pay_on")).alias("model_pay_on"),
        pl.when(ahead)
        .then((pl.col("pay_on") - pl.lit(as_of)).dt.total_days().cast(pl.Float64))
        .alias("model_days"),
        pl.when(pl.col("due_on") >= pl.lit(as_of)).then(pl.col("p_late30")).alias("model_risk"),
    )
    return out.select([pl.col(k).cast(v) for k, v in OPEN_SCHEMA.items()])
