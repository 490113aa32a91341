"""Cash-discount economics (D4–D6 优惠策略, DESIGN §6): the largest discount worth giving for payment now.

Waiting is worth A·(1−p)/(1 + r·t/365) — the amount A, discounted for the risk p that it is never
paid and for the cost of money r over the t days it would take — while paying now with discount d
is worth A·(1−d). So the break-even discount is d* = 1 − (1−p)/(1 + r·t/365). We offer at most
0.8·d*, rounded DOWN to 0.5 %, and refuse a requested discount above d*.

>>> o = discount_offer(Decimal("20000.00"), p=0.0, t_days=50, r=0.073)
>>> o.break_even, o.max_offer, o.pay_now
(Decimal('0.009900990'), Decimal('0.005'), Decimal('19900.00'))
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal
from typing import Any

from huikuan.core.money import cents
from huikuan.core.reasons import Reason
from huikuan.core.tables import DEFAULT_TABLES, DiscountTable

REASONS: dict[str, tuple[str, str]] = {
    "break_even_discount": (
        "盈亏平衡折扣 {break_even:.2%}（风险 {p:.0%}，预计 {t:.0f} 天，资金成本 {r:.2%}）",
        "break-even discount {break_even:.2%} (risk {p:.0%}, {t:.0f} days, cost of money {r:.2%})",
    ),
    "discount_offer": (
        "最多给 {offer:.1%} 折扣（{amount_off} 元），立即付 {pay_now} 元",
        "offer at most {offer:.1%} ({amount_off} off), {pay_now} payable now",
    ),
    "discount_needs_approval": (
        "折扣超过 {threshold:.1%}，需经理审批",
        "discount above {threshold:.1%} needs approval",
    ),
    "discount_above_break_even": (
        "拒绝：折扣 {requested:.2%} 高于盈亏平衡 {break_even:.2%}，不如等待",
        "refused: discount {requested:.2%} is above break-even {break_even:.2%}; waiting is worth more",
    ),
    "discount_above_offer_cap": (
        "折扣 {requested:.2%} 高于建议上限 {max_offer:.1%}，收益很小，需审批",
        "discount {requested:.2%} is above the offer cap {max_offer:.1%}; little gain, needs approval",
    ),
    "discount_within_offer": (
        "折扣 {requested:.2%} 在建议范围内",
        "discount {requested:.2%} within the offer",
    ),
}


@dataclass(frozen=True, slots=True)
class DiscountOffer:
    """Cash-discount economics for one receivable; rates are fractions."""

    break_even: Decimal  # d*, to 9 places
    max_offer: Decimal  # ≤ 0.8·d*, a multiple of the step
    needs_approval: bool
    amount_off: Decimal
    pay_now: Decimal
    reasons: tuple[Reason, ...]


@dataclass(frozen=True, slots=True)
class DiscountDecision:
    """Whether a requested discount may be granted."""

    allowed: bool
    needs_approval: bool
    break_even: Decimal
    reasons: tuple[Reason, ...]


def break_even_discount(p: float, t_days: float, r: float) -> float:
    """d* = 1 − (1−p)/(1 + r·t/365): the discount at which paying now equals waiting.

    >>> round(break_even_discount(0.05, 90, 0.06), 6)
    0.06385
    >>> break_even_discount(0.0, 0, 0.06)
    0.0
    """
    return 1.0 - (1.0 - p) / (1.0 + r * t_days / 365.0)


def _dec(rate: float) -> Decimal:
    # Float noise (0.0624999999…) must not push a value across a 0.5 % step.
    return Decimal(repr(rate)).quantize(Decimal("0.000000001"))


def discount_offer(
    open_amount: Decimal, p: float, t_days: float, r: float, table: DiscountTable = DEFAULT_TABLES.discount
) -> DiscountOffer:
    """The largest discount worth offering: 0.8·d* rounded down to 0.5 %, with approval flag.

    >>> o = discount_offer(Decimal("100000.00"), p=0.05, t_days=90, r=0.06)
    >>> o.break_even, o.max_offer, o.needs_approval, o.amount_off, o.pay_now
    (Decimal('0.063849892'), Decimal('0.050'), True, Decimal('5000.00'), Decimal('95000.00'))
    """
    d_star = _dec(break_even_discount(p, t_days, r))
    raw = max(d_star * table.offer_factor, Decimal(0))
    offer = (raw / table.step).to_integral_value(rounding=ROUND_FLOOR) * table.step
    amount_off = cents(open_amount * offer)
    pay_now = cents(open_amount - amount_off)
    reasons = [
        Reason("break_even_discount", {"break_even": d_star, "p": p, "t": t_days, "r": r}),
        Reason("discount_offer", {"offer": offer, "amount_off": amount_off, "pay_now": pay_now}),
    ]
    needs_approval = offer > table.approval_threshold
    if needs_approval:
        reasons.append(Reason("discount_needs_approval", {"threshold": table.approval_threshold}))
    return DiscountOffer(d_star, offer, needs_approval, amount_off, pay_now, tuple(reasons))


def evaluate_discount(
    requested: Decimal,
    open_amount: Decimal,
    p: float,
    t_days: float,
    r: float,
    table: DiscountTable = DEFAULT_TABLES.discount,
) -> DiscountDecision:
    """Check a discount the customer asks for: above break-even is refused, with the reason.

    >>> d = evaluate_discount(Decimal("0.07"), Decimal("100000.00"), p=0.05, t_days=90, r=0.06)
    >>> d.allowed, [x.code for x in d.reasons]
    (False, ['discount_above_break_even'])
    >>> evaluate_discount(Decimal("0.01"), Decimal("100000.00"), p=0.05, t_days=90, r=0.06).allowed
    True
    """
    if not Decimal(0) <= requested < Decimal(1):
        raise ValueError(f"discount must be a fraction in [0, 1): {requested}")
    offer = discount_offer(open_amount, p, t_days, r, table)
    params: dict[str, Any] = {"requested": requested, "break_even": offer.break_even}
    if requested > offer.break_even:
        return DiscountDecision(
            False, False, offer.break_even, (Reason("discount_above_break_even", params),)
        )
    reasons: list[Reason] = []
    needs_approval = requested > table.approval_threshold
    if requested > offer.max_offer:
        reasons.append(Reason("discount_above_offer_cap", {**params, "max_offer": offer.max_offer}))
        needs_approval = True
    else:
        reasons.append(Reason("discount_within_offer", params))
    if requested > table.approval_threshold:
        reasons.append(Reason("discount_needs_approval", {"threshold": table.approval_threshold}))
    return DiscountDecision(True, needs_approval, offer.break_even, tuple(reasons))
