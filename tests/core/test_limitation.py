"""诉讼时效 clock: per milestone, interruptions by named events, suspension, art. 189, expiry."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.core.calendar import add_years
from huikuan.core.limitation import (
    REASONS,
    InterruptionEvent,
    LimitationMilestone,
    Obstacle,
    limitation_report,
    milestone_limitation,
    seal_strength,
)
from huikuan.core.reasons import Reason

AS_OF = date(2026, 6, 1)


def params(reasons: tuple[Reason, ...], code: str) -> dict[str, object]:
    found = [dict(r.params) for r in reasons if r.code == code]
    assert found, f"no {code} in {[r.code for r in reasons]}"
    return found[0]


def test_expiry_is_due_date_plus_three_years_unrolled() -> None:
    # The anniversary is a Sunday: shown as is (art. 203 might roll it; we never rely on that).
    st_ = milestone_limitation(1, date(2026, 9, 30), [], as_of=AS_OF)
    assert (st_.runs_from, st_.expires_on) == (date(2026, 9, 30), date(2029, 9, 30))  # a Sunday
    assert st_.codes == ("limitation_runs_from_due", "not_legal_advice")


def test_29_february_due_date_expires_on_28_february() -> None:
    st_ = milestone_limitation(1, date(2024, 2, 29), [], as_of=date(2026, 12, 1))
    assert st_.expires_on == date(2027, 2, 28)
    assert st_.days_left == 89
    assert "limitation_within_90" in st_.codes


def test_stamped_confirmation_restarts_only_the_receivables_it_names() -> None:
    confirmation = InterruptionEvent(
        date(2025, 5, 10), "balance_confirmation", frozenset({1}), "company_seal"
    )
    one = milestone_limitation(1, date(2023, 3, 1), [confirmation], AS_OF)
    two = milestone_limitation(2, date(2023, 3, 1), [confirmation], AS_OF)
    assert (one.runs_from, one.expires_on) == (date(2025, 5, 10), date(2028, 5, 10))
    assert params(one.reasons, "limitation_restarted") == {
        "on": date(2025, 5, 10),
        "kind": "balance_confirmation",
        "expires_on": date(2028, 5, 10),
    }
    assert two.expires_on == date(2026, 3, 1) and two.expired
    assert "weak_seal" not in one.codes


def test_whole_balance_confirmation_names_every_receivable() -> None:
    confirmation = InterruptionEvent(date(2025, 5, 10), "balance_confirmation", None, "finance_seal")
    ms = [LimitationMilestone(i, date(2023, 3, i)) for i in (1, 2, 3)]
    report = limitation_report(ms, [confirmation], AS_OF)
    assert {m.expires_on for m in report.milestones} == {date(2028, 5, 10)}


def test_partial_payment_restarts_only_the_paid_receivable() -> None:
    payment = InterruptionEvent(date(2024, 8, 1), "partial_payment", frozenset({"R2"}))
    ms = [LimitationMilestone("R1", date(2023, 9, 1)), LimitationMilestone("R2", date(2023, 9, 1))]
    by_id = {m.receivable_id: m for m in limitation_report(ms, [payment], AS_OF).milestones}
    assert by_id["R1"].expires_on == date(2026, 9, 1)
    assert by_id["R2"].expires_on == date(2027, 8, 1)
    assert params(by_id["R1"].reasons, "limitation_within_180")["days_left"] == 92


@pytest.mark.parametrize(
    ("kind", "seal"),
    [
        ("demand_delivered", None),
        ("payment_plan", "contract_seal"),
        ("guarantee", "company_seal"),
        ("extension_request", "finance_seal"),
        ("written_promise", "company"),  # the ledger's spelling of 公章
        ("suit", None),
        ("arbitration", None),
    ],
)
def test_each_interruption_kind_restarts_three_years(kind: str, seal: str | None) -> None:
    ev = InterruptionEvent(date(2025, 1, 20), kind, frozenset({1}), seal)  # type: ignore[arg-type]
    st_ = milestone_limitation(1, date(2023, 2, 1), [ev], AS_OF)
    assert st_.expires_on == date(2028, 1, 20)


def test_weak_seal_still_counts_but_is_flagged_with_the_fallback_date() -> None:
    events = [
        InterruptionEvent(date(2024, 3, 1), "balance_confirmation", None, "company_seal"),
        InterruptionEvent(date(2025, 9, 1), "balance_confirmation", None, "department_seal"),
    ]
    st_ = milestone_limitation(1, date(2023, 1, 10), events, AS_OF)
    assert st_.expires_on == date(2028, 9, 1)
    assert params(st_.reasons, "weak_seal") == {
        "on": date(2025, 9, 1),
        "kind": "balance_confirmation",
        "seal": "department_seal",
        "fallback_expires_on": date(2027, 3, 1),
    }


def test_weak_seal_superseded_by_a_strong_one_is_not_flagged() -> None:
    events = [
        InterruptionEvent(date(2024, 3, 1), "written_promise", None, "signature"),
        InterruptionEvent(date(2025, 9, 1), "balance_confirmation", None, "contract_seal"),
    ]
    assert "weak_seal" not in milestone_limitation(1, date(2023, 1, 10), events, AS_OF).codes


@pytest.mark.parametrize("seal", [None, "none"])
def test_unsealed_acknowledgement_is_not_counted(seal: str | None) -> None:
    ev = InterruptionEvent(date(2025, 9, 1), "balance_confirmation", None, seal)
    st_ = milestone_limitation(1, date(2023, 1, 10), [ev], AS_OF)
    assert st_.expires_on == date(2026, 1, 10)
    assert "unsealed_not_counted" in st_.codes


def test_events_before_the_due_date_or_after_as_of_do_not_restart() -> None:
    events = [
        InterruptionEvent(date(2024, 12, 1), "balance_confirmation", None, "company_seal"),  # before due
        InterruptionEvent(date(2026, 7, 1), "partial_payment", None),  # after as_of: not known yet
    ]
    st_ = milestone_limitation(1, date(2025, 1, 15), events, AS_OF)
    assert st_.expires_on == date(2028, 1, 15)
    assert st_.codes[0] == "limitation_runs_from_due"


def test_instalment_debt_shows_the_art_189_date_beside_the_milestone_dates() -> None:
    ms = [
        LimitationMilestone(1, date(2023, 1, 31), "HT-7"),
        LimitationMilestone(2, date(2023, 7, 31), "HT-7"),
        LimitationMilestone(3, date(2024, 1, 31), "HT-7"),
        LimitationMilestone(4, date(2024, 5, 1), "HT-8"),
    ]
    report = limitation_report(ms, [], AS_OF)
    assert [m.expires_on for m in report.milestones] == [
        date(2026, 1, 31),
        date(2026, 7, 31),
        date(2027, 1, 31),
        date(2027, 5, 1),
    ]
    assert report.milestones[0].expired  # the milestone clock is what counts; never replaced
    contract = {c.contract_id: c for c in report.contracts}["HT-7"]
    assert contract.receivable_id is None
    assert contract.expires_on == date(2027, 1, 31)
    assert contract.codes[0] == "art189_contract_date"
    assert params(contract.reasons, "art189_contract_date") == {
        "last_due_on": date(2024, 1, 31),
        "expires_on": date(2027, 1, 31),
    }
    assert report.disclaimer.code == "not_legal_advice"


def test_art_189_date_restarts_when_any_instalment_is_acknowledged() -> None:
    ms = [
        LimitationMilestone(1, date(2023, 1, 31), "HT-7"),
        LimitationMilestone(2, date(2024, 1, 31), "HT-7"),
    ]
    ev = InterruptionEvent(date(2025, 4, 1), "written_promise", frozenset({1}), "company_seal")
    contract = limitation_report(ms, [ev], AS_OF).contracts[0]
    assert contract.expires_on == date(2028, 4, 1)


@pytest.mark.parametrize(
    ("obstacle", "expires_on", "suspended"),
    [
        # In the last six months (expiry 1 Mar 2026): expiry = obstacle end + 6 months.
        (Obstacle(date(2025, 11, 1), date(2026, 1, 15)), date(2026, 7, 15), True),
        # Began before the last six months and lasted into them.
        (Obstacle(date(2025, 6, 1), date(2025, 10, 1)), date(2026, 4, 1), True),
        # Ended before the last six months: no effect.
        (Obstacle(date(2025, 3, 1), date(2025, 8, 31)), date(2026, 3, 1), False),
        # A short obstacle at the start of the window still gives its end + 6 months.
        (Obstacle(date(2025, 9, 1), date(2025, 9, 10)), date(2026, 3, 10), True),
        # Still going on: at least six months from as_of.
        (Obstacle(date(2026, 2, 1), None), date(2026, 12, 1), True),
    ],
)
def test_suspension_in_the_last_six_months(obstacle: Obstacle, expires_on: date, suspended: bool) -> None:
    st_ = milestone_limitation(1, date(2023, 3, 1), [], AS_OF, obstacles=[obstacle])
    assert st_.expires_on == expires_on
    assert any(c.startswith("limitation_suspended") for c in st_.codes) is suspended
    if obstacle.end is None:
        assert "limitation_suspended_ongoing" in st_.codes
    assert st_.expired is (expires_on < AS_OF)


def test_expired_claim_suggests_reacknowledge_never_giving_up() -> None:
    st_ = milestone_limitation(1, date(2022, 5, 1), [], AS_OF)
    assert st_.expired and st_.days_left == -396
    assert st_.codes == (
        "limitation_runs_from_due",
        "limitation_expired",
        "reacknowledge",
        "not_legal_advice",
    )
    assert params(st_.reasons, "reacknowledge") == {"expires_on": date(2025, 5, 1)}
    assert not any("give" in code or "write_off" in code for code in REASONS)


def test_stamped_acknowledgement_after_expiry_defeats_the_defence() -> None:
    ev = InterruptionEvent(date(2025, 10, 8), "balance_confirmation", None, "company_seal")
    st_ = milestone_limitation(1, date(2022, 5, 1), [ev], AS_OF)
    assert not st_.expired
    assert st_.expires_on == date(2028, 10, 8)
    assert params(st_.reasons, "reacknowledged_after_expiry")["expired_on"] == date(2025, 5, 1)


@pytest.mark.parametrize("kind", ["partial_payment", "demand_delivered", "suit"])
def test_payment_or_demand_after_expiry_does_not_revive(kind: str) -> None:
    ev = InterruptionEvent(date(2025, 10, 8), kind, None)  # type: ignore[arg-type]
    st_ = milestone_limitation(1, date(2022, 5, 1), [ev], AS_OF)
    assert st_.expired
    assert params(st_.reasons, "event_after_expiry") == {"on": date(2025, 10, 8), "kind": kind}
    assert "reacknowledge" in st_.codes


@pytest.mark.parametrize(
    ("due_on", "code"),
    [
        (date(2023, 12, 19), None),  # 201 days left
        (date(2023, 11, 29), None),  # 181
        (date(2023, 11, 28), "limitation_within_180"),  # 180 days left
        (date(2023, 8, 31), "limitation_within_180"),  # 91
        (date(2023, 8, 30), "limitation_within_90"),  # 90
        (date(2023, 7, 1), "limitation_within_30"),  # 30
        (date(2023, 6, 1), "limitation_within_30"),  # 0: the last day to sue
        (date(2023, 5, 31), "limitation_expired"),  # -1
    ],
)
def test_warning_tiers(due_on: date, code: str | None) -> None:
    st_ = milestone_limitation(1, due_on, [], AS_OF)
    warnings = [c for c in st_.codes if c.startswith("limitation_within") or c == "limitation_expired"]
    assert warnings == ([code] if code else [])
    assert st_.days_left == (add_years(due_on, 3) - AS_OF).days


def test_disclaimer_is_on_every_status() -> None:
    ms = [LimitationMilestone(i, date(2020 + i, 1, 1), "C") for i in range(6)]
    report = limitation_report(ms, [], AS_OF)
    assert all(s.codes[-1] == "not_legal_advice" for s in (*report.milestones, *report.contracts))


@pytest.mark.parametrize(
    ("seal", "strength"),
    [
        ("company_seal", "strong"),
        ("finance_seal", "strong"),
        ("contract_seal", "strong"),
        ("finance", "strong"),
        ("department_seal", "weak"),
        ("signature", "weak"),
        ("none", "none"),
        (None, "none"),
    ],
)
def test_seal_strength(seal: str | None, strength: str) -> None:
    assert seal_strength(seal) == strength


@given(
    due_on=st.dates(min_value=date(2019, 1, 1), max_value=date(2026, 5, 1)),
    event_days=st.lists(st.integers(min_value=0, max_value=2500), max_size=4),
)
def test_expiry_never_before_the_last_counted_event_plus_three_years(
    due_on: date, event_days: list[int]
) -> None:
    events = [
        InterruptionEvent(date.fromordinal(due_on.toordinal() + d), "partial_payment", None)
        for d in event_days
        if due_on.toordinal() + d <= AS_OF.toordinal()
    ]
    st_ = milestone_limitation(1, due_on, events, AS_OF)
    assert st_.expires_on >= add_years(due_on, 3)
    assert st_.expires_on == add_years(st_.runs_from, 3)
    assert st_.expired == (st_.expires_on < AS_OF)
