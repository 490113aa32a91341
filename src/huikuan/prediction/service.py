"""The stored model at work: predictions for the daily run and the customer page.

`predictions_for` is what the daily run (and the one-customer evaluation, so both agree) passes to
``build_facts``; `customer_outlook` gives the customer page its sentence per open receivable
("usually pays 12 days late; this one likely 2026-12-14"). Without a trained model both answer
``None`` / ``[]`` and the method's own rules apply. A loaded model is kept per process (by id).
"""

from __future__ import annotations

import hashlib
import io
import logging
import threading
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

import polars as pl

from huikuan.core.analytics.schema import Portfolio, RunSettings
from huikuan.core.prediction.explain import outlook_reasons
from huikuan.core.prediction.ledger import ledger_frames
from huikuan.core.reasons import Reason, describe
from huikuan.prediction.models import PredictionModel

if TYPE_CHECKING:  # scikit-learn is imported when a model is loaded: most runs have none
    from huikuan.core.prediction.model import PaymentModel

_LOADED: dict[tuple[int, str], PaymentModel] = {}  # by (id, sha256)
log = logging.getLogger(__name__)
_LOCK = threading.Lock()


class ModelUnusable(Exception):
    """The stored bytes do not match their checksum, or come from another scikit-learn version."""


def load(row: PredictionModel) -> PaymentModel:
    import joblib
    import sklearn

    from huikuan.core.prediction.model import PaymentModel

    blob = bytes(row.blob)
    if hashlib.sha256(blob).hexdigest() != row.sha256:
        raise ModelUnusable(f"prediction model {row.pk}: checksum mismatch")
    if row.library != sklearn.__version__:
        raise ModelUnusable(
            f"prediction model {row.pk} was trained with scikit-learn {row.library}, "
            f"this is {sklearn.__version__}: run huikuan predict train again"
        )
    model = joblib.load(io.BytesIO(blob))
    if not isinstance(model, PaymentModel):
        raise ModelUnusable(f"prediction model {row.pk}: not a payment model")
    return model


def current_model() -> PaymentModel | None:
    """The newest trained model, or None (no model, or one this installation cannot use: then the
    daily run falls back to the method's rules and says why in the log)."""
    newest = PredictionModel.objects.order_by("-trained_at", "-id").values_list("pk", "sha256").first()
    if newest is None:
        return None
    with _LOCK:
        if newest not in _LOADED:
            try:
                _LOADED[newest] = load(PredictionModel.objects.get(pk=newest[0]))
            except Exception as exc:  # a model that cannot be used must not stop the daily run
                log.warning("prediction model not used, the method's rules apply: %s", exc)
                return None
        return _LOADED[newest]


def predictions_for(
    portfolio: Portfolio, as_of: date, settings: RunSettings, full: bool = False
) -> pl.DataFrame | None:
    """Per open receivable of ``portfolio``: the model's answers (`apply.OPEN_SCHEMA`), or None.

    The daily run needs only the pay date and the > 30 days probability; ``full`` adds the 10 %/90 %
    bounds and the probability of paying late (the customer page)."""
    model = current_model()
    if model is None:
        return None
    from huikuan.core.prediction.apply import predict_open

    return predict_open(model, ledger_frames(portfolio, as_of, settings), as_of, full)


@dataclass(frozen=True)
class Outlook:
    """One open receivable on the customer page."""

    receivable_id: int
    usual_days_late: float | None
    pay_on: date
    pay_low: date
    pay_high: date
    p_late: float
    p_late30: float
    cold_start: bool
    reasons: tuple[Reason, ...]

    def text(self, lang: str = "zh-hans") -> str:
        sep = "；" if lang.startswith("zh") else "; "
        return sep.join(describe(r, lang) for r in self.reasons)

    def as_dict(self) -> dict[str, Any]:
        return {
            "receivable_id": self.receivable_id,
            "usual_days_late": self.usual_days_late,
            "pay_on": self.pay_on,
            "pay_low": self.pay_low,
            "pay_high": self.pay_high,
            "p_late": self.p_late,
            "p_late30": self.p_late30,
            "cold_start": self.cold_start,
            "reasons": [r.as_dict() for r in self.reasons],
            "text_zh": self.text("zh-hans"),
            "text_en": self.text("en"),
        }


def outlooks(predictions: pl.DataFrame, as_of: date) -> dict[int, Outlook]:
    out: dict[int, Outlook] = {}
    for row in predictions.iter_rows(named=True):
        overdue = row["due_on"] < as_of
        # Once the due date has passed, "late" is a fact, not a chance.
        p_late = 1.0 if overdue else row["p_late"]
        p_late30 = 1.0 if (as_of - row["due_on"]).days > 30 else row["p_late30"]
        usual = row["usual_days_late"]
        reasons = outlook_reasons(
            usual, row["pay_on"], row["pay_low"], row["pay_high"], row["cold_start"], p_late, p_late30, as_of
        )
        out[row["id"]] = Outlook(
            row["id"], usual, row["pay_on"], row["pay_low"], row["pay_high"], p_late, p_late30,
            row["cold_start"], reasons,
        )  # fmt: skip
    return out


def customer_outlook(customer_id: int, as_of: date) -> dict[int, Outlook]:
    """Per open receivable of one customer (by id): the model's outlook; empty without a model."""
    from huikuan.analytics.load import load_portfolio, run_settings

    if current_model() is None:
        return {}
    portfolio, _timings = load_portfolio(as_of, customer_id=customer_id, engine_name="cursor", threads=1)
    predictions = predictions_for(portfolio, as_of, run_settings(), full=True)
    return outlooks(predictions, as_of) if predictions is not None else {}
