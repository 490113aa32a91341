"""D1 debt nature by points: each point, the dispute rule, the two-kinds rule, the confirmation rule."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from huikuan.core.nature import NatureFacts, classify_nature, score_points
from huikuan.core.tables import DEFAULT_TABLES

AS_OF = date(2026, 3, 1)


def points_of(**facts: Any) -> list[tuple[str, int]]:
    return [(r.code, int(r.params["points"])) for r in score_points(NatureFacts(**facts), AS_OF)]


POINT_CASES: list[tuple[str, dict[str, Any], list[tuple[str, int]]]] = [
    ("one_broken_promise", {"broken_promise_dates": (date(2026, 2, 1),)}, [("broken_promises", 2)]),
    (
        "broken_promises_capped_at_four",
        {"broken_promise_dates": (date(2026, 1, 1), date(2026, 2, 1), date(2026, 2, 20))},
        [("broken_promises", 4)],
    ),
    ("evasion_recorded", {"evasion_recorded": True}, [("evasion_recorded", 3)]),
    ("refuses_to_stamp", {"refuses_to_stamp": True}, [("refuses_to_stamp", 2)]),
    ("denies_debt", {"denies_debt": True}, [("denies_debt", 3)]),
    ("pays_others_not_us", {"pays_others_not_us": True}, [("pays_others_not_us", 2)]),
    ("on_time_history", {"on_time_share": 0.70}, [("on_time_history", -2)]),
    (
        "recent_stamped_confirmation",
        {"last_stamped_confirmation_on": AS_OF - timedelta(days=180)},
        [("recent_stamped_confirmation", -2)],
    ),
    ("recent_payment", {"last_payment_on": AS_OF - timedelta(days=60)}, [("recent_payment", -1)]),
    ("answered_last_contact", {"answered_last_contact": True}, [("answered_last_contact", -1)]),
    ("known_budget_delay", {"known_budget_delay": True}, [("known_budget_delay", -2)]),
    ("funds_tight_cooperative", {"funds_tight_cooperative": True}, [("funds_tight_cooperative", -1)]),
]


@pytest.mark.parametrize(("name", "facts", "expected"), POINT_CASES, ids=[c[0] for c in POINT_CASES])
def test_each_signal_scores_its_points_with_a_reason(
    name: str, facts: dict[str, Any], expected: list[tuple[str, int]]
) -> None:
    assert points_of(**facts) == expected


def test_every_point_in_the_table_has_a_case() -> None:
    covered = {code for _, _, exp in POINT_CASES for code, _ in exp}
    assert covered == set(DEFAULT_TABLES.nature.points)


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"broken_promise_dates": (AS_OF - timedelta(days=181),)}, []),
        ({"broken_promise_dates": (AS_OF + timedelta(days=1),)}, []),
        ({"on_time_share": 0.69}, []),
        ({"last_stamped_confirmation_on": AS_OF - timedelta(days=181)}, []),
        ({"last_payment_on": AS_OF - timedelta(days=61)}, []),
        ({"answered_last_contact": False}, []),
    ],
)
def test_signals_outside_their_window_do_not_score(facts: dict[str, Any], expected: list[Any]) -> None:
    assert points_of(**facts) == expected


def test_open_dispute_means_disputed_outright() -> None:
    r = classify_nature(NatureFacts(dispute_open=True, on_time_share=0.95, answered_last_contact=True), AS_OF)
    assert r.nature == "disputed"
    assert r.reasons[0].code == "dispute_open"
    assert r.score == -3


@pytest.mark.parametrize(
    ("facts", "nature", "score", "verdict"),
    [
        ({"answered_last_contact": True}, "non_malicious", -1, "nature_non_malicious"),
        ({}, "unknown", 0, "nature_unknown"),
        ({"refuses_to_stamp": True}, "unknown", 2, "nature_unknown"),
        ({"evasion_recorded": True, "on_time_share": 0.8}, "unknown", 1, "nature_unknown"),
    ],
)
def test_score_thresholds(facts: dict[str, Any], nature: str, score: int, verdict: str) -> None:
    r = classify_nature(NatureFacts(**facts), AS_OF)
    assert (r.nature, r.score, r.reasons[-1].code) == (nature, score, verdict)


def test_three_points_from_one_kind_is_not_malicious() -> None:
    two_broken = (date(2026, 1, 10), date(2026, 2, 10))
    r = classify_nature(NatureFacts(broken_promise_dates=two_broken, malicious_confirmed_by="li"), AS_OF)
    assert (r.nature, r.score) == ("unknown", 4)
    assert r.reasons[-1].code == "malicious_signals_single_kind"
    assert r.reasons[-1].params["kind"] == "broken_promises"
    assert not r.proposed_malicious


def test_evasion_alone_scores_three_but_is_one_kind() -> None:
    r = classify_nature(NatureFacts(evasion_recorded=True), AS_OF)
    assert (r.nature, r.score, r.reasons[-1].code) == ("unknown", 3, "malicious_signals_single_kind")


def test_two_kinds_without_manager_confirmation_stay_unknown() -> None:
    r = classify_nature(NatureFacts(refuses_to_stamp=True, pays_others_not_us=True), AS_OF)
    assert (r.nature, r.score) == ("unknown", 4)
    assert r.proposed_malicious
    assert r.reasons[-1].code == "malicious_signals_unconfirmed"
    assert r.reasons[-1].params["kinds"] == 2


def test_two_kinds_with_manager_confirmation_are_malicious() -> None:
    facts = NatureFacts(refuses_to_stamp=True, pays_others_not_us=True, malicious_confirmed_by="wang")
    r = classify_nature(facts, AS_OF)
    assert r.nature == "malicious"
    assert r.reasons[-1].code == "malicious_confirmed"
    assert r.reasons[-1].params["confirmed_by"] == "wang"


def test_good_signs_can_pull_two_kinds_below_the_malicious_threshold() -> None:
    facts = NatureFacts(
        refuses_to_stamp=True, evasion_recorded=False, pays_others_not_us=True, on_time_share=0.9
    )
    r = classify_nature(facts, AS_OF)
    assert (r.nature, r.score, r.reasons[-1].code) == ("unknown", 2, "nature_unknown")


def test_every_reason_of_a_score_carries_its_points() -> None:
    facts = NatureFacts(
        broken_promise_dates=(date(2026, 2, 1),),
        denies_debt=True,
        last_payment_on=date(2026, 2, 15),
        known_budget_delay=True,
    )
    r = classify_nature(facts, AS_OF)
    assert sum(int(x.params["points"]) for x in r.reasons[:-1]) == r.score == 2


@given(
    st.lists(st.integers(min_value=0, max_value=400), max_size=5),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.none() | st.floats(min_value=0, max_value=1),
    st.booleans(),
    st.booleans(),
    st.booleans(),
    st.none() | st.text(min_size=1, max_size=3),
)
def test_nature_invariants(
    ages: list[int],
    evasion: bool,
    refuses: bool,
    denies: bool,
    pays_others: bool,
    share: float | None,
    answered: bool,
    budget: bool,
    dispute: bool,
    confirmed_by: str | None,
) -> None:
    facts = NatureFacts(
        dispute_open=dispute,
        broken_promise_dates=tuple(AS_OF - timedelta(days=a) for a in ages),
        evasion_recorded=evasion,
        refuses_to_stamp=refuses,
        denies_debt=denies,
        pays_others_not_us=pays_others,
        on_time_share=share,
        answered_last_contact=answered,
        known_budget_delay=budget,
        malicious_confirmed_by=confirmed_by,
    )
    r = classify_nature(facts, AS_OF)
    positive_kinds = {x.code for x in r.reasons if int(x.params.get("points", 0)) > 0}
    if dispute:
        assert r.nature == "disputed"
    elif r.nature == "non_malicious":
        assert r.score <= -1
    elif r.nature == "malicious":
        assert r.score >= 3 and len(positive_kinds) >= 2 and confirmed_by
    assert r.nature != "malicious" or confirmed_by
    assert r.score == sum(int(x.params.get("points", 0)) for x in r.reasons)
