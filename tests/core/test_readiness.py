"""Readiness gaps A1–C4: one case per gap code, with its severity and step (DESIGN §6)."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.core.readiness import (
    Gap,
    InvoiceFact,
    ReadinessSnapshot,
    blocking,
    complete_snapshot,
    readiness_gaps,
)
from huikuan.core.tables import DEFAULT_TABLES, ReadinessTable

AS_OF = date(2026, 3, 1)


def gaps_of(**changes: Any) -> list[tuple[str, str, str]]:
    return [(g.code, g.severity, g.step) for g in readiness_gaps(complete_snapshot(**changes), AS_OF)]


def test_complete_snapshot_has_no_gaps() -> None:
    assert readiness_gaps(complete_snapshot(), AS_OF) == ()


CASES: list[tuple[str, dict[str, Any], list[tuple[str, str, str]]]] = [
    ("missing_contract_facts", {"owner": None}, [("missing_contract_facts", "warn", "A1")]),
    ("missing_acceptance_terms", {"acceptance_method": ""}, [("missing_acceptance_terms", "warn", "A2")]),
    ("missing_payment_terms", {"payment_method": None}, [("missing_payment_terms", "warn", "A2")]),
    ("trigger_not_fired", {"trigger_fired": False}, [("trigger_not_fired", "block", "A3")]),
    (
        "missing_payer",
        {"contact_roles": frozenset({"decision_maker", "acceptor"})},
        [("missing_payer", "warn", "B1")],
    ),
    (
        "missing_decision_maker",
        {"contact_roles": frozenset({"payer", "acceptor"})},
        [("missing_decision_maker", "warn", "B1")],
    ),
    (
        "missing_acceptor",
        {"contact_roles": frozenset({"payer", "decision_maker"})},
        [("missing_acceptor", "warn", "B1")],
    ),
    ("unknown_book_close_day", {"book_close_day": None}, [("unknown_book_close_day", "warn", "B2")]),
    ("unknown_budget_process", {"needs_budget": None}, [("unknown_budget_process", "warn", "B2")]),
    (
        "unknown_invoice_requirements",
        {"invoice_requirements": ""},
        [("unknown_invoice_requirements", "warn", "B2")],
    ),
    ("unknown_funds_status", {"funds_status": None}, [("unknown_funds_status", "warn", "B2")]),
    (
        "open_blocking_issue",
        {"open_blocking_issues": ("质量问题 #12",)},
        [("open_blocking_issue", "block", "C1")],
    ),
    ("invoice_not_issued", {"invoices": ()}, [("invoice_not_issued", "block", "C2")]),
    (
        "invoice_not_delivered",
        {"invoices": (InvoiceFact("1", "issued", Decimal("30000.00")),)},
        [("invoice_not_delivered", "block", "C2")],
    ),
    (
        "invoice_red_reversed",
        {"invoices": (InvoiceFact("1", "red_reversed", Decimal("30000.00")),)},
        [("invoice_red_reversed", "block", "C2")],
    ),
    (
        "no_delivery_receipt",
        {"milestone_kind": "delivery", "has_delivery_receipt": False},
        [("no_delivery_receipt", "block", "C2")],
    ),
    (
        "no_acceptance_certificate",
        {"milestone_kind": "acceptance", "has_acceptance_certificate": False},
        [("no_acceptance_certificate", "block", "C2")],
    ),
    ("confirmation_due", {"last_confirmation_on": date(2025, 11, 30)}, [("confirmation_due", "warn", "C2")]),
    (
        "confirmation_weak_seal",
        {"last_confirmation_seal": "department_seal"},
        [("confirmation_weak_seal", "warn", "C2")],
    ),
    (
        "unknown_contact_availability",
        {"key_contacts_availability_known": False},
        [("unknown_contact_availability", "warn", "C4")],
    ),
]


@pytest.mark.parametrize(("code", "changes", "expected"), CASES, ids=[c[0] for c in CASES])
def test_each_gap_code_has_its_severity_and_step(
    code: str, changes: dict[str, Any], expected: list[tuple[str, str, str]]
) -> None:
    assert gaps_of(**changes) == expected


def test_every_gap_code_in_the_table_is_covered_by_a_case() -> None:
    covered = {c[0] for c in CASES}
    assert set(DEFAULT_TABLES.readiness.steps) == covered


@pytest.mark.parametrize(
    "invoices",
    [
        (),
        (InvoiceFact("1", "issued", Decimal("30000.00")),),
        (InvoiceFact("1", "red_reversed", Decimal("30000.00")),),
    ],
)
def test_invoice_gaps_only_warn_when_customer_does_not_pay_against_invoice(
    invoices: tuple[InvoiceFact, ...],
) -> None:
    first = gaps_of(invoices=invoices, invoice_before_payment=True)
    later = gaps_of(invoices=invoices, invoice_before_payment=False)
    unknown = gaps_of(invoices=invoices, invoice_before_payment=None)
    assert [s for _, s, _ in first] == ["block"]
    assert [s for _, s, _ in later] == ["warn"]
    assert [s for _, s, _ in unknown] == ["warn"]


def test_partly_invoiced_receivable_reports_the_missing_amount() -> None:
    snap = complete_snapshot(invoices=(InvoiceFact("1", "delivered", Decimal("12000.00")),))
    (gap,) = readiness_gaps(snap, AS_OF)
    assert gap.code == "invoice_not_issued"
    assert gap.params["missing"] == Decimal("18000.00")


def test_reversed_invoice_replaced_by_a_new_one_is_no_gap() -> None:
    invoices = (
        InvoiceFact("1", "red_reversed", Decimal("30000.00")),
        InvoiceFact("2", "accepted", Decimal("30000.00")),
    )
    assert gaps_of(invoices=invoices) == []


def test_milestone_without_invoice_need_skips_invoice_checks() -> None:
    assert gaps_of(invoices=(), invoice_required=False) == []


def test_delivery_receipt_is_not_needed_for_an_advance() -> None:
    assert (
        gaps_of(milestone_kind="advance", has_delivery_receipt=False, has_acceptance_certificate=False) == []
    )


def test_missing_contract_facts_names_each_missing_field() -> None:
    (gap,) = readiness_gaps(complete_snapshot(project_name=None, signed_on=None), AS_OF)
    assert gap.params["missing"] == ("project_name", "signed_on")


def test_payment_terms_accept_a_trigger_instead_of_a_date() -> None:
    assert gaps_of(due_on=None, trigger_event="acceptance") == []
    assert gaps_of(due_on=None, trigger_event=None)[0][0] == "missing_payment_terms"


def test_budget_needed_without_a_budget_month_is_unknown_process() -> None:
    assert gaps_of(needs_budget=True, budget_month=None) == [("unknown_budget_process", "warn", "B2")]
    assert gaps_of(needs_budget=True, budget_month=10) == []


@pytest.mark.parametrize(
    ("last", "due"), [(date(2025, 12, 1), False), (date(2025, 11, 30), True), (None, True)]
)
def test_confirmation_is_due_after_a_quarter(last: date | None, due: bool) -> None:
    codes = [c for c, _, _ in gaps_of(last_confirmation_on=last)]
    assert ("confirmation_due" in codes) is due


def test_strong_seals_pass_and_a_bare_signature_is_weak() -> None:
    for seal in ("company_seal", "finance_seal", "contract_seal"):
        assert gaps_of(last_confirmation_seal=seal) == []
    assert gaps_of(last_confirmation_seal="signature")[0][0] == "confirmation_weak_seal"


def test_company_may_make_a_gap_blocking() -> None:
    sev = dict(DEFAULT_TABLES.readiness.severities)
    sev["missing_payer"] = "block"
    table = dataclasses.replace(ReadinessTable(), severities=sev)
    snap = complete_snapshot(contact_roles=frozenset({"decision_maker", "acceptor"}))
    assert [g.severity for g in readiness_gaps(snap, AS_OF, table)] == ["block"]


def test_empty_record_lists_gaps_in_method_order() -> None:
    steps = [g.step for g in readiness_gaps(ReadinessSnapshot(), AS_OF)]
    assert steps == sorted(steps)
    assert steps[0] == "A1"


def test_blocking_keeps_only_block_gaps() -> None:
    gaps = [Gap("missing_payer", "warn", "B1"), Gap("trigger_not_fired", "block", "A3")]
    assert [g.code for g in blocking(gaps)] == ["trigger_not_fired"]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["issued", "delivered", "accepted", "red_reversed"]),
            st.decimals(min_value=0, max_value=50000, places=2),
        ),
        max_size=4,
    ),
    st.booleans(),
)
def test_invoice_gaps_are_consistent_with_the_invoices(
    invoices: list[tuple[str, Decimal]], invoice_first: bool
) -> None:
    facts = tuple(InvoiceFact(str(i), status, amount) for i, (status, amount) in enumerate(invoices))
    gaps = readiness_gaps(complete_snapshot(invoices=facts, invoice_before_payment=invoice_first), AS_OF)
    codes = {g.code for g in gaps}
    valid = [f for f in facts if f.status != "red_reversed"]
    covered = sum((f.amount or Decimal(0) for f in valid), Decimal(0))
    assert ("invoice_not_delivered" in codes) == any(f.status == "issued" for f in valid)
    short = covered < Decimal("30000.00") or not valid
    assert bool(codes & {"invoice_not_issued", "invoice_red_reversed"}) == short
    assert all(g.severity == ("block" if invoice_first else "warn") for g in gaps)
