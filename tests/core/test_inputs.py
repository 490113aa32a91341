"""Inputs defined once (DESIGN §6): risk, expected days to pay, evidence, can pay now, future business."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.core.inputs import (
    EvidenceFacts,
    can_pay_now,
    cost_of_money,
    evidence_complete,
    evidence_facts_from,
    expected_days_to_pay,
    future_business,
    risk,
)
from huikuan.core.readiness import InvoiceFact, complete_snapshot
from huikuan.core.tables import NATURES, Nature

AS_OF = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("nature", "expected"),
    [
        ("non_malicious", (0.02, 0.05, 0.10, 0.20)),
        ("unknown", (0.05, 0.10, 0.20, 0.40)),
        ("disputed", (0.10, 0.20, 0.35, 0.50)),
        ("malicious", (0.20, 0.40, 0.60, 0.80)),
    ],
)
def test_fallback_risk_by_nature_and_age_band(nature: Nature, expected: tuple[float, ...]) -> None:
    got = tuple(risk(nature, d).value for d in (-5, 90, 365, 366))
    assert got == expected
    assert risk(nature, 0).value == expected[0]
    assert risk(nature, 91).value == expected[2]


def test_model_probability_replaces_the_table() -> None:
    v = risk("malicious", 400, model_probability=0.12)
    assert v.value == 0.12
    assert v.reason.code == "risk_model"


def test_model_probability_outside_zero_one_is_rejected() -> None:
    with pytest.raises(ValueError, match="probability"):
        risk("unknown", 10, model_probability=1.2)


@pytest.mark.parametrize(
    ("days_overdue", "median", "predicted", "days", "code"),
    [
        (10, 75.0, None, 65.0, "expected_days_from_history"),
        (50, 75.0, None, 30.0, "expected_days_minimum"),
        (-15, 20.0, None, 35.0, "expected_days_from_history"),
        (10, None, None, 30.0, "expected_days_minimum"),
        (10, 75.0, 12.5, 12.5, "expected_days_predicted"),
        (10, 75.0, -3.0, 0.0, "expected_days_predicted"),
    ],
)
def test_expected_days_to_pay(
    days_overdue: int, median: float | None, predicted: float | None, days: float, code: str
) -> None:
    v = expected_days_to_pay(days_overdue, median, predicted)
    assert (v.value, v.reason.code) == (days, code)


FULL = EvidenceFacts(
    has_contract_document=True,
    invoices_ok=True,
    needs_delivery_receipt=True,
    has_delivery_receipt=True,
    needs_acceptance_certificate=True,
    has_acceptance_certificate=True,
    last_acknowledgement_on=date(2026, 2, 1),
    limitation_expires_on=date(2029, 1, 31),
)


def test_evidence_complete_when_everything_is_there() -> None:
    v = evidence_complete(FULL)
    assert v.value is True
    assert [r.code for r in v.reasons] == ["evidence_complete"]


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"has_contract_document": False}, "evidence_missing_contract"),
        ({"invoices_ok": False}, "evidence_missing_invoice"),
        ({"has_delivery_receipt": False}, "evidence_missing_delivery_receipt"),
        ({"has_acceptance_certificate": False}, "evidence_missing_acceptance_certificate"),
        ({"last_acknowledgement_on": None}, "evidence_missing_acknowledgement"),
        ({"last_acknowledgement_on": date(2029, 2, 1)}, "evidence_missing_acknowledgement"),
    ],
)
def test_each_missing_piece_of_evidence_has_its_reason(change: dict[str, object], code: str) -> None:
    v = evidence_complete(dataclasses.replace(FULL, **change))
    assert v.value is False
    assert [r.code for r in v.reasons] == [code]


def test_receipt_not_needed_is_not_missing() -> None:
    facts = dataclasses.replace(FULL, needs_delivery_receipt=False, has_delivery_receipt=False)
    assert evidence_complete(facts).value is True


def test_evidence_from_snapshot_ignores_weak_seal_confirmation() -> None:
    snap = complete_snapshot(milestone_kind="delivery", last_confirmation_seal="signature")
    facts = evidence_facts_from(
        snap,
        AS_OF,
        has_contract_document=True,
        last_demand_delivered_on=None,
        limitation_expires_on=date(2029, 1, 31),
    )
    assert facts.last_acknowledgement_on is None
    assert facts.needs_delivery_receipt and facts.has_delivery_receipt
    strong = dataclasses.replace(snap, last_confirmation_seal="company_seal")
    facts = evidence_facts_from(
        strong,
        AS_OF,
        has_contract_document=True,
        last_demand_delivered_on=date(2026, 1, 5),
        limitation_expires_on=date(2029, 1, 31),
    )
    assert facts.last_acknowledgement_on == date(2026, 2, 1)
    assert evidence_complete(facts).value is True


def test_evidence_from_snapshot_sees_invoice_gaps() -> None:
    snap = complete_snapshot(invoices=(InvoiceFact("9", "issued"),))
    facts = evidence_facts_from(
        snap, AS_OF, has_contract_document=True, last_demand_delivered_on=None, limitation_expires_on=None
    )
    assert facts.invoices_ok is False


@pytest.mark.parametrize(
    ("funds", "needs_budget", "budget_year", "value", "codes"),
    [
        ("ample", False, None, True, ["funds_ok", "budget_ok"]),
        ("normal", True, 2026, True, ["funds_ok", "budget_ok"]),
        ("normal", True, 2027, False, ["funds_ok", "budget_gap"]),
        ("normal", True, None, False, ["funds_ok", "budget_gap"]),
        ("tight", False, None, False, ["funds_short", "budget_ok"]),
        ("distressed", None, None, False, ["funds_short", "budget_ok"]),
        (None, False, None, False, ["funds_status_unknown", "budget_ok"]),
    ],
)
def test_can_pay_now(
    funds: str | None, needs_budget: bool | None, budget_year: int | None, value: bool, codes: list[str]
) -> None:
    v = can_pay_now(funds, needs_budget, budget_year, AS_OF)
    assert v.value is value
    assert [r.code for r in v.reasons] == codes


@pytest.mark.parametrize(
    ("relationship", "others", "value", "code"),
    [
        ("strategic", 0, True, "strategic_relationship"),
        ("normal", 1, True, "other_contract_in_progress"),
        ("one-off", 0, False, "no_future_business"),
        (None, 0, False, "no_future_business"),
    ],
)
def test_future_business(relationship: str | None, others: int, value: bool, code: str) -> None:
    v = future_business(relationship, others)
    assert (v.value, v.reason.code) == (value, code)


def test_cost_of_money_is_lpr_plus_margin() -> None:
    v = cost_of_money(0.031)
    assert v.value == pytest.approx(0.061)
    assert v.reason.params["margin"] == 0.03


@given(st.sampled_from(NATURES), st.integers(min_value=-400, max_value=4000))
def test_fallback_risk_grows_with_age_and_is_a_probability(nature: Nature, days: int) -> None:
    p = risk(nature, days).value
    assert 0 < p < 1
    assert risk(nature, days + 30).value >= p
