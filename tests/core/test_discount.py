"""Cash-discount economics (DESIGN §6): break-even discount, the offer, a requested discount."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.core.discount import break_even_discount, discount_offer, evaluate_discount
from huikuan.core.tables import DEFAULT_TABLES


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
