"""Bulk load of the portfolio: one SQL query per table straight into Polars (DESIGN §4).

Every query can be narrowed to one customer (the web page's view of one customer uses the same
queries, so it sees exactly the facts the daily run saw). Money comes as integer cents, flags as
0/1, timestamps as local dates; the frames follow the schemas in ``huikuan.core.analytics.schema``.
Queries run on two threads (connectorx and the database release the GIL while they read).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from datetime import date, timedelta
from decimal import Decimal

import polars as pl
from django.db import connection, connections

from huikuan.analytics.sql import SQLITE_FILE_LOCK, cents, code, decode, engine, flag, local_date, read
from huikuan.core.analytics.schema import SCHEMAS, Portfolio, RunSettings

_RAW_RECEIVABLE = ["id", "contract_id", "kind", "sequence", "amount_c", "currency", "recognised_on", "due_on",
                   "budget_year", "pause_until", "pause_reason", "trigger_event"]  # fmt: skip
DOC_KINDS = (
    "contract",
    "delivery_receipt",
    "acceptance_certificate",
    "balance_confirmation",
    "demand",
    "promise_letter",
)
SEALS = ("company", "finance", "contract", "department", "signature", "none")
OUTCOMES = ("answered", "no_answer", "promised", "paid", "refused", "dispute", "evaded")
QUERY_SCHEMAS = {
    **SCHEMAS,
    "receivables": {k: SCHEMAS["receivables"][k] for k in _RAW_RECEIVABLE},
    "documents": {**SCHEMAS["documents"], "kind": pl.Int64, "seal_kind": pl.Int64},
    "activities": {**SCHEMAS["activities"], "on_day": pl.Datetime, "outcome": pl.Int64},
}
ACTIVITY_WINDOW_DAYS = 180  # the nature table's window for behaviour signals


def _where(column: str, customer_id: int | None) -> str:
    return f" AND {column} = {int(customer_id)}" if customer_id is not None else ""


def _where_contract(column: str, customer_id: int | None) -> str:
    if customer_id is None:
        return ""
    return f" AND {column} IN (SELECT id FROM ledger_contract WHERE customer_id = {int(customer_id)})"


def queries(as_of: date, customer_id: int | None = None) -> dict[str, str]:
    """The SQL of each frame (dates and ids are inlined: only values built here, never user text)."""
    d = f"'{as_of.isoformat()}'"
    since = f"'{(as_of - timedelta(days=ACTIVITY_WINDOW_DAYS)).isoformat()}'"
    w, w_sub = _where, _where_contract
    return {
        "receivables": f"""
            SELECT r.id, r.contract_id, r.kind, r.sequence, {cents("r.amount")} AS amount_c, r.currency,
                   r.recognised_on, r.due_on, r.budget_year, r.pause_until, r.pause_reason, r.trigger_event
            FROM ledger_receivable r
            WHERE {flag("r.is_void")} = 0{w_sub("r.contract_id", customer_id)}""",
        "contracts": f"""
            SELECT c.id AS contract_id, c.customer_id, COALESCE(c.owner_id, cu.owner_id, 0) AS owner_id,
                   c.number AS contract_no,
                   {flag("c.project_name <> ''")} AS has_project, {flag("c.amount IS NOT NULL")} AS has_amount,
                   {flag("c.signed_on IS NOT NULL")} AS has_signed,
                   {flag("COALESCE(c.owner_id, cu.owner_id) IS NOT NULL")} AS has_owner,
                   {flag("c.acceptance_standard <> ''")} AS has_acc_standard,
                   {flag("c.acceptance_method <> ''")} AS has_acc_method,
                   {flag("c.payment_terms <> ''")} AS has_payment_terms,
                   {flag("c.status = 'active'")} AS contract_active
            FROM ledger_contract c JOIN ledger_customer cu ON cu.id = c.customer_id
            WHERE 1 = 1{w("c.customer_id", customer_id)}""",
        "customers": f"""
            SELECT id, name, owner_id, customer_type, relationship, needs_budget, budget_month,
                   invoice_before_payment, {flag("invoice_requirements <> ''")} AS has_invoice_req,
                   book_close_day, bank_close_day, transfer_days, funds_status
            FROM ledger_customer WHERE 1 = 1{w("id", customer_id)}""",
        "contacts": f"""
            SELECT id, customer_id, is_decision_maker, is_acceptor, is_payer, is_finance, is_other, availability
            FROM ledger_contact WHERE erased_at IS NULL{w("customer_id", customer_id)}""",
        "allocations": f"""
            SELECT a.receivable_id, p.customer_id, p.paid_on, p.method, p.bill_maturity, {cents("a.amount")} AS amount_c
            FROM ledger_allocation a JOIN ledger_payment p ON p.id = a.payment_id
            WHERE p.paid_on <= {d}{w("p.customer_id", customer_id)}""",
        "adjustments": f"""
            SELECT j.receivable_id, j.adjusted_on, {cents("j.amount")} AS amount_c
            FROM ledger_adjustment j JOIN ledger_receivable r ON r.id = j.receivable_id
            JOIN ledger_contract c ON c.id = r.contract_id
            WHERE j.status = 'approved' AND j.adjusted_on <= {d}{w("c.customer_id", customer_id)}""",
        "invoices": f"""
            SELECT l.receivable_id, i.number, i.status, {cents("i.amount")} AS amount_c
            FROM ledger_invoice_receivables l JOIN ledger_invoice i ON i.id = l.invoice_id
            WHERE i.issued_on <= {d}{w("i.customer_id", customer_id)}""",
        "documents": f"""
            SELECT d.id, d.customer_id, d.contract_id, l.receivable_id, {code("d.kind", DOC_KINDS)} AS kind,
                   {flag("d.covers_whole_balance")} AS whole, d.issued_on, d.delivered_on, d.returned_on,
                   {code("d.seal_kind", SEALS)} AS seal_kind
            FROM ledger_document d LEFT JOIN ledger_document_receivables l ON l.document_id = d.id
            WHERE d.kind IN ('contract', 'delivery_receipt', 'acceptance_certificate',
                             'balance_confirmation', 'demand', 'promise_letter')
              AND COALESCE(d.returned_on, d.delivered_on, d.issued_on, {d}) <= {d}{w("d.customer_id", customer_id)}""",
        "promises": f"""
            SELECT p.id, p.customer_id, {cents("p.amount")} AS amount_c, p.promised_on,
                   {local_date("a.occurred_at")} AS made_on, p.status
            FROM collection_promise p LEFT JOIN collection_activity a ON a.id = p.activity_id
            LEFT JOIN collection_paymentplan pl ON pl.id = p.plan_id
            WHERE p.promised_on <= '{(as_of + timedelta(days=400)).isoformat()}'
              AND (pl.status IS NULL OR pl.status <> 'cancelled'){w("p.customer_id", customer_id)}""",
        "promise_links": f"""
            SELECT l.promise_id, l.receivable_id
            FROM collection_promise_receivables l JOIN collection_promise p ON p.id = l.promise_id
            LEFT JOIN collection_paymentplan pl ON pl.id = p.plan_id
            WHERE (pl.status IS NULL OR pl.status <> 'cancelled'){w("p.customer_id", customer_id)}""",
        "issues": f"""
            SELECT i.id, i.customer_id, i.contract_id, l.receivable_id, {flag("i.is_dispute")} AS is_dispute,
                   i.opened_on, i.resolved_on, i.status
            FROM collection_blockingissue i
            LEFT JOIN collection_blockingissue_receivables l ON l.blockingissue_id = i.id
            WHERE i.opened_on <= {d}{w("i.customer_id", customer_id)}""",
        "activities": f"""
            SELECT customer_id, occurred_at AS on_day, {code("outcome", OUTCOMES)} AS outcome,
                   {flag("evasion")} AS evasion, {flag("refused_to_stamp")} AS refused_to_stamp,
                   {flag("denied_debt")} AS denied_debt, {flag("pays_others")} AS pays_others
            FROM collection_activity
            WHERE occurred_at >= {since}{w("customer_id", customer_id)}""",
        "reviews": f"""
            SELECT n.customer_id, {flag("n.confirmed_malicious")} AS confirmed, u.username,
                   {local_date("n.created_at")} AS on_day, n.id
            FROM collection_naturereview n JOIN accounts_user u ON u.id = n.reviewed_by_id
            WHERE 1 = 1{w("n.customer_id", customer_id)}""",
        "sanctions": f"""
            SELECT customer_id, kind, status, legal_basis FROM collection_sanction
            WHERE status IN ('proposed', 'approved', 'active'){w("customer_id", customer_id)}""",
        "users": "SELECT id, username, team_id FROM accounts_user",
        "teams": """SELECT t.id, t.name, m.user_id AS manager_id FROM accounts_team t
                    LEFT JOIN accounts_team_managers m ON m.team_id = t.id""",
        "targets": f"""
            SELECT user_id, team_id, month, {cents("amount")} AS amount_c FROM collection_collectiontarget
            WHERE month <= {d}""",
        "commission_rates": "SELECT min_days_late, CAST(ROUND(rate * 1000000) AS BIGINT) AS rate_micro "
        "FROM ledger_commissionrate",
        "exchange_rates": f"""
            SELECT currency, effective_on, CAST(ROUND(rate_to_base * 1000000) AS BIGINT) AS rate_micro
            FROM ledger_exchangerate WHERE effective_on <= {d}""",
        "calendar_days": "SELECT day, kind FROM ledger_calendarday",
    }


# The big tables first, so the two threads finish together.
ORDER = (
    "activities",
    "receivables",
    "allocations",
    "documents",
    "invoices",
    "contracts",
    "promises",
    "promise_links",
)


def load_portfolio(
    as_of: date,
    customer_id: int | None = None,
    engine_name: str | None = None,
    threads: int = 2,
    on_frame: Callable[[str], None] | None = None,
) -> tuple[Portfolio, dict[str, float]]:
    """All frames of the portfolio as of ``as_of`` and the seconds each query took."""
    sqls = queries(as_of, customer_id)
    use = engine_name or engine()
    names = [n for n in ORDER if n in sqls] + [n for n in sqls if n not in ORDER]
    timings: dict[str, float] = {}

    def one(name: str) -> tuple[str, pl.DataFrame]:
        started = time.perf_counter()
        try:
            frame = read(sqls[name], QUERY_SCHEMAS[name], use)
        finally:
            if use != "cursor":
                connections.close_all()  # a worker thread's own Django connection, if it made one
        timings[name] = round(time.perf_counter() - started, 4)
        if on_frame is not None:
            on_frame(name)
        return name, frame

    guard = SQLITE_FILE_LOCK if use == "connectorx" and connection.vendor == "sqlite" else nullcontext()
    with guard:
        if use == "connectorx" and connection.vendor == "sqlite":
            # connectorx links its own copy of SQLite. Closing its file releases every POSIX lock
            # this process holds on the database, including those of Django's open connection,
            # which another process would then see as a crashed database ("disk I/O error"). So
            # no Django connection may be open while it reads; Django reconnects on its next query.
            connections.close_all()
        if use == "cursor" or threads <= 1:
            # Django connections are per thread; an in-memory test database exists only on this one.
            frames = dict(one(name) for name in names)
        else:
            with ThreadPoolExecutor(max_workers=threads) as pool:
                frames = dict(pool.map(one, names))
    return assemble(frames), timings


def _local_day(column: str) -> pl.Expr:
    """Timestamps (UTC, naive or aware) as local calendar dates (settings.TIME_ZONE)."""
    from django.conf import settings

    return (
        pl.col(column)
        .dt.replace_time_zone(None)
        .dt.replace_time_zone("UTC")
        .dt.convert_time_zone(settings.TIME_ZONE)
        .dt.date()
    )


def assemble(frames: dict[str, pl.DataFrame]) -> Portfolio:
    """Join contract facts onto receivables and derive each customer's last payment."""
    contracts = frames.pop("contracts")
    owner = pl.col("owner_id")
    contracts = contracts.with_columns(pl.when(owner == 0).then(None).otherwise(owner).alias("owner_id"))
    rec = frames["receivables"].join(contracts, on="contract_id", how="inner")
    frames["receivables"] = rec.select(list(SCHEMAS["receivables"]))
    frames["documents"] = frames["documents"].with_columns(
        decode("kind", DOC_KINDS), decode("seal_kind", SEALS)
    )
    frames["activities"] = frames["activities"].with_columns(
        decode("outcome", OUTCOMES), _local_day("on_day")
    )
    # A payment in the last 60 days is a nature signal; the allocated payments tell it.
    frames["payments"] = (
        frames["allocations"]
        .filter(pl.col("amount_c") > 0)
        .group_by("customer_id")
        .agg(pl.col("paid_on").max().alias("last_paid_on"))
    )
    return Portfolio(**frames)


def run_settings() -> RunSettings:
    """The company's choices the run reads (CompanySettings, the LPR table)."""
    from huikuan.ledger.models import CompanySettings, InterestRate

    s = CompanySettings.current()
    lpr = (
        InterestRate.objects.filter(kind="lpr_1y").order_by("-effective_from").values_list("rate", flat=True)
    )
    rates = {str(k): Decimal(str(v)) for k, v in (s.provision_rates or {}).items()}
    return RunSettings(
        base_currency=s.base_currency,
        we_are_sme=s.we_are_sme,
        cost_of_money=float(s.cost_of_money) if s.cost_of_money is not None else None,
        lpr_1y=float(lpr[0]) if lpr else None,
        legal_cost_threshold=Decimal(s.legal_cost_threshold),
        discount_approval_threshold=Decimal(s.discount_approval_threshold),
        approval_lead_workdays=s.approval_lead_workdays,
        promise_grace_days=s.promise_grace_days,
        bills_collected_at_maturity=s.bills_collected_at_maturity,
        aging_buckets=tuple(int(x) for x in (s.aging_buckets or [])),
        provision_rates=rates,
    )
