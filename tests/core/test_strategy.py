"""Strategy table (first match wins, DESIGN §6)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from huikuan.core.discount import break_even_discount
from huikuan.core.readiness import Gap
from huikuan.core.strategy import Situation, matching_rows, recommend
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
