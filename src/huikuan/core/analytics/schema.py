"""The frames of a portfolio as the daily run reads them, and the company settings it uses.

Money is integer cents (``*_c``), flags 0/1 integers, dates Polars dates. The Django shell fills
these frames with a few SQL queries; tests may build them by hand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import polars as pl

I64, STR, DATE, BOOL = pl.Int64, pl.String, pl.Date, pl.Boolean

SCHEMAS: dict[str, dict[str, Any]] = {
    "receivables": {
        "id": I64,
        "contract_id": I64,
        "customer_id": I64,
        "owner_id": I64,
        "contract_no": STR,
        "kind": STR,
        "sequence": I64,
        "amount_c": I64,
        "currency": STR,
        "recognised_on": DATE,
        "due_on": DATE,
        "budget_year": I64,
        "pause_until": DATE,
        "pause_reason": STR,
        "trigger_event": STR,
        "has_project": I64,
        "has_amount": I64,
        "has_signed": I64,
        "has_owner": I64,
        "has_acc_standard": I64,
        "has_acc_method": I64,
        "has_payment_terms": I64,
        "contract_active": I64,
    },
    "contracts": {
        "contract_id": I64,
        "customer_id": I64,
        "owner_id": I64,
        "contract_no": STR,
        "has_project": I64,
        "has_amount": I64,
        "has_signed": I64,
        "has_owner": I64,
        "has_acc_standard": I64,
        "has_acc_method": I64,
        "has_payment_terms": I64,
        "contract_active": I64,
    },
    "customers": {
        "id": I64,
        "name": STR,
        "owner_id": I64,
        "customer_type": STR,
        "relationship": STR,
        "needs_budget": BOOL,
        "budget_month": I64,
        "invoice_before_payment": BOOL,
        "has_invoice_req": I64,
        "book_close_day": I64,
        "bank_close_day": I64,
        "transfer_days": I64,
        "funds_status": STR,
    },
    "contacts": {
        "id": I64,
        "customer_id": I64,
        "is_decision_maker": BOOL,
        "is_acceptor": BOOL,
        "is_payer": BOOL,
        "is_finance": BOOL,
        "is_other": BOOL,
        "availability": STR,
    },
    "allocations": {
        "receivable_id": I64,
        "customer_id": I64,
        "paid_on": DATE,
        "method": STR,
        "bill_maturity": DATE,
        "amount_c": I64,
    },
    "payments": {"customer_id": I64, "last_paid_on": DATE},
    "adjustments": {"receivable_id": I64, "adjusted_on": DATE, "amount_c": I64},
    "invoices": {"receivable_id": I64, "number": STR, "status": STR, "amount_c": I64},
    "documents": {
        "id": I64,
        "customer_id": I64,
        "contract_id": I64,
        "receivable_id": I64,
        "kind": STR,
        "whole": I64,
        "issued_on": DATE,
        "delivered_on": DATE,
        "returned_on": DATE,
        "seal_kind": STR,
    },
    "promises": {
        "id": I64,
        "customer_id": I64,
        "amount_c": I64,
        "promised_on": DATE,
        "made_on": DATE,
        "status": STR,
    },
    "promise_links": {"promise_id": I64, "receivable_id": I64},
    "issues": {
        "id": I64,
        "customer_id": I64,
        "contract_id": I64,
        "receivable_id": I64,
        "is_dispute": I64,
        "opened_on": DATE,
        "resolved_on": DATE,
        "status": STR,
    },
    "activities": {
        "customer_id": I64,
        "on_day": DATE,
        "outcome": STR,
        "evasion": I64,
        "refused_to_stamp": I64,
        "denied_debt": I64,
        "pays_others": I64,
    },
    "reviews": {"customer_id": I64, "confirmed": I64, "username": STR, "on_day": DATE, "id": I64},
    "sanctions": {"customer_id": I64, "kind": STR, "status": STR, "legal_basis": STR},
    "users": {"id": I64, "username": STR, "team_id": I64},
    "teams": {"id": I64, "name": STR, "manager_id": I64},
    "targets": {"user_id": I64, "team_id": I64, "month": DATE, "amount_c": I64},
    "commission_rates": {"min_days_late": I64, "rate_micro": I64},
    "exchange_rates": {"currency": STR, "effective_on": DATE, "rate_micro": I64},
    "calendar_days": {"day": DATE, "kind": STR},
}


@dataclass(frozen=True)
class Portfolio:
    """Every frame the daily run reads (see `SCHEMAS`)."""

    receivables: pl.DataFrame
    customers: pl.DataFrame
    contacts: pl.DataFrame
    allocations: pl.DataFrame
    payments: pl.DataFrame
    adjustments: pl.DataFrame
    invoices: pl.DataFrame
    documents: pl.DataFrame
    promises: pl.DataFrame
    promise_links: pl.DataFrame
    issues: pl.DataFrame
    activities: pl.DataFrame
    reviews: pl.DataFrame
    sanctions: pl.DataFrame
    users: pl.DataFrame
    teams: pl.DataFrame
    targets: pl.DataFrame
    commission_rates: pl.DataFrame
    exchange_rates: pl.DataFrame
    calendar_days: pl.DataFrame

    @classmethod
    def empty(cls, **frames: pl.DataFrame) -> Portfolio:
        """A portfolio with the given frames and empty ones for the rest (for tests)."""
        data = {
            name: frames.get(name, pl.DataFrame(schema=schema))
            for name, schema in SCHEMAS.items()
            if name != "contracts"
        }
        return cls(**data)


@dataclass(frozen=True)
class RunSettings:
    """The company settings the daily run reads (CompanySettings, the LPR table)."""

    base_currency: str = "CNY"
    we_are_sme: bool = False
    cost_of_money: float | None = None  # None: 1-year LPR + the table's margin
    lpr_1y: float | None = None
    legal_cost_threshold: Decimal = Decimal("50000.00")
    discount_approval_threshold: Decimal = Decimal("0.02")
    approval_lead_workdays: int = 3
    promise_grace_days: int = 3
    bills_collected_at_maturity: bool = True
    aging_buckets: tuple[int, ...] = (30, 60, 90, 180, 365)
    provision_rates: dict[str, Decimal] = field(
        default_factory=lambda: {
            "1y": Decimal("0.05"),
            "1-2y": Decimal("0.10"),
            "2-3y": Decimal("0.30"),
            "3y+": Decimal("1.00"),
        }
    )
