"""Sanction ladder F1–F5: preconditions, the law on suspension, the legal route, approval."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from huikuan.core.sanctions import SanctionFacts, assess_ladder, assess_rung, next_rung, rungs_to_lift
from huikuan.core.tables import DEFAULT_TABLES

AS_OF = date(2026, 3, 2)
BASE = SanctionFacts(nature="non_malicious", days_overdue=30, open_amount=Decimal("80000.00"))


def facts(**changes: Any) -> SanctionFacts:
    return dataclasses.replace(BASE, **changes)


def codes(rung: str, **changes: Any) -> tuple[bool, list[str]]:
    a = assess_rung(rung, facts(**changes), AS_OF)
    return a.preconditions_met, [r.code for r in a.reasons if r.code != "manager_approval_required"]


@pytest.mark.parametrize(
    ("changes", "met", "reason"),
    [
        ({"broken_promises": 1, "days_overdue": 61}, True, "credit_hold_broken_promise_overdue"),
        ({"broken_promises": 1, "days_overdue": 60}, False, "credit_hold_conditions_unmet"),
        ({"broken_promises": 0, "days_overdue": 200}, False, "credit_hold_conditions_unmet"),
        ({"nature": "malicious", "days_overdue": 1}, True, "credit_hold_malicious"),
    ],
)
def test_credit_hold_needs_a_broken_promise_and_sixty_days_or_malice(
    changes: dict[str, Any], met: bool, reason: str
) -> None:
    ok, got = codes("credit_hold", **changes)
    assert ok is met
    assert got[0] == reason
    if met:
        assert got[1] == "commercial_no_legal_basis_needed"


def test_suspension_without_legal_basis_is_refused() -> None:
    assert codes("suspend_performance", nature="malicious", days_overdue=300) == (False, ["no_legal_basis"])


@pytest.mark.parametrize(
    ("basis", "notice", "met", "reasons"),
    [
        ("contract_clause", None, True, ["legal_basis_recorded", "suspension_notice_to_send"]),
        ("art_526", date(2026, 3, 1), True, ["legal_basis_recorded", "suspension_notice_sent"]),
        ("art_527", None, False, ["art_528_notice_missing"]),
        ("art_527", date(2026, 3, 1), True, ["legal_basis_recorded", "suspension_notice_sent"]),
    ],
)
def test_suspension_with_a_recorded_legal_basis(
    basis: str, notice: date | None, met: bool, reasons: list[str]
) -> None:
    assert codes("suspend_performance", legal_basis=basis, notice_sent_on=notice) == (met, reasons)


@pytest.mark.parametrize(
    ("changes", "met", "reasons"),
    [
        (
            {"days_overdue": 91, "service_terms_allow_stop": True},
            True,
            ["stop_service_overdue", "stop_service_terms"],
        ),
        ({"days_overdue": 90, "service_terms_allow_stop": True}, False, ["stop_service_not_overdue_enough"]),
        ({"days_overdue": 120}, False, ["stop_service_no_contract_terms"]),
        (
            {"days_overdue": 120, "legal_basis": "art_526"},
            True,
            ["stop_service_overdue", "stop_service_terms"],
        ),
    ],
)
def test_stop_service_after_ninety_days_per_contract_terms(
    changes: dict[str, Any], met: bool, reasons: list[str]
) -> None:
    assert codes("stop_service", **changes) == (met, reasons)


def test_revoke_authorisation_needs_malice_and_complete_evidence() -> None:
    assert codes("revoke_authorisation") == (False, ["revoke_not_malicious", "revoke_evidence_incomplete"])
    assert codes("revoke_authorisation", nature="malicious") == (False, ["revoke_evidence_incomplete"])
    assert codes("revoke_authorisation", nature="malicious", evidence_complete=True) == (
        True,
        ["revoke_malicious_with_evidence"],
    )


def test_reputation_needs_facts_only_and_legal_review() -> None:
    assert codes("reputation", reputation_facts_only=True) == (False, ["reputation_legal_review_missing"])
    assert codes("reputation", reputation_facts_only=True, legal_review_done=True) == (
        True,
        ["reputation_facts_reviewed"],
    )


LEGAL_OK: dict[str, Any] = {"evidence_complete": True, "limitation_expires_on": date(2027, 1, 1)}


def test_legal_route_open_with_evidence_limitation_and_amount() -> None:
    assert codes("legal", **LEGAL_OK) == (True, ["legal_route_open"])


def test_legal_route_refused_after_limitation_expiry() -> None:
    ok, got = codes("legal", **{**LEGAL_OK, "limitation_expires_on": date(2026, 3, 1)})
    assert (ok, got) == (False, ["legal_limitation_expired"])


def test_legal_route_still_open_on_the_last_day_to_sue() -> None:
    assert codes("legal", **{**LEGAL_OK, "limitation_expires_on": AS_OF})[0] is True


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"evidence_complete": False}, "legal_evidence_incomplete"),
        ({"limitation_expires_on": None}, "legal_limitation_unknown"),
        ({"open_amount": Decimal("10000.00")}, "legal_amount_below_cost"),
    ],
)
def test_legal_route_refused_for_each_unmet_precondition(changes: dict[str, Any], reason: str) -> None:
    assert codes("legal", **{**LEGAL_OK, **changes}) == (False, [reason])


def test_every_rung_needs_manager_approval() -> None:
    for a in assess_ladder(facts(nature="malicious", evidence_complete=True), AS_OF):
        assert a.needs_approval
        assert a.reasons[-1].code == "manager_approval_required"


def test_ladder_steps_follow_the_method() -> None:
    steps = [(a.rung, a.step) for a in assess_ladder(BASE, AS_OF)]
    assert steps == [
        ("credit_hold", "F1"),
        ("suspend_performance", "F1"),
        ("stop_service", "F2"),
        ("revoke_authorisation", "F3"),
        ("reputation", "F4"),
        ("legal", "F5"),
    ]


def test_next_rung_is_the_lowest_one_not_in_force() -> None:
    f = facts(broken_promises=2, days_overdue=100)
    assert next_rung(f, AS_OF).rung == "credit_hold"


def test_next_rung_skips_rungs_whose_preconditions_fail_and_says_why() -> None:
    f = facts(
        nature="malicious",
        evidence_complete=True,
        days_overdue=120,
        active=frozenset({"credit_hold"}),
    )
    p = next_rung(f, AS_OF)
    assert p is not None
    assert (p.rung, p.preconditions_met) == ("revoke_authorisation", True)
    assert [(s.rung, s.reasons[0].code) for s in p.skipped] == [
        ("suspend_performance", "no_legal_basis"),
        ("stop_service", "stop_service_no_contract_terms"),
    ]


def test_when_no_rung_qualifies_the_lowest_remaining_one_is_shown_unmet() -> None:
    p = next_rung(facts(days_overdue=10), AS_OF)
    assert p is not None
    assert (p.rung, p.preconditions_met) == ("credit_hold", False)
    assert p.reasons[0].code == "credit_hold_conditions_unmet"


def test_no_next_rung_when_all_are_in_force() -> None:
    assert next_rung(facts(active=frozenset(DEFAULT_TABLES.sanctions.ladder)), AS_OF) is None


def test_legal_cost_threshold_is_a_company_setting() -> None:
    table = dataclasses.replace(DEFAULT_TABLES.sanctions, legal_cost_threshold=Decimal("100000.00"))
    a = assess_rung("legal", facts(**LEGAL_OK), AS_OF, table)
    assert a.reasons[0].code == "legal_amount_below_cost"
    assert a.reasons[0].params["threshold"] == Decimal("100000.00")


def test_paid_debt_lifts_every_active_rung_in_ladder_order() -> None:
    lifted = rungs_to_lift(frozenset({"legal", "credit_hold", "stop_service"}), Decimal("0.00"))
    assert [r.params["rung"] for r in lifted] == ["credit_hold", "stop_service", "legal"]
    assert rungs_to_lift(frozenset({"credit_hold"}), Decimal("0.01")) == ()
