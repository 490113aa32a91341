"""Shared fixtures of the prediction tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from huikuan.core.prediction import training
from huikuan.core.prediction.tuning import SMALL_GRID
from prediction.data import IBM


@pytest.fixture(scope="session")
def ibm_file() -> Path:
    if not IBM.is_file():
        pytest.skip(f"IBM accounts-receivable file not found at {IBM} (set HUIKUAN_IBM_DATASET)")
    return IBM


@pytest.fixture(scope="module")
def small_grid() -> Iterator[None]:
    """Train with the small grid: the suite checks the machinery, `make`-time runs measure."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(training, "FULL_GRID", SMALL_GRID)
        yield
