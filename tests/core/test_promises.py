"""Promise outcomes and dunning pauses (E5)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from huikuan.core.promises import (
    AllocatedPayment,
    Dispute,
    Promise,
    PromisePolicy,
    pause_for,
    promise_outcomes,
)

D = Decimal


PROMISED_ON = date(2026, 3, 10)  # grace 3 days: counts payments up to 13 March
PROMISE = Promise("P1", D("1000"), PROMISED_ON, frozenset({1, 2}), made_on=date(2026, 3, 1))


def pay(day: int, amount: str, receivable: int = 1) -> AllocatedPayment:
    return AllocatedPayment(receivable, date(2026, 3, day), D(amount))


@pytest.mark.parametrize(
    ("payments", "as_of", "status", "paid"),
    [
        ([], date(2026, 3, 13), "pending", "0.00"),  # the last grace day
        ([], date(2026, 3, 14), "broken", "0.00"),
        ([pay(13, "1000")], date(2026, 3, 20), "kept", "1000.00"),  # paid on the last grace day
        ([pay(14, "1000")], date(2026, 3, 20), "broken", "0.00"),  # one day too late
        ([pay(12, "400")], date(2026, 3, 20), "partly_kept", "400.00"),
        ([pay(12, "400")], date(2026, 3, 12), "pending", "400.00"),
        ([pay(5, "600"), pay(11, "400", receivable=2)], date(2026, 3, 11), "kept", "1000.00"),  # early
        ([pay(12, "1500")], date(2026, 3, 20), "kept", "1000.00"),
        ([pay(13, "1000")], date(2026, 3, 12), "pending", "0.00"),  # not yet paid as of that day
        (
            [AllocatedPayment(1, date(2026, 2, 28), D("1000"))],
            date(2026, 3, 20),
            "broken",
            "0.00",
        ),  # before promise
        ([pay(12, "1000", receivable=3)], date(2026, 3, 20), "broken", "0.00"),  # another receivable
    ],
)
def test_promise_kept_partly_kept_or_broken_around_the_grace_day(
    payments: list[AllocatedPayment], as_of: date, status: str, paid: str
) -> None:
    (outcome,) = promise_outcomes([PROMISE], payments, as_of)
    assert (outcome.status, outcome.paid) == (status, D(paid))
    assert outcome.deadline == date(2026, 3, 13)
    assert outcome.reasons[0].code == f"promise_{status}"
    assert outcome.shortfall == max(D("0.00"), D("1000") - D(paid))


def test_one_payment_does_not_keep_two_instalments() -> None:
    made = date(2026, 1, 5)
    first = Promise("I1", D("500"), date(2026, 1, 31), frozenset({1}), made_on=made)
    second = Promise("I2", D("500"), date(2026, 2, 28), frozenset({1}), made_on=made)
    result = promise_outcomes(
        [second, first], [AllocatedPayment(1, date(2026, 1, 30), D("500"))], date(2026, 3, 10)
    )
    assert [(o.promise.id, o.status) for o in result] == [("I1", "kept"), ("I2", "broken")]


def test_grace_days_are_a_company_setting() -> None:
    (outcome,) = promise_outcomes(
        [PROMISE], [pay(14, "1000")], date(2026, 3, 20), PromisePolicy(grace_days=5)
    )
    assert outcome.status == "kept"


# ------------------------------------------------------------------ pauses


def test_pending_promise_pauses_dunning_until_its_grace_deadline() -> None:
    outcomes = promise_outcomes([PROMISE], [], date(2026, 3, 5))
    pause = pause_for(1, outcomes, [], date(2026, 3, 5))
    assert (pause.paused, pause.pause_until, pause.pause_reason) == (True, date(2026, 3, 13), "promise")
    assert pause_for(3, outcomes, [], date(2026, 3, 5)).paused is False  # not named by the promise


def test_pause_ends_by_itself_after_its_date() -> None:
    outcomes = promise_outcomes([PROMISE], [], date(2026, 3, 14))
    assert pause_for(1, outcomes, [], date(2026, 3, 14)).paused is False


def test_broken_promise_ends_the_pause_at_once() -> None:
    made = date(2026, 1, 5)
    first = Promise("I1", D("500"), date(2026, 1, 31), frozenset({1}), made_on=made)
    second = Promise("I2", D("500"), date(2026, 2, 28), frozenset({1}), made_on=made)
    as_of = date(2026, 2, 5)  # I1 broken on 3 Feb; I2 still pending
    outcomes = promise_outcomes([first, second], [], as_of)
    assert [o.status for o in outcomes] == ["broken", "pending"]
    pause = pause_for(1, outcomes, [], as_of)
    assert pause.paused is False
    assert dict(pause.reasons[0].params) == {"promise_id": "I2", "broken_promise_id": "I1"}


def test_new_promise_after_a_broken_one_pauses_again() -> None:
    old = Promise("P0", D("500"), date(2026, 1, 10), frozenset({1}), made_on=date(2026, 1, 2))
    new = Promise("P1", D("500"), date(2026, 2, 20), frozenset({1}), made_on=date(2026, 2, 1))
    outcomes = promise_outcomes([old, new], [], date(2026, 2, 5))
    assert pause_for(1, outcomes, [], date(2026, 2, 5)).pause_until == date(2026, 2, 23)


@pytest.mark.parametrize(
    ("dispute", "as_of", "paused", "until"),
    [
        (
            Dispute("D1", frozenset({1}), date(2026, 3, 1), date(2026, 3, 31)),
            date(2026, 3, 31),
            True,
            date(2026, 3, 31),
        ),
        (Dispute("D1", frozenset({1}), date(2026, 3, 1), date(2026, 3, 31)), date(2026, 4, 1), False, None),
        (Dispute("D1", frozenset({1}), date(2026, 3, 1)), date(2026, 6, 1), True, None),  # until resolved
        (
            Dispute("D1", frozenset({1}), date(2026, 3, 1), resolved_on=date(2026, 3, 20)),
            date(2026, 3, 25),
            False,
            None,
        ),
        (Dispute("D1", frozenset({1}), date(2026, 3, 10), date(2026, 3, 31)), date(2026, 3, 5), False, None),
    ],
)
def test_open_dispute_pauses_dunning_until_its_date(
    dispute: Dispute, as_of: date, paused: bool, until: date | None
) -> None:
    pause = pause_for(1, [], [dispute], as_of)
    assert (pause.paused, pause.pause_until) == (paused, until)
    if paused:
        expected = "paused_by_dispute" if until else "paused_until_dispute_resolved"
        assert [r.code for r in pause.reasons] == [expected]
    assert pause.pause_reason == ("dispute" if paused else None)


def test_promise_and_dispute_together_pause_until_the_later_date() -> None:
    outcomes = promise_outcomes([PROMISE], [], date(2026, 3, 5))
    dispute = Dispute("D1", frozenset({2}), date(2026, 3, 1), date(2026, 3, 11))
    pause = pause_for(2, outcomes, [dispute], date(2026, 3, 5))
    assert (pause.pause_until, pause.pause_reason) == (date(2026, 3, 13), "promise")
    assert [r.code for r in pause.reasons] == ["paused_by_promise", "paused_by_dispute"]
