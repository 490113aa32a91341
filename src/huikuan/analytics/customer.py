"""One customer, evaluated by the scalar rules: what the customer page shows between runs.

It loads the same facts the daily run loads (the same queries, narrowed to the customer) and
applies the scalar core functions receivable by receivable (`huikuan.core.analytics.scalar`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from huikuan.analytics.load import load_portfolio, run_settings
from huikuan.core.analytics.evaluate import company_tables
from huikuan.core.analytics.facts import Facts, build_facts
from huikuan.core.analytics.scalar import context, evaluate_rows
from huikuan.core.analytics.schema import Portfolio, RunSettings
from huikuan.prediction.service import predictions_for


def customer_facts(customer_id: int, as_of: date) -> tuple[Portfolio, Facts, RunSettings]:
    """One customer's portfolio and facts, loaded exactly as the daily run loads them (predictions included).

    The one home of "evaluate one customer": the customer page and the contract page both start here.
    """
    # Django's own connection: a web process keeps it open, and a second SQLite library in the
    # same process must not touch the file then (see load.py).
    portfolio, _timings = load_portfolio(as_of, customer_id=customer_id, engine_name="cursor", threads=1)
    settings = run_settings()
    predictions = predictions_for(portfolio, as_of, settings)  # as the daily run does
    facts = build_facts(portfolio, as_of, settings, company_tables(settings), predictions)
    return portfolio, facts, settings


def customer_statuses(customer_id: int, as_of: date) -> list[dict[str, Any]]:
    """Every open receivable of one customer with its judgement (keys as `scalar.evaluate_row`)."""
    portfolio, facts, settings = customer_facts(customer_id, as_of)
    return evaluate_rows(facts.open.iter_rows(named=True), context(portfolio, facts, as_of, settings))
