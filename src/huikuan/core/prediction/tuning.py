"""Hyperparameters chosen by time-ordered cross-validation inside the training rows.

The training rows, in invoice-date order, are cut into blocks; each fold trains on everything before
a block and validates on the block (an expanding window), so no fold learns from the future of the
rows it is judged on. The score of a configuration is the mean over folds of (MAE + RMSE) / 2 of the
delay: both figures matter to the user (MAE: the usual error; RMSE: the big misses).

>>> [(len(a), len(b)) for a, b in time_folds(10, folds=2, validate_share=0.4)]
[(6, 2), (8, 2)]
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import polars as pl

from huikuan.core.prediction.model import (
    LATE_DAYS,
    Params,
    base_of,
    fit_classifier,
    matrix,
    regressor,
    score,
    vocabulary,
)

FOLDS = 4
VALIDATE_SHARE = 0.5  # the last half of the training rows is validated, a block per fold


def grid(**axes: Iterable[Any]) -> list[Params]:
    """Every combination of the given values over the default `Params`."""
    names = list(axes)
    combos = itertools.product(*axes.values())
    return [replace(Params(), **dict(zip(names, combo, strict=True))) for combo in combos]


# Residual models around the prior, and a few that learn the delay directly (the plain approach).
FULL_GRID = grid(
    learning_rate=[0.03, 0.08],
    max_leaf_nodes=[7, 15],
    min_samples_leaf=[20, 80],
    max_iter=[50, 150],
    loss=["squared_error", "absolute_error"],
) + grid(
    learning_rate=[0.03, 0.08],
    max_leaf_nodes=[7],
    min_samples_leaf=[40],
    max_iter=[150, 400],
    loss=["squared_error", "absolute_error"],
    residual=[False],
)
SMALL_GRID = grid(learning_rate=[0.08], max_leaf_nodes=[7], min_samples_leaf=[40], max_iter=[40, 80])


def time_folds(
    n: int, folds: int = FOLDS, validate_share: float = VALIDATE_SHARE
) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, validate) index pairs over rows already sorted by time (expanding window)."""
    start = round(n * (1 - validate_share))
    edges = np.linspace(start, n, folds + 1).round().astype(int)
    return [
        (np.arange(0, int(a)), np.arange(int(a), int(b)))
        for a, b in itertools.pairwise(edges)
        if b > a and a > 0
    ]


@dataclass(frozen=True)
class Choice:
    params: Params
    scores: list[tuple[Params, float, float]]  # every configuration: (params, MAE, RMSE)


def choose(
    features: pl.DataFrame,
    delay: np.ndarray,
    columns: list[str],
    candidates: list[Params],
    base_column: str,
    folds: int = FOLDS,
) -> Choice:
    """The configuration with the best mean (MAE + RMSE) / 2 over the time-ordered folds.

    ``features`` and ``delay`` must be in time order."""
    x = matrix(features, columns, vocabulary(features, columns))
    splits = time_folds(len(delay), folds)
    scores: list[tuple[Params, float, float]] = []
    for p in candidates:
        maes, rmses = [], []
        for train, valid in splits:
            # The unknown-prior default comes from the fold's training rows only.
            base = base_of(features, base_column, float(delay[train].mean()), p.residual)
            model = regressor(p, columns).fit(x[train], delay[train] - base[train])
            err = base[valid] + model.predict(x[valid]) - delay[valid]
            maes.append(float(np.abs(err).mean()))
            rmses.append(float(np.sqrt((err**2).mean())))
        scores.append((p, float(np.mean(maes)), float(np.mean(rmses))))
    best = min(scores, key=lambda s: (s[1] + s[2]) / 2)
    return Choice(best[0], scores)


def out_of_fold(
    features: pl.DataFrame, delay: np.ndarray, columns: list[str], params: Params, folds: int = FOLDS
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Classifier scores for "late" and "> 30 days late" on each validation block, from a model
    trained on the rows before it, with the outcomes: the data the probabilities are calibrated on."""
    x = matrix(features, columns, vocabulary(features, columns))
    late, late30 = (delay > 0).astype(int), (delay > LATE_DAYS).astype(int)
    parts: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    for train, valid in time_folds(len(delay), folds):
        m1 = fit_classifier(params, columns, x[train], late[train])
        m2 = fit_classifier(params, columns, x[train], late30[train])
        parts.append((score(m1, x[valid]), late[valid], score(m2, x[valid]), late30[valid]))
    if not parts:
        empty = np.zeros(0)
        return empty, empty.astype(int), empty, empty.astype(int)
    return (
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        np.concatenate([p[2] for p in parts]),
        np.concatenate([p[3] for p in parts]),
    )
