"""One customer, evaluated by the scalar rules: what the customer page shows between runs.

It loads the same facts the daily run loads (the same queries, narrowed to the customer) and
applies the scalar core functions receivable by receivable (`huikuan.core.analytics.scalar`).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import connection

from huikuan.analytics.load import load_portfolio, run_settings
from huikuan.analytics.models import DailyRun
from huikuan.core.analytics.evaluate import company_tables
from huikuan.core.analytics.facts import Facts, build_facts
from huikuan.core.analytics.scalar import context, evaluate_rows
from huikuan.core.analytics.schema import Portfolio, RunSettings
from huikuan.core.limitation import warning_tier
from huikuan.core.reasons import Reason
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


# Tables whose rows belong to one customer, with the SQL that reaches the customer from them.
# Every one has ``updated_at`` (set on save) and is never deleted; a row saved after the run
# started means the run's judgement of the customer, or the customer page kept since, may be out
# of date (other creditors do not enter the judgement; the page shows them).
_OWNED = (
    ("ledger_customer", "t.id = %s"),
    ("ledger_customeralias", "t.customer_id = %s"),
    ("ledger_bankaccount", "t.customer_id = %s"),
    ("ledger_thirdpartypayer", "t.customer_id = %s"),
    ("ledger_contact", "t.customer_id = %s"),
    ("ledger_contract", "t.customer_id = %s"),
    ("ledger_invoice", "t.customer_id = %s"),
    ("ledger_document", "t.customer_id = %s"),
    ("ledger_payment", "t.customer_id = %s"),
    ("collection_activity", "t.customer_id = %s"),
    ("collection_paymentplan", "t.customer_id = %s"),
    ("collection_promise", "t.customer_id = %s"),
    ("collection_othercreditor", "t.customer_id = %s"),
    ("collection_blockingissue", "t.customer_id = %s"),
    ("collection_sanction", "t.customer_id = %s"),
    ("collection_naturereview", "t.customer_id = %s"),
    ("ledger_receivable", "t.contract_id IN (SELECT id FROM ledger_contract WHERE customer_id = %s)"),
    ("ledger_allocation", "t.payment_id IN (SELECT id FROM ledger_payment WHERE customer_id = %s)"),
    (
        "ledger_adjustment",
        "t.receivable_id IN (SELECT r.id FROM ledger_receivable r"
        " JOIN ledger_contract c ON c.id = r.contract_id WHERE c.customer_id = %s)",
    ),
)


SHARED_SETTINGS = (
    "ledger.CompanySettings",
    "ledger.CalendarDay",
    "ledger.ExchangeRate",
    "ledger.InterestRate",
    "ledger.CommissionRate",
    "accounts.User",
    "accounts.Team",
)


def changed_since(customer_id: int, run: DailyRun) -> bool:
    """Whether anything the rules read about the customer was saved after ``run`` started: one of
    its rows, or an audited change of the customer or of the company's settings and tables.

    The run's own writes (the promise outcomes it decides) carry its publishing time and do not count.
    """
    since = run.started_at
    checks = [
        f"EXISTS (SELECT 1 FROM {table} t WHERE {where} AND t.updated_at > %s AND t.updated_at <> %s)"
        for table, where in _OWNED
    ]
    # Company-wide settings and tables the rules read have no customer on their audit entries.
    shared = ", ".join(f"'{label}'" for label in SHARED_SETTINGS)
    checks.append(
        "EXISTS (SELECT 1 FROM audit_auditentry a WHERE a.at > %s"
        f" AND (a.customer_id = %s OR (a.customer_id IS NULL AND a.object_type IN ({shared}))))"
    )
    params: list[Any] = []
    for _table, _where in _OWNED:
        params += [customer_id, since, run.finished_at]
    params += [since, customer_id]
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + " OR ".join(f"({c})" for c in checks), params)
        return bool(cursor.fetchone()[0])


def run_statuses(run: DailyRun, customer_id: int) -> list[dict[str, Any]]:
    """One customer's judgement as the run wrote it (the keys the customer page reads)."""
    out = []
    for s in run.statuses().filter(customer_id=customer_id).order_by("receivable_id"):
        explained = s.explained(run)
        out.append(
            {
                "id": s.receivable_id,
                "nature": s.nature,
                "strategy": s.strategy,
                "action_kind": s.action_kind,
                "action_on": s.action_on,
                "contact_role": s.contact_role or None,
                "contact_id": s.contact_id,
                "limitation_expires_on": s.limitation_expires_on,
                "limitation_code": (
                    warning_tier(s.limitation_expires_on, run.as_of) if s.limitation_expires_on else None
                ),
                "reasons": [Reason(r["code"], r["params"]) for r in explained["reasons"]],
                "from_run": run,
            }
        )
    return out


def unchanged_run(customer_id: int, as_of: date) -> DailyRun | None:
    """The latest run of ``as_of`` when nothing about the customer changed since it started."""
    run = DailyRun.latest(as_of)
    if run is not None and not changed_since(customer_id, run):
        return run
    return None


def customer_judgements(customer_id: int, as_of: date, run: DailyRun | None = None) -> list[dict[str, Any]]:
    """What the customer page shows: the run's judgement when the customer is unchanged since the
    run (``run``, or found here); otherwise the rules, evaluated now."""
    run = run or unchanged_run(customer_id, as_of)
    if run is not None:
        return run_statuses(run, customer_id)
    return customer_statuses(customer_id, as_of)
