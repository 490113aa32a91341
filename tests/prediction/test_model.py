"""The model's answers: ordered quantiles, probabilities that are probabilities, the cold start."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from huikuan.core.prediction.features import at_invoice, build_features
from huikuan.core.prediction.model import PaymentModel, cold_start_table, fit_sigmoid, predict
from huikuan.core.prediction.training import delay_days, train_model
from huikuan.core.prediction.tuning import SMALL_GRID, time_folds
from prediction.data import synthetic_invoices


@pytest.fixture(scope="module")
def trained() -> tuple[PaymentModel, pl.DataFrame]:
    invoices = synthetic_invoices(11, customers=15, per_customer=30)
    features = build_features(invoices, at_invoice(invoices))
    return train_model(features, with_dispute=True, candidates=SMALL_GRID), features


def test_quantiles_bracket_the_point_estimate(trained: tuple[PaymentModel, pl.DataFrame]) -> None:
    model, features = trained
    p = predict(model, features)
    assert (p["delay_low"] <= p["delay"]).all() and (p["delay"] <= p["delay_high"]).all()
    assert (p["delay_high"] - p["delay_low"]).mean() > 0  # an interval, not a point


def test_probabilities_are_probabilities_and_late30_implies_late(
    trained: tuple[PaymentModel, pl.DataFrame],
) -> None:
    model, features = trained
    p = predict(model, features)
    for name in ("p_late", "p_late30"):
        assert p[name].is_between(0.0, 1.0).all(), name
    assert (p["p_late30"] <= p["p_late"]).all()


def test_calibrated_late_probability_matches_the_late_share(
    trained: tuple[PaymentModel, pl.DataFrame],
) -> None:
    # Calibration sanity: on the data it learned from, the mean probability is the observed share.
    model, features = trained
    late = (delay_days(features) > 0).mean()
    assert abs(float(predict(model, features)["p_late"].mean()) - late) < 0.1


def test_the_model_learns_the_customers_habits(trained: tuple[PaymentModel, pl.DataFrame]) -> None:
    model, features = trained
    settled = features.filter(pl.col("h_n") >= 5)
    error = np.abs(predict(model, settled)["delay"].to_numpy() - delay_days(settled))
    spread = np.abs(delay_days(settled) - delay_days(settled).mean())
    assert error.mean() < 0.5 * spread.mean()


def test_a_customer_without_history_gets_its_segments_median(
    trained: tuple[PaymentModel, pl.DataFrame],
) -> None:
    model, features = trained
    newcomer = features.head(2).with_columns(
        pl.lit("NEW").alias("customer"), pl.lit(0).alias("h_n"), pl.Series("segment", ["B", "unheard-of"])
    )
    p = predict(model, newcomer)
    assert p["cold_start"].to_list() == [True, True]
    assert p["delay"][0] == model.cold.lookup("B")[0]
    assert p["delay"][1] == model.cold.overall[0]  # an unknown segment: everybody's median
    assert p["delay_low"][0] <= p["delay"][0] <= p["delay_high"][0]


def test_cold_start_table_is_the_segment_medians() -> None:
    table = cold_start_table(["a", "a", "a", "b"], np.array([0.0, 10.0, 50.0, -3.0]))
    assert table.lookup("a")[0] == 10.0 and table.lookup("b")[0] == -3.0
    assert table.lookup("a")[3] == pytest.approx(2 / 3)  # late share
    assert table.lookup("a")[4] == pytest.approx(1 / 3)  # more than 30 days late


def test_a_sigmoid_fitted_to_one_outcome_is_constant() -> None:
    assert fit_sigmoid(np.array([0.2, 0.7]), np.array([1, 1]))(np.array([0.1])).tolist() == [1.0]


def test_time_folds_never_validate_on_the_past() -> None:
    for train, valid in time_folds(100):
        assert train.max() < valid.min()


def test_the_daily_run_mode_leaves_out_only_bounds_and_p_late(
    trained: tuple[PaymentModel, pl.DataFrame],
) -> None:
    model, features = trained
    full, quick = predict(model, features), predict(model, features, full=False)
    assert quick["delay"].equals(full["delay"])
    assert quick["p_late"].null_count() == quick.height and quick["delay_low"].null_count() == quick.height
    assert (quick["p_late30"] >= full["p_late30"] - 1e-12).all()  # uncapped by p_late


def test_training_refuses_too_few_rows() -> None:
    invoices = synthetic_invoices(1, customers=1, per_customer=4)
    features = build_features(invoices, at_invoice(invoices))
    with pytest.raises(ValueError, match="too few"):
        train_model(features, candidates=SMALL_GRID)


def test_synthetic_data_spans_the_expected_period() -> None:
    invoices = synthetic_invoices(2)
    assert invoices["invoice_on"].min() >= date(2024, 1, 1)
    assert invoices["invoice_on"].max() <= date(2024, 1, 1) + timedelta(days=540)
