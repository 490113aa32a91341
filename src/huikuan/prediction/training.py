"""`huikuan predict train`: learn from the ledger's settled receivables and store the model.

The portfolio is read with the daily run's own queries (`analytics.load`), plus every dated
behaviour signal (the run reads only the last 180 days of activities; training needs them all).
Each settled receivable is one example, featured on its own invoice date; the most recent
`MAX_TRAIN_ROWS` are kept so training stays within a minute on the "mid" portfolio.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import time
from datetime import date
from typing import Any

import joblib
import polars as pl
import sklearn
from django.utils import timezone

from huikuan.analytics.load import load_portfolio, run_settings
from huikuan.analytics.sql import flag, local_date, read
from huikuan.audit.log import log_action
from huikuan.core.analytics.schema import SCHEMAS, Portfolio
from huikuan.core.prediction.effects import cell_stats
from huikuan.core.prediction.features import at_invoice, build_features
from huikuan.core.prediction.ledger import LedgerFrames, ledger_frames
from huikuan.core.prediction.model import Params, PaymentModel
from huikuan.core.prediction.training import train_model
from huikuan.core.prediction.tuning import grid
from huikuan.prediction.models import PredictionModel

MAX_TRAIN_ROWS = 60_000
# Fewer, smaller candidates than the evaluation's grid: the ledger has many more rows, and the daily
# run predicts a million receivables in seconds only with few shallow trees (CV on "mid": 60 trees
# at 0.15 lose 0.05 days of MAE against 100 at 0.1).
LEDGER_GRID = grid(
    learning_rate=[0.15], max_leaf_nodes=[15], min_samples_leaf=[50], max_iter=[60], loss=["absolute_error"]
) + grid(
    learning_rate=[0.2], max_leaf_nodes=[31], min_samples_leaf=[50], max_iter=[40], loss=["absolute_error"]
)


class TrainingError(Exception):
    """Nothing (or too little) to learn from."""


def signals(as_of: date) -> pl.DataFrame:
    """Every activity that recorded a behaviour signal, by local day (the activities frame's schema)."""
    flags = ("evasion", "refused_to_stamp", "denied_debt", "pays_others")
    any_flag = " OR ".join(flags)  # booleans on PostgreSQL, 0/1 on SQLite: truthy on both
    sql = f"""
        SELECT customer_id, {local_date("occurred_at")} AS on_day,
               {", ".join(f"{flag(f)} AS {f}" for f in flags)}
        FROM collection_activity
        WHERE ({any_flag}) AND {local_date("occurred_at")} <= '{as_of.isoformat()}'"""
    schema: dict[str, Any] = {"customer_id": pl.Int64, "on_day": pl.Date, **dict.fromkeys(flags, pl.Int64)}
    frame = read(sql, schema)
    return frame.with_columns(pl.lit(None, dtype=pl.String).alias("outcome")).select(
        list(SCHEMAS["activities"])
    )


def ledger_data(as_of: date) -> tuple[LedgerFrames, Portfolio]:
    portfolio, _timings = load_portfolio(as_of)
    portfolio = dataclasses.replace(portfolio, activities=signals(as_of))
    return ledger_frames(portfolio, as_of, run_settings()), portfolio


def examples(frames: LedgerFrames, limit: int = MAX_TRAIN_ROWS) -> pl.DataFrame:
    """The most recent settled receivables, featured on their invoice dates."""
    settled = frames.invoices.filter(pl.col("settled_on").is_not_null()).sort("invoice_on", "id").tail(limit)
    return build_features(frames.invoices, at_invoice(settled), frames.events)


def dump(model: PaymentModel) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(model, buffer, compress=3)
    return buffer.getvalue()


def train(
    as_of: date, candidates: list[Params] | None = None, limit: int = MAX_TRAIN_ROWS
) -> PredictionModel:
    """Train on everything settled by ``as_of`` and store the model (it is used from now on)."""
    started = time.perf_counter()
    frames, _portfolio = ledger_data(as_of)
    rows = examples(frames, limit)
    try:
        model = train_model(rows, with_dispute=True, candidates=candidates or LEDGER_GRID)
    except ValueError as exc:
        raise TrainingError(str(exc)) from exc
    model.cells = cell_stats(frames.invoices)
    blob = dump(model)
    seconds = round(time.perf_counter() - started, 2)
    metrics = {**model.info["cv"], "seconds": seconds}
    row = PredictionModel.objects.create(
        trained_at=timezone.now(),
        as_of=as_of,
        setting=model.info["setting"],
        n_train=model.info["n_train"],
        features=model.features,
        params=model.params.as_dict(),
        metrics=metrics,
        library=sklearn.__version__,
        blob=blob,
        sha256=hashlib.sha256(blob).hexdigest(),
    )
    log_action("prediction.model.trained", obj=row, data={"as_of": as_of.isoformat(), **metrics})
    return row
