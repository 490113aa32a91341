"""The honest evaluation of FORMATS.md "Prediction evaluation": a chronological split, used once.

Invoices are ordered by invoice date (then id); the first 80 % train, the last 20 % test. Every
invoice's features are point-in-time (`features.py`: history settled before its own invoice date),
so a test invoice may use test invoices that were settled before it was issued — what a user would
have known that day — but never its own outcome or anything later. Hyperparameters and calibration
come from time-ordered CV inside the training part (`tuning.py`); the test part is predicted once.

Baselines: ``due_date`` (paid on the due date), ``train_mean`` (the training part's mean days to
settle), ``customer_median`` (the customer's median days to settle in the training part; the
training median for a customer not seen there).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl
from sklearn.metrics import roc_auc_score

from huikuan.core.prediction.features import at_invoice, build_features
from huikuan.core.prediction.model import Params, predict
from huikuan.core.prediction.training import delay_days, one_thread, train_model

TRAIN_SHARE = 0.8


def errors(predicted: np.ndarray, actual: np.ndarray) -> dict[str, float]:
    """MAE and RMSE in days, rounded to 2 places.

    >>> errors(np.array([1.0, 4.0]), np.array([0.0, 0.0]))
    {'mae': 2.5, 'rmse': 2.92}
    """
    e = predicted - actual
    return {"mae": round(float(np.abs(e).mean()), 2), "rmse": round(float(np.sqrt((e**2).mean())), 2)}


def chronological_split(invoices: pl.DataFrame, share: float = TRAIN_SHARE) -> tuple[int, pl.DataFrame]:
    """The invoices in invoice-date order and how many of the first rows train."""
    ordered = invoices.sort("invoice_on", "id")
    return int(ordered.height * share), ordered


def _days_to_settle(frame: pl.DataFrame) -> np.ndarray:
    return np.asarray(
        frame.select((pl.col("settled_on") - pl.col("invoice_on")).dt.total_days().cast(pl.Float64))
        .to_series()
        .to_numpy()
    )


def _terms(frame: pl.DataFrame) -> np.ndarray:
    return np.asarray(
        frame.select((pl.col("due_on") - pl.col("invoice_on")).dt.total_days().cast(pl.Float64))
        .to_series()
        .to_numpy()
    )


def baselines(train: pl.DataFrame, test: pl.DataFrame) -> dict[str, dict[str, float]]:
    actual, train_dts = _days_to_settle(test), _days_to_settle(train)
    medians = dict(
        train.with_columns(pl.Series("_dts", train_dts))
        .group_by("customer")
        .agg(pl.col("_dts").median())
        .iter_rows()
    )
    overall = float(np.median(train_dts))
    by_customer = np.array([medians.get(c, overall) for c in test["customer"].to_list()], dtype=float)
    return {
        "due_date": errors(_terms(test), actual),
        "train_mean": errors(np.full(len(actual), train_dts.mean()), actual),
        "customer_median": errors(by_customer, actual),
    }


def evaluate(
    invoices: pl.DataFrame, dataset: str, candidates: list[Params] | None = None, split: str = "time"
) -> dict[str, Any]:
    """The FORMATS.md JSON object (keys exactly as documented) for a file of settled invoices."""
    if split != "time":
        raise ValueError(f"unknown split {split!r} (only 'time')")
    if invoices.filter(pl.col("settled_on").is_null()).height:
        raise ValueError("every invoice must be settled to be evaluated")
    n_train, ordered = chronological_split(invoices)
    features = build_features(ordered, at_invoice(ordered))
    train, test = features.head(n_train), features.tail(ordered.height - n_train)
    actual = delay_days(test)
    out: dict[str, Any] = {"dataset": dataset, "split": split, "n_train": train.height, "n_test": test.height}
    for key, with_dispute in (("model", True), ("model_at_invoice", False)):
        model = train_model(train, with_dispute, candidates)
        with one_thread():
            predicted = predict(model, test)
        # days to settle = terms + delay on both sides, so the errors are the delay's errors
        metrics: dict[str, float | None] = {**errors(predicted["delay"].to_numpy(), actual)}
        if with_dispute:
            late = (actual > 0).astype(int)
            p = predicted["p_late"].to_numpy()
            both = 0 < late.sum() < len(late)  # AUC needs both outcomes among the test rows
            metrics["auc_late"] = round(float(roc_auc_score(late, p)), 3) if both else None
            metrics["brier_late"] = round(float(np.mean((p - late) ** 2)), 3)
        out[key] = metrics
    out["baselines"] = baselines(train, test)
    return out
