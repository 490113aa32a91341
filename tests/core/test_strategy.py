"""Strategy table (first match wins) and cash-discount economics (DESIGN §6)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.core.readiness import Gap
from huikuan.core.strategy import (
    Situation,
    break_even_discount,
    discount_offer,
    evaluate_discount,
    matching_rows,
    recommend,
)
from huikuan.core.tables import DEFAULT_TABLES, StrategyRow, with_overrides

AS_OF = date(2026, 3, 2)
BASE = Situation(as_of=AS_OF, nature="non_malicious", open_amount=Decimal("100000.00"))
BLOCK = Gap("no_acceptance_certificate", "block", "C2")
DISCOUNTABLE = {"can_pay_now": True, "risk": 0.05, "expected_days": 90.0, "cost_of_money": 0.06}


def situation(**changes: Any) -> Situation:
    return dataclasses.replace(BASE, **changes)


ROW_CASES: list[tuple[str, dict[str, Any], tuple[str, str, str | None]]] = [
    (
        "limitation_near",
        {"limitation_expires_on": AS_OF + timedelta(days=180)},
        ("secure_limitation", "letter", "payer"),
    ),
    ("paused", {"pause_until": AS_OF + timedelta(days=1), "pause_reason": "promise"}, ("wait", "none", None)),
    ("disputed", {"nature": "disputed"}, ("resolve_issue_first", "meeting", "acceptor")),
    ("block_gap", {"gaps": (BLOCK,)}, ("fix_gap", "document", "acceptor")),
    ("malicious_without_evidence", {"nature": "malicious"}, ("secure_evidence", "demand", "payer")),
    (
        "malicious_with_evidence",
        {"nature": "malicious", "evidence_complete": True, "next_sanction": "credit_hold"},
        ("escalate", "sanction", "decision_maker"),
    ),
    ("funds_tight", {"funds_status": "distressed"}, ("payment_plan", "meeting", "payer")),
    (
        "budget_delay",
        {"budget_delay": True, "next_window_on": date(2026, 3, 20)},
        ("timing", "call", "payer"),
    ),
    ("future_business", {"future_business": True}, ("exchange", "visit", "decision_maker")),
    ("discount_worthwhile", DISCOUNTABLE, ("discount", "call", "payer")),
    ("nature_unknown", {"nature": "unknown"}, ("remind", "visit", "decision_maker")),
    ("always", {}, ("remind", "call", "payer")),
]


@pytest.mark.parametrize(("condition", "changes", "expected"), ROW_CASES, ids=[c[0] for c in ROW_CASES])
def test_each_row_wins_in_its_situation(
    condition: str, changes: dict[str, Any], expected: tuple[str, str, str | None]
) -> None:
    rec = recommend(situation(**changes))
    assert DEFAULT_TABLES.strategy.rows[rec.row].condition == condition
    assert (rec.strategy, rec.action, rec.contact_role) == expected


def test_every_default_row_has_a_case() -> None:
    assert [r.condition for r in DEFAULT_TABLES.strategy.rows] == [c[0] for c in ROW_CASES]


def test_first_match_wins_from_the_top_of_the_table() -> None:
    everything = situation(
        limitation_expires_on=AS_OF + timedelta(days=30),
        pause_until=AS_OF + timedelta(days=5),
        nature="disputed",
        gaps=(BLOCK,),
    )
    assert matching_rows(everything)[:4] == [0, 1, 2, 3]
    order = []
    for peel in (
        {"limitation_expires_on": None},
        {"pause_until": None},
        {"nature": "non_malicious"},
        {"gaps": ()},
    ):
        order.append(recommend(everything).strategy)
        everything = dataclasses.replace(everything, **peel)
    order.append(recommend(everything).strategy)
    assert order == ["secure_limitation", "wait", "resolve_issue_first", "fix_gap", "remind"]


def test_first_match_wins_among_non_malicious_rows() -> None:
    everything = situation(funds_status="tight", budget_delay=True, future_business=True, **DISCOUNTABLE)
    order = []
    for peel in (
        {"funds_status": "normal"},
        {"budget_delay": False},
        {"future_business": False},
        {"can_pay_now": False},
    ):
        order.append(recommend(everything).strategy)
        everything = dataclasses.replace(everything, **peel)
    order.append(recommend(everything).strategy)
    assert order == ["payment_plan", "timing", "exchange", "discount", "remind"]


def test_block_gap_beats_malicious_escalation() -> None:
    rec = recommend(situation(nature="malicious", evidence_complete=True, gaps=(BLOCK,)))
    assert rec.strategy == "fix_gap"
    assert rec.gap == BLOCK
    assert [r.code for r in rec.reasons] == ["blocking_gap", "no_acceptance_certificate"]


def test_rows_are_data_a_company_can_reorder() -> None:
    rows = DEFAULT_TABLES.strategy.rows
    swapped = (rows[8], *rows[:8], *rows[9:])  # exchange before everything
    tables = with_overrides(DEFAULT_TABLES, {"strategy": {"rows": swapped}})
    s = situation(future_business=True, limitation_expires_on=AS_OF + timedelta(days=10))
    assert recommend(s).strategy == "secure_limitation"
    assert recommend(s, tables).strategy == "exchange"


def test_a_table_without_a_catch_all_row_fails_loudly() -> None:
    tables = with_overrides(DEFAULT_TABLES, {"strategy": {"rows": (StrategyRow("paused", "wait", "none"),)}})
    with pytest.raises(ValueError, match="always"):
        recommend(BASE, tables)


def test_expired_limitation_asks_to_reacknowledge_by_letter_even_when_malicious() -> None:
    rec = recommend(situation(nature="malicious", limitation_expires_on=AS_OF - timedelta(days=1)))
    assert (rec.strategy, rec.action, rec.reasons[0].code) == ("secure_limitation", "letter", "reacknowledge")


def test_limitation_near_with_an_uncooperative_customer_sends_a_demand() -> None:
    rec = recommend(situation(nature="malicious", limitation_expires_on=AS_OF + timedelta(days=60)))
    assert (rec.action, rec.reasons[0].code) == ("demand", "limitation_expiring")
    assert rec.reasons[0].params["days_left"] == 60


def test_limitation_far_away_does_not_match() -> None:
    assert recommend(situation(limitation_expires_on=AS_OF + timedelta(days=181))).strategy == "remind"


def test_pause_ending_today_no_longer_waits() -> None:
    assert recommend(situation(pause_until=AS_OF)).strategy == "remind"
    rec = recommend(situation(pause_until=AS_OF + timedelta(days=3), pause_reason="dispute"))
    assert rec.on == AS_OF + timedelta(days=3)


def test_payment_plan_uses_sympathy_talk_and_exchange_talks_future_business() -> None:
    assert recommend(situation(funds_status="tight")).talk == "sympathy"
    assert recommend(situation(future_business=True)).talk == "exchange"


def test_escalation_names_the_next_sanction_rung() -> None:
    rec = recommend(situation(nature="malicious", evidence_complete=True, next_sanction="legal"))
    assert rec.sanction == "legal"
    assert rec.reasons[-1].params["rung"] == "legal"


def test_timing_aims_at_the_next_window() -> None:
    rec = recommend(situation(budget_delay=True, next_window_on=date(2026, 3, 20)))
    assert rec.on == date(2026, 3, 20)


def test_sme_regulation_makes_budget_no_reason_to_wait() -> None:
    rec = recommend(situation(budget_delay=True, sme_protected=True))
    assert rec.strategy == "remind"
    assert "sme_budget_not_lawful_delay" in [r.code for r in rec.reasons]


@pytest.mark.parametrize(("unanswered", "action"), [(0, "call"), (1, "call"), (2, "visit"), (5, "visit")])
def test_remind_becomes_a_visit_after_two_unanswered_reminders(unanswered: int, action: str) -> None:
    rec = recommend(situation(unanswered_reminders=unanswered))
    assert (rec.strategy, rec.action) == ("remind", action)


def test_discount_row_carries_the_offer() -> None:
    rec = recommend(situation(**DISCOUNTABLE))
    assert rec.discount is not None
    assert rec.discount.max_offer == Decimal("0.050")
    assert rec.discount.needs_approval is True


def test_discount_row_needs_a_break_even_of_half_a_percent() -> None:
    # r·t/365 tiny and no risk: d* < 0.5 %, no discount worth offering.
    s = situation(can_pay_now=True, risk=0.0, expected_days=30.0, cost_of_money=0.05)
    assert break_even_discount(0.0, 30, 0.05) < 0.005
    assert recommend(s).strategy == "remind"


def test_break_even_formula_worked_example() -> None:
    # A = 100 000, p = 5 %, t = 90 days, r = 6 %: waiting is worth 95 000 / (1 + 0.06·90/365)
    # = 93 615.01, so d* = 1 − 0.936150 = 6.385 %; offer ≤ 0.8·d* = 5.108 % → 5.0 %.
    d_star = break_even_discount(0.05, 90, 0.06)
    assert d_star == pytest.approx(0.0638499, abs=1e-7)
    offer = discount_offer(Decimal("100000.00"), 0.05, 90, 0.06)
    assert offer.max_offer == Decimal("0.050")
    assert (offer.amount_off, offer.pay_now) == (Decimal("5000.00"), Decimal("95000.00"))
    assert offer.needs_approval is True  # above the 2 % threshold


def test_break_even_rounds_down_to_half_a_percent_and_below_threshold_needs_no_approval() -> None:
    # p = 0, r = 7.3 %, t = 50 days: r·t/365 = 1 %, d* = 1 − 1/1.01 = 0.990 %, 0.8·d* = 0.792 % → 0.5 %.
    offer = discount_offer(Decimal("20000.00"), 0.0, 50, 0.073)
    assert offer.break_even == Decimal("0.009900990")
    assert offer.max_offer == Decimal("0.005")
    assert offer.amount_off == Decimal("100.00")
    assert offer.needs_approval is False


def test_discount_above_break_even_is_refused() -> None:
    d = evaluate_discount(Decimal("0.065"), Decimal("100000.00"), p=0.05, t_days=90, r=0.06)
    assert d.allowed is False
    assert d.reasons[0].code == "discount_above_break_even"
    assert d.reasons[0].params["break_even"] == Decimal("0.063849892")


def test_discount_between_offer_cap_and_break_even_needs_approval() -> None:
    d = evaluate_discount(Decimal("0.06"), Decimal("100000.00"), p=0.05, t_days=90, r=0.06)
    assert d.allowed and d.needs_approval
    assert [r.code for r in d.reasons] == ["discount_above_offer_cap", "discount_needs_approval"]


def test_small_discount_within_offer_needs_no_approval() -> None:
    d = evaluate_discount(Decimal("0.015"), Decimal("100000.00"), p=0.05, t_days=90, r=0.06)
    assert (d.allowed, d.needs_approval) == (True, False)
    assert [r.code for r in d.reasons] == ["discount_within_offer"]


def test_company_approval_threshold_is_configurable() -> None:
    table = dataclasses.replace(DEFAULT_TABLES.discount, approval_threshold=Decimal("0.01"))
    d = evaluate_discount(Decimal("0.015"), Decimal("100000.00"), p=0.05, t_days=90, r=0.06, table=table)
    assert d.needs_approval is True


@pytest.mark.parametrize("bad", [Decimal("-0.01"), Decimal("1")])
def test_discount_outside_zero_one_is_an_error(bad: Decimal) -> None:
    with pytest.raises(ValueError, match="fraction"):
        evaluate_discount(bad, Decimal("100.00"), p=0.05, t_days=90, r=0.06)


@given(
    st.floats(min_value=0, max_value=0.95),
    st.floats(min_value=0, max_value=720),
    st.floats(min_value=0, max_value=0.3),
    st.decimals(min_value=1, max_value=10_000_000, places=2),
)
def test_offer_never_exceeds_eighty_percent_of_break_even(
    p: float, t: float, r: float, amount: Decimal
) -> None:
    offer = discount_offer(amount, p, t, r)
    assert offer.max_offer >= 0
    assert offer.max_offer <= Decimal("0.8") * offer.break_even + Decimal("1e-9")
    assert offer.max_offer % Decimal("0.005") == 0
    assert offer.pay_now + offer.amount_off == amount
    # Paying now with the offer is never worth less than waiting (we gain).
    waiting = float(amount) * (1 - p) / (1 + r * t / 365)
    assert float(offer.pay_now) >= waiting - 0.01
