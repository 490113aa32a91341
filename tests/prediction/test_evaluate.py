"""`huikuan predict evaluate` on the IBM file: the FORMATS.md JSON, and the model beats the baselines.

The suite trains with the small grid (`small_grid`); the README's figures come from the full grid.
No figure is hard-coded: the model is compared with the baselines computed in the same run.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path
from typing import Any

import pytest

from huikuan.cli import main

pytestmark = pytest.mark.usefixtures("small_grid")
ERRORS = {"mae", "rmse"}


@pytest.fixture(scope="module")
def result(ibm_file: Path, small_grid: None) -> dict[str, Any]:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["predict", "evaluate", "--dataset", str(ibm_file), "--split", "time"])
    assert code == 0
    return json.loads(out.getvalue())  # the whole standard output is one JSON object


def test_the_json_has_exactly_the_documented_keys(result: dict[str, Any], ibm_file: Path) -> None:
    assert list(result) == ["dataset", "split", "n_train", "n_test", "model", "model_at_invoice", "baselines"]
    assert result["dataset"] == ibm_file.name and result["split"] == "time"
    assert set(result["model"]) == ERRORS | {"auc_late", "brier_late"}
    assert set(result["model_at_invoice"]) == ERRORS
    assert set(result["baselines"]) == {"due_date", "train_mean", "customer_median"}
    assert all(set(b) == ERRORS for b in result["baselines"].values())


def test_the_split_is_80_20_of_all_rows(result: dict[str, Any], ibm_file: Path) -> None:
    rows = len(ibm_file.read_text(encoding="utf-8").splitlines()) - 1
    assert result["n_train"] + result["n_test"] == rows
    assert result["n_train"] == int(rows * 0.8)


@pytest.mark.parametrize("setting", ["model", "model_at_invoice"])
@pytest.mark.parametrize("baseline", ["due_date", "train_mean"])
@pytest.mark.parametrize("metric", ["mae", "rmse"])
def test_the_model_beats_the_naive_baselines(
    result: dict[str, Any], setting: str, baseline: str, metric: str
) -> None:
    assert result[setting][metric] < result["baselines"][baseline][metric]


def test_knowing_the_dispute_helps(result: dict[str, Any]) -> None:
    assert result["model"]["mae"] < result["model_at_invoice"]["mae"]
    assert result["model"]["mae"] < result["baselines"]["customer_median"]["mae"]


def test_the_late_probability_ranks_and_is_calibrated(result: dict[str, Any]) -> None:
    assert 0.5 < result["model"]["auc_late"] <= 1.0
    assert 0.0 <= result["model"]["brier_late"] < 0.25  # better than a coin: 0.25
