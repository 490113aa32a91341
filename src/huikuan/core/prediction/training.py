"""Train the payment model: choose hyperparameters by time-ordered CV, calibrate, fit on all rows.

Training runs on one thread (the machines are shared and small; the data is not big enough for
threads to pay off).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
import polars as pl
from threadpoolctl import threadpool_limits

from huikuan.core.prediction.features import numeric_features
from huikuan.core.prediction.model import Params, PaymentModel, fit_model, informative
from huikuan.core.prediction.tuning import FOLDS, FULL_GRID, choose, out_of_fold


@contextmanager
def one_thread() -> Iterator[None]:
    with threadpool_limits(limits=1):
        yield


def delay_days(frame: pl.DataFrame) -> np.ndarray:
    """settled_on − due_on in days (the target), as floats."""
    return np.asarray(
        frame.select((pl.col("settled_on") - pl.col("due_on")).dt.total_days().cast(pl.Float64))
        .to_series()
        .to_numpy()
    )


def base_column(with_dispute: bool) -> str:
    return "prior_disputed" if with_dispute else "prior_channel"


def train_model(
    features: pl.DataFrame,
    with_dispute: bool = True,
    candidates: list[Params] | None = None,
    folds: int = FOLDS,
) -> PaymentModel:
    """A model from settled rows with their features (sorted here by invoice date).

    ``with_dispute``: the in-collection setting (the receivable's own dispute flag is a feature).
    """
    rows = features.filter(pl.col("settled_on").is_not_null()).sort("invoice_on", "id")
    if rows.height < 2 * (folds + 1):
        raise ValueError(f"too few settled receivables to train on: {rows.height}")
    started = time.perf_counter()
    delay = delay_days(rows)
    columns = informative(rows, numeric_features(with_dispute))
    base = base_column(with_dispute)
    with one_thread():
        choice = choose(rows, delay, columns, candidates or FULL_GRID, base, folds)
        calibration = out_of_fold(rows, delay, columns, choice.params, folds)
        model = fit_model(rows, delay, columns, choice.params, calibration, base)
    best = next(s for s in choice.scores if s[0] == choice.params)
    model.info.update(
        {
            "setting": "in_collection" if with_dispute else "at_invoice",
            "n_train": rows.height,
            "trained_from": rows["invoice_on"].min(),
            "trained_to": rows["invoice_on"].max(),
            "cv": {"folds": folds, "candidates": len(choice.scores), "mae": round(best[1], 3),
                   "rmse": round(best[2], 3)},
            "seconds": round(time.perf_counter() - started, 2),
        }
    )  # fmt: skip
    return model
