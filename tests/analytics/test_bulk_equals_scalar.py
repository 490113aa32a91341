"""The daily run's vectorised answers equal the scalar rules' answers, receivable by receivable.

Random portfolios (seeded) go through the whole bulk pipeline once; then every customer is
evaluated again the way its web page does it (the same queries narrowed to the customer, then the
scalar core functions one receivable at a time) and each result must match.
"""

from __future__ import annotations

import math
from datetime import date

import polars as pl
import pytest

from analytics.portfolio import build_portfolio
from huikuan.analytics.customer import customer_statuses
from huikuan.analytics.load import load_portfolio, run_settings
from huikuan.core.analytics.evaluate import evaluate

FIELDS = [
    "gaps",
    "first_block",
    "nature",
    "nature_score",
    "nature_codes",
    "risk",
    "expected_days",
    "limitation_expires_on",
    "limitation_code",
    "evidence_complete",
    "pause_until",
    "pause_reason",
    "sanction",
    "strategy",
    "action_kind",
    "contact_role",
    "contact_id",
    "reason_codes",
    "action_on",
    "timing_code",
    "workdays_left",
    "priority",
    "rank_reasons",
]


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b or (math.isnan(a) and math.isnan(b))
    return a == b


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("seed", "as_of"),
    [(1, date(2026, 11, 27)), (2, date(2026, 3, 2)), (3, date(2025, 12, 31)), (4, date(2026, 10, 2))],
)
def test_bulk_run_equals_scalar_rules_on_a_random_portfolio(seed: int, as_of: date) -> None:
    build_portfolio(seed, as_of, customers=25)
    portfolio, _ = load_portfolio(as_of)
    bulk = evaluate(portfolio, as_of, run_settings()).results
    assert bulk.height > 20
    by_id = {row["id"]: row for row in bulk.iter_rows(named=True)}
    seen = 0
    strategies = set()
    for customer_id in portfolio.customers["id"].to_list():
        for expected in customer_statuses(customer_id, as_of):
            got = by_id[expected["id"]]
            diffs = {f: (got[f], expected[f]) for f in FIELDS if not _same(got[f], expected[f])}
            assert not diffs, f"receivable {expected['id']}: bulk vs scalar {diffs}"
            seen += 1
            strategies.add(expected["strategy"])
    assert seen == bulk.height
    assert len(strategies) >= 4, strategies


def test_the_comparison_covers_every_result_column() -> None:
    # A new result column should be compared too (or consciously left out here).
    produced = {"id", "reasons", *FIELDS}
    assert produced >= {"strategy", "action_on", "priority", "limitation_expires_on", "nature"}
    assert pl.Series(FIELDS).is_unique().all()
