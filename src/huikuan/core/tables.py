"""Default decision tables of DESIGN §6 as data a company may override.

Every threshold, point, factor and table row used by readiness, nature, inputs, strategy,
sanctions and priority lives here, in frozen dataclasses with the documented defaults. A
company's settings override single fields with `with_overrides`; the rules never hard-code
the numbers.

>>> DEFAULT_TABLES.priority.window_factor
1.3
>>> custom = with_overrides(DEFAULT_TABLES, {"priority": {"window_factor": 1.4}})
>>> custom.priority.window_factor, DEFAULT_TABLES.priority.window_factor
(1.4, 1.3)
>>> DEFAULT_TABLES.risk.fallback["malicious"]
(0.2, 0.4, 0.6, 0.8)
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

Severity = Literal["block", "warn"]
Nature = Literal["non_malicious", "malicious", "disputed", "unknown"]
NATURES: tuple[Nature, ...] = ("non_malicious", "malicious", "disputed", "unknown")
Role = Literal["decision_maker", "acceptor", "payer", "finance", "other"]
ActionKind = Literal[
    "call", "message", "visit", "meeting", "letter", "demand", "document", "sanction", "none"
]
Strategy = Literal[
    "secure_limitation",
    "wait",
    "resolve_issue_first",
    "fix_gap",
    "secure_evidence",
    "escalate",
    "payment_plan",
    "timing",
    "exchange",
    "discount",
    "remind",
]
Condition = Literal[
    "limitation_near",
    "paused",
    "disputed",
    "block_gap",
    "malicious_without_evidence",
    "malicious_with_evidence",
    "funds_tight",
    "budget_delay",
    "future_business",
    "discount_worthwhile",
    "nature_unknown",
    "always",
]
Rung = Literal[
    "credit_hold", "suspend_performance", "stop_service", "revoke_authorisation", "reputation", "legal"
]
LegalBasis = Literal["contract_clause", "art_526", "art_527"]

# Seal kinds on stamped documents: 公章, 财务专用章, 合同专用章 are strong; 部门章 and a bare
# signature are weak (courts may doubt they bind the company).
SEAL_KINDS = ("company_seal", "finance_seal", "contract_seal", "department_seal", "signature")


def _ro(d: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(d))


@dataclass(frozen=True, slots=True)
class ReadinessTable:
    """Gap severities and steps (DESIGN §6 "Readiness gap codes")."""

    severities: Mapping[str, Severity] = field(
        default_factory=lambda: _ro(
            {
                "missing_contract_facts": "warn",
                "missing_acceptance_terms": "warn",
                "missing_payment_terms": "warn",
                "trigger_not_fired": "block",
                "missing_payer": "warn",
                "missing_decision_maker": "warn",
                "missing_acceptor": "warn",
                "unknown_book_close_day": "warn",
                "unknown_budget_process": "warn",
                "unknown_invoice_requirements": "warn",
                "unknown_funds_status": "warn",
                "open_blocking_issue": "block",
                "no_delivery_receipt": "block",
                "no_acceptance_certificate": "block",
                "confirmation_due": "warn",
                "confirmation_weak_seal": "warn",
                "unknown_contact_availability": "warn",
            }
        )
    )
    steps: Mapping[str, str] = field(
        default_factory=lambda: _ro(
            {
                "missing_contract_facts": "A1",
                "missing_acceptance_terms": "A2",
                "missing_payment_terms": "A2",
                "trigger_not_fired": "A3",
                "missing_payer": "B1",
                "missing_decision_maker": "B1",
                "missing_acceptor": "B1",
                "unknown_book_close_day": "B2",
                "unknown_budget_process": "B2",
                "unknown_invoice_requirements": "B2",
                "unknown_funds_status": "B2",
                "open_blocking_issue": "C1",
                "invoice_not_issued": "C2",
                "invoice_not_delivered": "C2",
                "invoice_red_reversed": "C2",
                "no_delivery_receipt": "C2",
                "no_acceptance_certificate": "C2",
                "confirmation_due": "C2",
                "confirmation_weak_seal": "C2",
                "unknown_contact_availability": "C4",
            }
        )
    )
    # 发票 gaps block only when the customer pays against an invoice (先票后款); otherwise a buyer
    # generally cannot refuse payment for a missing invoice, so we dun and fix in parallel.
    invoice_gap_severity_invoice_first: Severity = "block"
    invoice_gap_severity_otherwise: Severity = "warn"
    delivery_receipt_kinds: frozenset[str] = frozenset({"delivery"})
    acceptance_certificate_kinds: frozenset[str] = frozenset({"acceptance"})
    confirmation_max_age_days: int = 90  # "no stamped balance confirmation in the last quarter"
    strong_seals: frozenset[str] = frozenset({"company_seal", "finance_seal", "contract_seal"})


@dataclass(frozen=True, slots=True)
class NatureTable:
    """Debt-nature points (DESIGN §6 "Debt nature"); positive keys are the signal kinds."""

    points: Mapping[str, int] = field(
        default_factory=lambda: _ro(
            {
                "broken_promises": 2,  # per broken promise, capped by broken_promises_max
                "evasion_recorded": 3,
                "refuses_to_stamp": 2,
                "denies_debt": 3,
                "pays_others_not_us": 2,
                "on_time_history": -2,
                "recent_stamped_confirmation": -2,
                "recent_payment": -1,
                "answered_last_contact": -1,
                "known_budget_delay": -2,
                "funds_tight_cooperative": -1,
            }
        )
    )
    broken_promises_max: int = 4
    broken_promise_window_days: int = 180
    confirmation_window_days: int = 180
    payment_window_days: int = 60
    on_time_share_min: float = 0.70
    non_malicious_max_score: int = -1
    malicious_min_score: int = 3
    malicious_min_kinds: int = 2


@dataclass(frozen=True, slots=True)
class RiskTable:
    """Fallback p(never collected) by nature × age band (not due / ≤90 / ≤365 / >365 days overdue)."""

    fallback: Mapping[str, tuple[float, float, float, float]] = field(
        default_factory=lambda: _ro(
            {
                "non_malicious": (0.02, 0.05, 0.10, 0.20),
                "unknown": (0.05, 0.10, 0.20, 0.40),
                "disputed": (0.10, 0.20, 0.35, 0.50),
                "malicious": (0.20, 0.40, 0.60, 0.80),
            }
        )
    )
    band_limits: tuple[int, int] = (90, 365)
    expected_days_minimum: int = 30


@dataclass(frozen=True, slots=True)
class StrategyRow:
    """One row of the strategy table: when ``condition`` holds, recommend this."""

    condition: Condition
    strategy: Strategy
    action: ActionKind
    roles: tuple[Role, ...] = ()
    talk: str | None = None


DEFAULT_STRATEGY_ROWS: tuple[StrategyRow, ...] = (
    StrategyRow("limitation_near", "secure_limitation", "letter", ("payer", "finance")),
    StrategyRow("paused", "wait", "none"),
    StrategyRow("disputed", "resolve_issue_first", "meeting", ("acceptor",)),
    StrategyRow("block_gap", "fix_gap", "document"),
    StrategyRow("malicious_without_evidence", "secure_evidence", "demand", ("payer", "decision_maker")),
    StrategyRow("malicious_with_evidence", "escalate", "sanction", ("decision_maker",)),
    StrategyRow("funds_tight", "payment_plan", "meeting", ("payer", "decision_maker"), "sympathy"),
    StrategyRow("budget_delay", "timing", "call", ("payer",)),
    StrategyRow("future_business", "exchange", "visit", ("decision_maker",), "exchange"),
    StrategyRow("discount_worthwhile", "discount", "call", ("payer",), "discount"),
    # D1: when the nature is unknown, visit the key person to find out before reminding further.
    StrategyRow("nature_unknown", "remind", "visit", ("decision_maker", "payer")),
    StrategyRow("always", "remind", "call", ("payer",)),
)


@dataclass(frozen=True, slots=True)
class StrategyTable:
    """Strategy rows (first match wins) and the knobs of their conditions."""

    rows: tuple[StrategyRow, ...] = DEFAULT_STRATEGY_ROWS
    limitation_horizon_days: int = 180
    # A customer that will not stamp (malicious / disputed) gets a demand with proof of delivery,
    # which restarts the limitation clock without its cooperation (SPC limitation rules art. 8).
    limitation_uncooperative_action: ActionKind = "demand"
    limitation_uncooperative_natures: frozenset[str] = frozenset({"malicious", "disputed"})
    remind_visit_after_unanswered: int = 2
    remind_escalated_action: ActionKind = "visit"
    remind_escalated_roles: tuple[Role, ...] = ("payer", "decision_maker")
    # Who can fix a blocking gap at the customer's side (none: an internal task).
    gap_roles: Mapping[str, tuple[Role, ...]] = field(
        default_factory=lambda: _ro(
            {
                "trigger_not_fired": ("acceptor",),
                "open_blocking_issue": ("acceptor",),
                "no_delivery_receipt": ("acceptor",),
                "no_acceptance_certificate": ("acceptor",),
                "invoice_not_delivered": ("finance", "payer"),
                "invoice_red_reversed": ("finance", "payer"),
            }
        )
    )


@dataclass(frozen=True, slots=True)
class DiscountTable:
    """Cash-discount economics (DESIGN §6 "Discount break-even")."""

    offer_factor: Decimal = Decimal("0.8")  # offer at most 0.8·d* so waiting is never better
    step: Decimal = Decimal("0.005")  # offers are rounded DOWN to 0.5 %
    approval_threshold: Decimal = Decimal("0.02")  # above 2 % a manager approves
    min_break_even: Decimal = Decimal("0.005")  # the discount row needs d* ≥ 0.5 %
    cost_of_money_margin: float = 0.03  # default r = 1-year LPR + 3 %


@dataclass(frozen=True, slots=True)
class SanctionTable:
    """The sanction ladder F1–F5 and its preconditions (DESIGN §3, §6)."""

    ladder: tuple[Rung, ...] = (
        "credit_hold",
        "suspend_performance",
        "stop_service",
        "revoke_authorisation",
        "reputation",
        "legal",
    )
    steps: Mapping[str, str] = field(
        default_factory=lambda: _ro(
            {
                "credit_hold": "F1",
                "suspend_performance": "F1",
                "stop_service": "F2",
                "revoke_authorisation": "F3",
                "reputation": "F4",
                "legal": "F5",
            }
        )
    )
    credit_hold_min_broken_promises: int = 1
    credit_hold_days_overdue_over: int = 60
    stop_service_days_overdue_over: int = 90
    legal_bases: frozenset[str] = frozenset({"contract_clause", "art_526", "art_527"})
    # Art. 527 suspension is lawful only with prompt written notice (art. 528).
    notice_required_bases: frozenset[str] = frozenset({"art_527"})
    legal_cost_threshold: Decimal = Decimal("10000.00")
    approval_required: bool = True


@dataclass(frozen=True, slots=True)
class PriorityTable:
    """Worklist urgency multipliers (DESIGN §6 "Worklist priority")."""

    limitation_within_days: int = 90
    limitation_factor: float = 2.0
    broken_promise_factor: float = 1.5
    window_within_workdays: int = 3
    window_factor: float = 1.3


@dataclass(frozen=True, slots=True)
class DecisionTables:
    """All tables of one company."""

    readiness: ReadinessTable = field(default_factory=ReadinessTable)
    nature: NatureTable = field(default_factory=NatureTable)
    risk: RiskTable = field(default_factory=RiskTable)
    strategy: StrategyTable = field(default_factory=StrategyTable)
    discount: DiscountTable = field(default_factory=DiscountTable)
    sanctions: SanctionTable = field(default_factory=SanctionTable)
    priority: PriorityTable = field(default_factory=PriorityTable)


DEFAULT_TABLES = DecisionTables()


def with_overrides(tables: DecisionTables, overrides: Mapping[str, Mapping[str, Any]]) -> DecisionTables:
    """A copy of ``tables`` with single fields replaced: ``{"section": {"field": value}}``.

    Unknown sections or fields raise ValueError so a typo in company settings is not ignored.
    Mappings are frozen; lists become tuples.

    >>> t = with_overrides(DEFAULT_TABLES, {"sanctions": {"legal_cost_threshold": Decimal("5000.00")}})
    >>> t.sanctions.legal_cost_threshold
    Decimal('5000.00')
    >>> with_overrides(DEFAULT_TABLES, {"priority": {"windw_factor": 2}})
    Traceback (most recent call last):
    ...
    ValueError: unknown field priority.windw_factor
    """
    changes: dict[str, Any] = {}
    for section, values in overrides.items():
        if section not in DecisionTables.__dataclass_fields__:
            raise ValueError(f"unknown table {section}")
        current = getattr(tables, section)
        known = {f.name for f in dataclasses.fields(current)}
        clean: dict[str, Any] = {}
        for name, value in values.items():
            if name not in known:
                raise ValueError(f"unknown field {section}.{name}")
            if isinstance(value, Mapping):
                value = _ro(value)
            elif isinstance(value, list):
                value = tuple(value)
            clean[name] = value
        changes[section] = dataclasses.replace(current, **clean)
    return dataclasses.replace(tables, **changes)
