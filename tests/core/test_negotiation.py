"""D7 five-stage meeting plan: grounded on accepted milestones, concessions per strategy."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from huikuan.core.discount import discount_offer
from huikuan.core.negotiation import STAGES, Achievement, MeetingContext, plan_meeting, render_plan
from huikuan.core.reasons import describe
from huikuan.core.wording import lint

AS_OF = date(2026, 3, 2)
CTX = MeetingContext(
    as_of=AS_OF,
    strategy="remind",
    open_amount=Decimal("100000.00"),
    project_name="智慧园区一期",
    milestone="acceptance",
    due_on=date(2026, 1, 31),
    contact_role="payer",
    achievements=(
        Achievement("系统试运行", date(2025, 12, 1), accepted=True),
        Achievement("二期方案", date(2026, 2, 1), accepted=False),
        Achievement("设备到货", date(2025, 10, 15), accepted=True),
    ),
    latest_date=date(2026, 3, 25),
    follow_up_on=date(2026, 3, 9),
)


def ctx(**changes: Any) -> MeetingContext:
    return dataclasses.replace(CTX, **changes)


def items(plan_ctx: MeetingContext, stage: str) -> list[str]:
    plan = plan_meeting(plan_ctx)
    return [r.code for s in plan.stages if s.key == stage for r in s.items]


def test_plan_has_the_five_stages_in_order() -> None:
    assert [s.key for s in plan_meeting(CTX).stages] == list(STAGES)
    assert STAGES == ("opening", "topic", "bargaining", "actions", "fallback")


def test_only_accepted_milestones_are_quoted_oldest_first() -> None:
    plan = plan_meeting(CTX)
    assert [a.title for a in plan.quoted] == ["设备到货", "系统试运行"]
    opening = plan.stages[0].items
    assert [(r.code, r.params.get("title")) for r in opening] == [
        ("open_thanks", None),
        ("open_milestone_achieved", "设备到货"),
        ("open_milestone_achieved", "系统试运行"),
    ]
    assert plan.stages[1].items[1].code == "topic_ground_accepted"
    assert plan.stages[1].items[1].params["count"] == 2


def test_without_accepted_results_the_topic_asks_to_confirm_them_first() -> None:
    assert items(ctx(achievements=()), "topic") == ["topic_amount_due", "topic_no_accepted_result"]


def test_discount_bargaining_range_stops_at_the_offer_cap() -> None:
    offer = discount_offer(Decimal("100000.00"), p=0.02, t_days=30, r=0.06)
    plan = plan_meeting(ctx(strategy="discount", discount_cap=offer.max_offer))
    b = plan.bargaining
    assert (b.target, b.discount_max, b.floor) == (
        Decimal("100000.00"),
        Decimal("0.015"),
        Decimal("98500.00"),
    )
    assert b.concessions == ("discount", "dates")
    assert [r.code for r in plan.stages[2].items] == ["bargain_target", "bargain_discount", "bargain_dates"]


def test_payment_plan_offers_instalments_and_opens_with_sympathy() -> None:
    plan = plan_meeting(ctx(strategy="payment_plan", max_instalments=4))
    assert plan.bargaining.instalments_max == 4
    assert plan.bargaining.discount_max == 0
    assert plan.bargaining.floor == plan.bargaining.target
    assert "open_sympathy" in [r.code for r in plan.stages[0].items]
    assert items(ctx(strategy="payment_plan"), "actions")[0] == "ask_sign_plan"


def test_exchange_trades_future_business() -> None:
    assert "bargain_future_business" in items(ctx(strategy="exchange"), "bargaining")
    assert "open_future_business" in items(ctx(strategy="exchange"), "opening")


def test_timing_asks_to_start_approval_before_the_window() -> None:
    plan = plan_meeting(ctx(strategy="timing", next_window_on=date(2026, 3, 20), latest_date=None))
    first = plan.stages[3].items[0]
    assert (first.code, first.params["window_on"]) == ("ask_start_approval", date(2026, 3, 20))
    assert plan.bargaining.latest_date == date(2026, 3, 20)


@pytest.mark.parametrize(
    ("role", "asks_decision_maker"),
    [("payer", True), ("decision_maker", False), (None, False)],
)
def test_ask_to_meet_the_decision_maker_when_talking_to_someone_else(
    role: str | None, asks_decision_maker: bool
) -> None:
    assert ("ask_meet_decision_maker" in items(ctx(contact_role=role), "actions")) is asks_decision_maker


def test_fallback_always_names_a_follow_up_and_a_review() -> None:
    fallback = plan_meeting(CTX).stages[4].items
    assert fallback[0].params["follow_up_on"] == date(2026, 3, 9)
    assert fallback[-1].code == "fallback_escalate_review"


@pytest.mark.parametrize(
    "strategy", ["remind", "discount", "payment_plan", "exchange", "timing", "secure_limitation"]
)
def test_rendered_plan_follows_the_wording_rule(strategy: str) -> None:
    plan = plan_meeting(ctx(strategy=strategy, discount_cap=Decimal("0.01")))
    text = render_plan(plan, "zh-hans")
    assert lint(text, nature="non_malicious").clean, text
    assert "{" not in text and "{" not in render_plan(plan, "en")


def test_rendered_plan_in_english() -> None:
    lines = render_plan(plan_meeting(CTX), "en").splitlines()
    assert lines[0] == "1. opening"
    assert lines[1] == "   - thank them for working together on “智慧园区一期”"
    assert (
        describe(plan_meeting(CTX).stages[1].items[0])
        == "按双方约定，验收款 100000.00 元应于 2026-01-31 支付"
    )
