"""Training from the database, and the trained model at work in the daily run and on the customer page."""

from __future__ import annotations

import contextlib
import io
import json
from datetime import date

import polars as pl
import pytest

from huikuan.analytics.customer import customer_statuses
from huikuan.analytics.load import load_portfolio, run_settings
from huikuan.analytics.run import run_daily
from huikuan.cli import main
from huikuan.core.analytics.evaluate import evaluate
from huikuan.core.prediction.features import at_invoice, build_features
from huikuan.core.prediction.ledger import ledger_frames
from huikuan.core.reasons import all_codes
from huikuan.demo.generate import Scale, generate
from huikuan.prediction import service
from huikuan.prediction.models import PredictionModel

AS_OF = date(2026, 11, 27)
TINY = Scale(customers=40, contracts=200, receivables=700, payments=600, activities=1500, name="tiny")
COMPARED = ["risk", "expected_days", "strategy", "action_kind", "priority", "reason_codes", "nature"]


@pytest.fixture
def trained(db: None) -> PredictionModel:
    generate(TINY, seed=5, as_of=AS_OF)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["predict", "train", "--as-of", AS_OF.isoformat()]) == 0
    summary = json.loads(out.getvalue())
    row = PredictionModel.latest()
    assert row is not None and summary["model"] == row.pk and summary["n_train"] == row.n_train > 50
    return row


def test_training_stores_a_model_with_its_features_metrics_and_checksum(trained: PredictionModel) -> None:
    assert trained.features and "prior_disputed" in trained.features
    assert {"mae", "rmse", "folds"} <= set(trained.metrics)
    assert len(trained.sha256) == 64 and service.current_model() is not None


def test_a_tampered_model_is_refused(trained: PredictionModel) -> None:
    blob = bytearray(bytes(trained.blob))
    blob[-1] ^= 1
    PredictionModel.objects.filter(pk=trained.pk).update(blob=bytes(blob))
    with pytest.raises(service.ModelUnusable, match="checksum"):
        service.load(PredictionModel.objects.get(pk=trained.pk))


def test_the_ledger_frames_hold_settled_and_open_receivables(trained: PredictionModel) -> None:
    portfolio, _ = load_portfolio(AS_OF)
    frames = ledger_frames(portfolio, AS_OF, run_settings())
    inv = frames.invoices
    assert inv.filter(pl.col("settled_on").is_not_null()).height > 100
    assert inv.join(frames.open_ids, on="id").filter(pl.col("settled_on").is_not_null()).height == 0
    assert (inv.filter(pl.col("settled_on").is_not_null())["settled_on"] >= inv.filter(
        pl.col("settled_on").is_not_null())["invoice_on"]).all()  # fmt: skip
    assert set(frames.events["kind"].unique()) >= {"promise_kept", "promise_broken"}
    features = build_features(inv, at_invoice(inv), frames.events)
    assert features["promises_kept_ratio"].drop_nulls().is_between(0, 1).all()


def test_the_daily_run_takes_pay_dates_and_risk_from_the_model(trained: PredictionModel) -> None:
    portfolio, _ = load_portfolio(AS_OF)
    settings = run_settings()
    predictions = service.predictions_for(portfolio, AS_OF, settings)
    assert predictions is not None and predictions["model_days"].drop_nulls().len() > 0
    with_model = evaluate(portfolio, AS_OF, settings, predictions=predictions).results
    without = evaluate(portfolio, AS_OF, settings).results
    both = with_model.join(without.select("id", "risk", "expected_days"), on="id", suffix="_rule")
    used = both.filter(pl.col("model_days").is_not_null())
    assert (used["expected_days"] == used["model_days"].clip(lower_bound=0)).all()
    risky = both.filter(pl.col("model_risk").is_not_null())
    assert risky.height > 0 and (risky["risk"] == risky["model_risk"]).all()
    rule = both.filter(pl.col("model_risk").is_null() & pl.col("model_days").is_null())
    assert (rule["risk"] == rule["risk_rule"]).all() and (
        rule["expected_days"] == rule["expected_days_rule"]
    ).all()
    # Predicted pay dates lie ahead and are what the forecast counts.
    assert (used["model_pay_on"] >= AS_OF).all()


def test_bulk_equals_scalar_with_a_trained_model(trained: PredictionModel) -> None:
    portfolio, _ = load_portfolio(AS_OF)
    settings = run_settings()
    bulk = evaluate(
        portfolio, AS_OF, settings, predictions=service.predictions_for(portfolio, AS_OF, settings)
    )
    by_id = {row["id"]: row for row in bulk.results.iter_rows(named=True)}
    seen = 0
    for customer_id in portfolio.customers["id"].to_list():
        for expected in customer_statuses(customer_id, AS_OF):
            got = by_id[expected["id"]]
            diffs = {f: (got[f], expected[f]) for f in COMPARED if got[f] != expected[f]}
            assert not diffs, f"receivable {expected['id']}: bulk vs scalar {diffs}"
            seen += 1
    assert seen == bulk.results.height


def test_the_published_run_uses_the_model(trained: PredictionModel) -> None:
    outcome = run_daily(AS_OF, trigger="test")
    assert "predict" in outcome.timings
    assert outcome.evaluation.results["model_pay_on"].drop_nulls().len() > 0
    assert len(outcome.summary["forecast"]) == 13


def test_the_customer_page_outlook(trained: PredictionModel) -> None:
    portfolio, _ = load_portfolio(AS_OF)
    predictions = service.predictions_for(portfolio, AS_OF, run_settings())
    assert predictions is not None
    customer = int(predictions.filter(pl.col("usual_days_late") > 2)["customer"][0])
    outlook = service.customer_outlook(customer, AS_OF)
    assert outlook
    for item in outlook.values():
        assert item.pay_low <= item.pay_on <= item.pay_high
        assert 0.0 <= item.p_late30 <= item.p_late <= 1.0
        assert {r.code for r in item.reasons} <= all_codes()
        assert "{" not in item.text("zh-hans") and "{" not in item.text("en")
    texts = [o.text("en") for o in outlook.values()]
    assert any(t.startswith(("usually pays", "the predicted pay date")) for t in texts), texts
    assert json.dumps([o.as_dict() for o in outlook.values()], default=str)


def test_without_a_model_nothing_changes(db: None) -> None:
    generate(TINY, seed=5, as_of=AS_OF)
    portfolio, _ = load_portfolio(AS_OF)
    assert service.predictions_for(portfolio, AS_OF, run_settings()) is None
    assert service.customer_outlook(int(portfolio.customers["id"][0]), AS_OF) == {}
