"""The payment model: gradient boosting for the delay, quantile bounds, calibrated late probabilities.

The target is the delay in days relative to the due date (settled_on − due_on, negative when paid
early); days to settle = terms + delay. With ``residual`` the regressors learn the delay minus the
prior of `effects.py` (everybody's mean for the receivable's kind plus the customer's shrunk own
effect), so the trees spend their splits on what the prior misses. Five HistGradientBoosting
models share the chosen hyperparameters: the point estimate, the 10 % and 90 % quantiles, and classifiers for "paid late"
(delay > 0) and "more than 30 days late". The classifiers' scores are calibrated with a sigmoid fitted
on time-ordered out-of-fold scores (`tuning.out_of_fold`), so a probability means what it says.
Customers without history get the cold-start answer: the median delay of their segment (customer
type or country), its 10 %/90 % quantiles and its late shares, all from the training rows.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import polars as pl
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.linear_model import LogisticRegression

from huikuan.core.prediction.effects import CellStats
from huikuan.core.prediction.features import CATEGORICAL

LATE_DAYS = 30  # the second probability: paid more than this many days after the due date
QUANTILES = (0.1, 0.9)
SEED = 7


@dataclass(frozen=True)
class Params:
    """Hyperparameters shared by the five models."""

    learning_rate: float = 0.06
    max_leaf_nodes: int = 15
    min_samples_leaf: int = 20
    l2_regularization: float = 1.0
    max_iter: int = 150
    loss: str = "absolute_error"
    residual: bool = True  # learn the delay minus the customer's prior (`effects.py`), not the delay

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in self.__dataclass_fields__}


@dataclass(frozen=True)
class Sigmoid:
    """Platt scaling of a classifier score: p = 1 / (1 + exp(−(a·logit(s) + b)))."""

    a: float = 1.0
    b: float = 0.0
    constant: float | None = None  # a class never (or always) seen in training

    def __call__(self, score: np.ndarray) -> np.ndarray:
        if self.constant is not None:
            return np.full(len(score), self.constant)
        s = np.clip(score, 1e-6, 1 - 1e-6)
        z = self.a * np.log(s / (1 - s)) + self.b
        return np.asarray(1.0 / (1.0 + np.exp(-z)))


def fit_sigmoid(score: np.ndarray, label: np.ndarray) -> Sigmoid:
    """Calibrate scores against 0/1 outcomes (constant when only one outcome occurs)."""
    if len(label) == 0:
        return Sigmoid(constant=0.0)
    if label.min() == label.max():
        return Sigmoid(constant=float(label[0]))
    s = np.clip(score, 1e-6, 1 - 1e-6)
    lr = LogisticRegression(C=1e6).fit(np.log(s / (1 - s)).reshape(-1, 1), label)
    return Sigmoid(float(lr.coef_[0][0]), float(lr.intercept_[0]))


@dataclass(frozen=True)
class ColdStart:
    """Per segment: median delay, 10 %/90 % quantiles, late share, > 30 days late share."""

    by_segment: Mapping[str, tuple[float, float, float, float, float]]
    overall: tuple[float, float, float, float, float]

    def lookup(self, segment: str | None) -> tuple[float, float, float, float, float]:
        return self.by_segment.get(segment or "", self.overall)


def cold_start_table(segments: Sequence[str], delay: np.ndarray) -> ColdStart:
    """The segment medians of the training rows (with the overall row for unseen segments).

    >>> t = cold_start_table(["a", "a", "b"], np.array([0.0, 10.0, 40.0]))
    >>> t.lookup("a")[0], t.lookup("zzz")[0]
    (5.0, 10.0)
    """

    def stats(d: np.ndarray) -> tuple[float, float, float, float, float]:
        q10, q50, q90 = np.quantile(d, [QUANTILES[0], 0.5, QUANTILES[1]])
        return (float(q50), float(q10), float(q90), float((d > 0).mean()), float((d > LATE_DAYS).mean()))

    seg = np.asarray(segments, dtype=object)
    by = {str(s): stats(delay[seg == s]) for s in sorted(set(segments))}
    return ColdStart(by, stats(delay) if len(delay) else (0.0, 0.0, 0.0, 0.0, 0.0))


@dataclass
class PaymentModel:
    """The fitted models and what they need to be applied again (features, category codes)."""

    features: list[str]
    categories: dict[str, list[str]]
    params: Params
    base_column: str  # the prior the residual is measured from
    base_default: float  # the prior when it is unknown (nobody has settled yet): the training mean
    point: Any
    lower: Any
    upper: Any
    late: Any
    late30: Any
    calibrate_late: Sigmoid
    calibrate_late30: Sigmoid
    cold: ColdStart
    info: dict[str, Any] = field(default_factory=dict)
    cells: CellStats | None = None  # everybody's cell means at training, for the daily run


def matrix(features: pl.DataFrame, columns: list[str], categories: Mapping[str, list[str]]) -> np.ndarray:
    """The feature matrix: categories as their index in the training vocabulary (unseen: missing)."""
    cols = []
    for name in columns:
        if name in CATEGORICAL:
            vocab = {v: float(i) for i, v in enumerate(categories[name])}
            values = features[name].fill_null("").to_list()
            cols.append(np.array([vocab.get(v, math.nan) for v in values], dtype=np.float64))
        else:
            cols.append(features[name].cast(pl.Float64).fill_null(math.nan).to_numpy())
    return np.column_stack(cols) if cols else np.zeros((features.height, 0))


def informative(features: pl.DataFrame, columns: list[str]) -> list[str]:
    """The columns with at least two distinct known values (an all-missing or constant column
    carries nothing, and the tree binning rejects it).

    >>> informative(pl.DataFrame({"a": [1.0, 2.0], "b": [None, None], "c": [3.0, 3.0]}), ["a", "b", "c"])
    ['a']
    """
    return [c for c in columns if features[c].drop_nulls().n_unique() >= 2]


def vocabulary(features: pl.DataFrame, columns: list[str]) -> dict[str, list[str]]:
    return {n: sorted(set(features[n].fill_null("").to_list())) for n in columns if n in CATEGORICAL}


def _cat_mask(columns: list[str]) -> list[bool]:
    return [c in CATEGORICAL for c in columns]


def regressor(p: Params, columns: list[str], loss: str | None = None, quantile: float | None = None) -> Any:
    kw: dict[str, Any] = {"quantile": quantile} if quantile is not None else {}
    return HistGradientBoostingRegressor(
        loss=loss or p.loss,
        learning_rate=p.learning_rate,
        max_leaf_nodes=p.max_leaf_nodes,
        min_samples_leaf=p.min_samples_leaf,
        l2_regularization=p.l2_regularization,
        max_iter=p.max_iter,
        categorical_features=_cat_mask(columns),
        early_stopping=False,
        random_state=SEED,
        **kw,
    )


def classifier(p: Params, columns: list[str]) -> Any:
    return HistGradientBoostingClassifier(
        learning_rate=p.learning_rate,
        max_leaf_nodes=p.max_leaf_nodes,
        min_samples_leaf=p.min_samples_leaf,
        l2_regularization=p.l2_regularization,
        max_iter=max(30, p.max_iter // 2),
        categorical_features=_cat_mask(columns),
        early_stopping=False,
        random_state=SEED,
    )


def fit_classifier(p: Params, columns: list[str], x: np.ndarray, y: np.ndarray) -> Any:
    """A classifier, or the constant class rate when only one class occurs."""
    if y.min() == y.max():
        return float(y[0])
    return classifier(p, columns).fit(x, y)


def score(model: Any, x: np.ndarray) -> np.ndarray:
    if isinstance(model, float):
        return np.full(len(x), model)
    return np.asarray(model.predict_proba(x)[:, 1])


def base_of(features: pl.DataFrame, column: str, default: float, residual: bool) -> np.ndarray:
    """What the regressors' output is added to: the prior (or 0 when they learn the delay itself)."""
    if not residual:
        return np.zeros(features.height)
    return np.asarray(features[column].cast(pl.Float64).fill_null(default).fill_nan(default).to_numpy())


def fit_model(
    features: pl.DataFrame,
    delay: np.ndarray,
    columns: list[str],
    params: Params,
    calibration: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    base_column: str,
    info: dict[str, Any] | None = None,
) -> PaymentModel:
    """Fit the five models on all training rows.

    ``calibration`` = (late scores, late outcomes, late-30 scores, late-30 outcomes) out of fold.
    """
    categories = vocabulary(features, columns)
    x = matrix(features, columns, categories)
    late, late30 = (delay > 0).astype(int), (delay > LATE_DAYS).astype(int)
    default = float(delay.mean()) if len(delay) else 0.0
    target = delay - base_of(features, base_column, default, params.residual)
    return PaymentModel(
        features=columns,
        categories=categories,
        params=params,
        base_column=base_column,
        base_default=default,
        point=regressor(params, columns).fit(x, target),
        lower=regressor(params, columns, "quantile", QUANTILES[0]).fit(x, target),
        upper=regressor(params, columns, "quantile", QUANTILES[1]).fit(x, target),
        late=fit_classifier(params, columns, x, late),
        late30=fit_classifier(params, columns, x, late30),
        calibrate_late=fit_sigmoid(calibration[0], calibration[1]),
        calibrate_late30=fit_sigmoid(calibration[2], calibration[3]),
        cold=cold_start_table(features["segment"].fill_null("").to_list(), delay),
        info=dict(info or {}),
    )


PREDICTION_SCHEMA = {
    "delay": pl.Float64,
    "delay_low": pl.Float64,
    "delay_high": pl.Float64,
    "p_late": pl.Float64,
    "p_late30": pl.Float64,
    "cold_start": pl.Boolean,
}


def predict(model: PaymentModel, features: pl.DataFrame, full: bool = True) -> pl.DataFrame:
    """Per row (same order): delay and its 10 %/90 % bounds in days after due, the calibrated
    probabilities of paying late and more than 30 days late, and whether the cold start answered.

    ``full=False`` computes only the delay and the > 30 days probability (what the daily run uses:
    a million receivables in seconds); the bounds and ``p_late`` are then null."""
    if features.height == 0:
        return pl.DataFrame(schema=PREDICTION_SCHEMA)
    n = features.height
    x = matrix(features, model.features, model.categories)
    base = base_of(features, model.base_column, model.base_default, model.params.residual)
    point = base + model.point.predict(x)
    nothing = np.full(n, np.nan)
    low = np.minimum(base + model.lower.predict(x), point) if full else nothing.copy()
    high = np.maximum(base + model.upper.predict(x), point) if full else nothing.copy()
    p_late = model.calibrate_late(score(model.late, x)) if full else nothing.copy()
    p_late30 = model.calibrate_late30(score(model.late30, x))
    cold = features["h_n"].fill_null(0).to_numpy() == 0
    if cold.any():
        segs = features["segment"].fill_null("").to_list()
        table = np.array([model.cold.lookup(segs[i]) for i in np.flatnonzero(cold)])
        point[cold], p_late30[cold] = table[:, 0], table[:, 4]
        if full:
            low[cold], high[cold], p_late[cold] = table[:, 1], table[:, 2], table[:, 3]
    if full:
        p_late30 = np.minimum(p_late30, p_late)  # more than 30 days late is late
    frame = pl.DataFrame(
        {"delay": point, "delay_low": low, "delay_high": high, "p_late": p_late, "p_late30": p_late30,
         "cold_start": cold},
        schema=PREDICTION_SCHEMA,
    )  # fmt: skip
    return frame.with_columns(pl.col("delay_low", "delay_high", "p_late").fill_nan(None))
