"""Late-payment interest (agreed rate, LPR + 30–50 %) and the 2025 SME payment regulation."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.core.interest import (
    NOT_LAWFUL_DELAY_REASONS,
    AgreedRate,
    InterestPolicy,
    check_delay_reason,
    claim,
    sme_latest_due,
    sme_regulation_applies,
)

# Fixture rate table (1-year LPR), as an admin would enter it. Not read from the code.
LPR = [
    (date(2019, 8, 20), Decimal("0.0425")),
    (date(2024, 7, 22), Decimal("0.0335")),
    (date(2024, 10, 21), Decimal("0.0310")),
    (date(2025, 5, 20), Decimal("0.0300")),
]
D = Decimal


def test_interest_across_an_lpr_change_is_applied_piecewise() -> None:
    # Due 10 Oct 2024: 11–20 Oct at 3.35 % × 1.3, 21–31 Oct at 3.10 % × 1.3.
    c = claim(D("100000"), date(2024, 10, 10), date(2024, 10, 31), lpr_table=LPR)
    assert [(p.start, p.end, p.days) for p in c.pieces] == [
        (date(2024, 10, 11), date(2024, 10, 20), 10),
        (date(2024, 10, 21), date(2024, 10, 31), 11),
    ]
    assert [p.annual_rate for p in c.pieces] == [D("0.04355"), D("0.04030")]
    assert [p.interest for p in c.pieces] == [D("119.32"), D("121.45")]  # 4355×10/365, 4030×11/365
    assert (c.days, c.interest, c.total) == (21, D("240.77"), D("100240.77"))
    assert [r.code for r in c.reasons] == ["claim_to_date", "interest_lpr_markup", "interest_rate_changed"]
    assert dict(c.reasons[2].params) == {"on": date(2024, 10, 21), "annual_rate": D("0.0310")}


def test_lpr_at_breach_keeps_the_first_rate() -> None:
    policy = InterestPolicy(lpr_basis="at_breach")
    c = claim(D("100000"), date(2024, 10, 10), date(2024, 10, 31), lpr_table=LPR, policy=policy)
    assert len(c.pieces) == 1
    assert c.interest == D("250.56")  # 100000 × 3.35 % × 1.3 × 21 / 365 = 250.5616…


def test_company_chooses_the_markup_within_30_to_50_percent() -> None:
    high = claim(
        D("100000"), date(2025, 12, 31), date(2026, 3, 31), lpr_table=LPR, policy=InterestPolicy(D("0.50"))
    )
    assert high.interest == D("1109.59")  # 100000 × 3.0 % × 1.5 × 90 / 365 = 1109.589…
    assert dict(high.reasons[1].params)["markup_pct"] == D("50.00")
    for bad in ("0.29", "0.51"):
        with pytest.raises(ValueError, match=r"0\.30 and 0\.50"):
            InterestPolicy(D(bad))


@pytest.mark.parametrize(
    ("agreed", "interest", "code"),
    [
        (AgreedRate(D("0.0005"), "day"), D("150.00"), "interest_agreed_rate"),  # 10000 × 0.05 % × 30
        (AgreedRate(D("0.12"), "year"), D("98.63"), "interest_agreed_rate"),  # 10000 × 12 % × 30/365
    ],
)
def test_agreed_contract_rate_wins_over_the_lpr(agreed: AgreedRate, interest: Decimal, code: str) -> None:
    c = claim(D("10000"), date(2026, 1, 31), date(2026, 3, 2), agreed=agreed, lpr_table=LPR)
    assert (c.days, c.interest) == (30, interest)
    assert c.reasons[1].code == code


@pytest.mark.parametrize("to_date", [date(2026, 1, 31), date(2026, 1, 1)])
def test_not_overdue_means_no_interest(to_date: date) -> None:
    c = claim(D("10000"), date(2026, 1, 31), to_date, lpr_table=LPR)
    assert (c.interest, c.total, c.pieces) == (D("0.00"), D("10000.00"), ())
    assert [r.code for r in c.reasons] == ["not_overdue"]


def test_missing_rates_are_errors_not_zero() -> None:
    with pytest.raises(ValueError, match="LPR table"):
        claim(D("10000"), date(2026, 1, 31), date(2026, 3, 2))
    with pytest.raises(ValueError, match="starts after"):
        claim(D("10000"), date(2019, 1, 31), date(2019, 3, 2), lpr_table=LPR)


def test_breach_before_20_august_2019_is_flagged() -> None:
    table = [(date(2015, 10, 24), D("0.0435")), *LPR]
    c = claim(D("10000"), date(2019, 8, 1), date(2019, 9, 1), lpr_table=table)
    assert "breach_before_2019_08_20" in [r.code for r in c.reasons]


def test_claim_names_principal_interest_and_total_for_the_letter() -> None:
    c = claim(D("1234.5"), date(2026, 1, 31), date(2026, 3, 2), agreed=AgreedRate(D("0.0005"), "day"))
    assert dict(c.reasons[0].params) == {
        "to_date": date(2026, 3, 2),
        "principal": D("1234.50"),
        "days": 30,
        "interest": D("18.52"),  # 1234.50 × 0.0005 × 30 = 18.5175
        "total": D("1253.02"),
    }


# ------------------------------------------------------------------ SME payment regulation


@pytest.mark.parametrize(
    ("we_are_sme", "buyer", "applies"),
    [
        (True, "government", True),
        (True, "public_institution", True),
        (True, "large", True),
        (True, "sme", False),
        (True, "other", False),
        (True, "state_owned", False),  # type it "large" when it is one
        (False, "government", False),
    ],
)
def test_sme_regulation_applies_to_public_and_large_buyers(
    we_are_sme: bool, buyer: str, applies: bool
) -> None:
    assert sme_regulation_applies(we_are_sme, buyer) is applies


@pytest.mark.parametrize(
    ("buyer", "agreed_days", "latest", "code"),
    [
        ("government", None, date(2026, 4, 1), "sme_public_30_days"),
        ("public_institution", 45, date(2026, 4, 16), "sme_public_agreed_term"),
        ("public_institution", 90, date(2026, 5, 1), "sme_public_term_capped_60"),
        ("large", None, date(2026, 5, 1), "sme_large_60_days"),
        ("large", 90, date(2026, 5, 31), "sme_large_agreed_term"),
    ],
)
def test_sme_statutory_latest_due_date(buyer: str, agreed_days: int | None, latest: date, code: str) -> None:
    due = sme_latest_due(True, buyer, date(2026, 3, 2), agreed_days=agreed_days)
    assert due.covered
    assert due.latest_due_on == latest
    assert [r.code for r in due.reasons] == [code]


def test_sme_due_counts_from_acceptance_when_agreed() -> None:
    due = sme_latest_due(True, "government", date(2026, 5, 10), start_basis="acceptance")
    assert due.latest_due_on == date(2026, 6, 9)
    assert due.reasons[0].params["start_basis"] == "acceptance"


def test_sme_regulation_not_applicable_says_why() -> None:
    due = sme_latest_due(False, "government", date(2026, 3, 2))
    assert (due.covered, due.latest_due_on) == (False, None)
    assert dict(due.reasons[0].params) == {"we_are_sme": False, "buyer_type": "government"}


@pytest.mark.parametrize(
    ("delay_reason", "covered", "agreed", "code"),
    [
        ("internal_approval", True, False, "sme_delay_reason_not_lawful"),
        ("budget", True, False, "sme_delay_reason_not_lawful"),
        ("final_audit", True, False, "sme_delay_reason_not_lawful"),
        ("management_change", True, False, "sme_delay_reason_not_lawful"),
        ("final_audit", True, True, "sme_delay_reason_agreed"),  # the contract made it a condition
        ("budget", True, True, "sme_delay_reason_not_lawful"),
        ("budget", False, False, None),
        ("quality_issue", True, False, None),
    ],
)
def test_reasons_a_covered_buyer_may_not_give_for_delay(
    delay_reason: str, covered: bool, agreed: bool, code: str | None
) -> None:
    r = check_delay_reason(delay_reason, covered, contract_makes_it_a_condition=agreed)
    assert (r.code if r else None) == code
    assert set(NOT_LAWFUL_DELAY_REASONS) == {
        "internal_approval",
        "budget",
        "final_audit",
        "management_change",
    }


def test_sme_overdue_interest_defaults_to_five_per_ten_thousand_a_day() -> None:
    c = claim(D("50000"), date(2026, 3, 1), date(2026, 3, 21), lpr_table=LPR, sme_covered=True)
    assert c.interest == D("500.00")  # 50000 × 0.0005 × 20
    assert [r.code for r in c.reasons] == ["claim_to_date", "sme_default_daily_rate"]


def test_sme_agreed_rate_is_used_when_not_below_the_lpr_at_signing() -> None:
    c = claim(
        D("50000"),
        date(2026, 3, 1),
        date(2026, 3, 21),
        agreed=AgreedRate(D("0.06"), "year"),
        lpr_table=LPR,
        sme_covered=True,
        signed_on=date(2025, 6, 1),
    )
    assert c.interest == D("164.38")  # 50000 × 6 % × 20/365
    assert c.reasons[1].code == "sme_agreed_rate"


def test_sme_agreed_rate_below_the_lpr_at_signing_is_raised_to_it() -> None:
    c = claim(
        D("50000"),
        date(2026, 3, 1),
        date(2026, 3, 21),
        agreed=AgreedRate(D("0.02"), "year"),
        lpr_table=LPR,
        sme_covered=True,
        signed_on=date(2024, 8, 1),
    )
    assert c.interest == D("91.78")  # 50000 × 3.35 % × 20/365 = 91.78…
    assert dict(c.reasons[1].params) == {
        "agreed_annual": D("0.02"),
        "floor": D("0.0335"),
        "signed_on": date(2024, 8, 1),
    }


@given(
    principal=st.decimals(min_value=D("0.01"), max_value=D("99999999.99"), places=2),
    due_ordinal=st.integers(min_value=date(2019, 9, 1).toordinal(), max_value=date(2026, 6, 1).toordinal()),
    days=st.integers(min_value=1, max_value=2000),
    markup=st.sampled_from([D("0.30"), D("0.40"), D("0.50")]),
)
def test_claim_adds_up_piece_by_piece(
    principal: Decimal, due_ordinal: int, days: int, markup: Decimal
) -> None:
    due = date.fromordinal(due_ordinal)
    c = claim(
        principal, due, date.fromordinal(due_ordinal + days), lpr_table=LPR, policy=InterestPolicy(markup)
    )
    assert c.total == c.principal + c.interest
    assert c.interest == sum(p.interest for p in c.pieces)
    assert sum(p.days for p in c.pieces) == c.days == days
    assert all(p.interest >= 0 and p.interest == p.interest.quantize(D("0.01")) for p in c.pieces)
    assert all(a.end < b.start for a, b in zip(c.pieces, c.pieces[1:], strict=False))
