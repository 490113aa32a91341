"""Credit status for other systems (F1/F2): may an order, a delivery, an invoice or a service go ahead?

Two things can stop a document:

- an **active sanction** (F1–F5): a ``credit_hold`` (or any higher rung, which implies it) blocks the
  documents the company chose to check (``CompanySettings.credit_hold_documents``: order, delivery,
  invoice); ``suspend_performance`` also blocks delivery and service of existing contracts, and
  ``stop_service`` blocks service;
- the **credit limit**: exposure (the open receivables plus the open orders and uninvoiced deliveries the
  ERP posted, as far as the company counts them) at or over the limit blocks the checked documents too,
  and an order of X passes only when exposure + X stays within the limit.

The result says what is blocked, since when, and why, as reason codes.

>>> from datetime import date
>>> facts = CreditFacts(credit_limit=Decimal("100000.00"),
...     exposures={"receivables": Decimal("60000.00"), "orders": Decimal("30000.00")})
>>> s = credit_status(facts, CreditPolicy(frozenset({"order", "delivery"})), Decimal("5000.00"))
>>> s.on_hold, s.exposure, s.available, s.order_passes
(False, Decimal('90000.00'), Decimal('10000.00'), True)
>>> hold = ActiveSanction(1, "credit_hold", date(2026, 3, 2), "两次承诺未兑现")
>>> s = credit_status(CreditFacts(sanctions=(hold,)), CreditPolicy(frozenset({"order"})), Decimal("1.00"))
>>> s.on_hold, s.blocked_documents, s.since, s.order_passes
(True, ('order',), datetime.date(2026, 3, 2), False)
>>> [r.code for r in s.reasons]
['credit_hold_active', 'no_credit_limit', 'order_blocked_by_hold']
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from types import MappingProxyType

from huikuan.core.reasons import Reason

DOCUMENTS: tuple[str, ...] = ("order", "delivery", "invoice", "service")
EXPOSURES: tuple[str, ...] = ("receivables", "orders", "deliveries")
HOLD = "hold"  # placeholder in BLOCKS: the documents the company checks

# What each active sanction blocks. Every rung above the credit hold implies it (a customer we sue
# gets no new goods on credit); suspension and stopping service add what they stop by their nature.
BLOCKS: Mapping[str, frozenset[str]] = MappingProxyType(
    {
        "credit_hold": frozenset({HOLD}),
        "suspend_performance": frozenset({HOLD, "delivery", "service"}),
        "stop_service": frozenset({HOLD, "service"}),
        "revoke_authorisation": frozenset({HOLD}),
        "reputation": frozenset({HOLD}),
        "legal": frozenset({HOLD}),
    }
)

REASONS: dict[str, tuple[str, str]] = {
    "credit_hold_active": (
        "信用冻结自 {since} 起生效（惩戒 {sanction_id}）：{reason}",
        "credit hold active since {since} (sanction {sanction_id}): {reason}",
    ),
    "sanction_active": (
        "{kind}自 {since} 起生效（惩戒 {sanction_id}），同时停止赊销：{reason}",
        "{kind} active since {since} (sanction {sanction_id}), which also holds credit: {reason}",
    ),
    "no_active_sanction": ("没有生效中的惩戒措施", "no active sanction"),
    "over_credit_limit": (
        "信用敞口 {exposure} 元已达到或超过信用额度 {limit} 元",
        "exposure {exposure} is at or over the credit limit {limit}",
    ),
    "within_credit_limit": (
        "信用敞口 {exposure} 元，信用额度 {limit} 元，可用 {available} 元",
        "exposure {exposure} against a credit limit of {limit}: {available} available",
    ),
    "no_credit_limit": ("未设信用额度：不做额度检查", "no credit limit set: the limit is not checked"),
    "exposure_without_rate": (
        "币种 {currency} 没有折算汇率，{amount} 未计入信用敞口",
        "no exchange rate for {currency}: {amount} left out of the exposure",
    ),
    "order_within_limit": (
        "订单 {order_amount} 元在可用额度 {available} 元之内，可以放行",
        "an order of {order_amount} fits the {available} available: it passes",
    ),
    "order_exceeds_limit": (
        "订单 {order_amount} 元超过可用额度 {available} 元，不能放行",
        "an order of {order_amount} exceeds the {available} available: it does not pass",
    ),
    "order_blocked_by_hold": (
        "客户处于信用冻结，新订单不能放行",
        "the customer is on credit hold: no new order passes",
    ),
    "order_not_checked": (
        "公司未设置对订单做信用检查，订单放行",
        "the company does not check orders: the order passes",
    ),
}

LABELS: dict[str, tuple[str, str]] = {
    "order": ("订单", "order"),
    "delivery": ("发货", "delivery"),
    "invoice": ("开票", "invoice"),
    "service": ("服务", "service"),
    "receivables": ("未收应收款", "open receivables"),
    "orders": ("未发货订单", "open orders"),
    "deliveries": ("已发货未开票", "uninvoiced deliveries"),
}

CENT = Decimal("0.01")


def _cents(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class ActiveSanction:
    """One active Sanction row: its id, kind, activation day and the reason the approver recorded."""

    sanction_id: int
    kind: str
    since: date | None
    reason: str


@dataclass(frozen=True, slots=True)
class CreditFacts:
    """One customer's credit facts in the base currency."""

    credit_limit: Decimal | None = None
    exposures: Mapping[str, Decimal] = field(default_factory=dict)  # keys from EXPOSURES
    sanctions: tuple[ActiveSanction, ...] = ()
    unconverted: Mapping[str, Decimal] = field(default_factory=dict)  # currency -> amount left out


@dataclass(frozen=True, slots=True)
class CreditPolicy:
    """The company's choices: which documents are checked and which exposures count."""

    checked_documents: frozenset[str]
    counted_exposures: frozenset[str] = frozenset(EXPOSURES)


@dataclass(frozen=True, slots=True)
class CreditStatus:
    on_hold: bool
    blocked_documents: tuple[str, ...]  # in DOCUMENTS order
    since: date | None
    reasons: tuple[Reason, ...]
    exposure: Decimal
    exposure_parts: Mapping[str, Decimal]
    credit_limit: Decimal | None
    available: Decimal | None  # None without a limit; never negative
    over_limit: bool
    order_amount: Decimal | None
    order_passes: bool | None  # None when no order amount was asked about
    sanction_ids: tuple[int, ...]


def credit_status(
    facts: CreditFacts, policy: CreditPolicy, order_amount: Decimal | None = None
) -> CreditStatus:
    """Decide what is blocked for one customer and whether an order of ``order_amount`` passes.

    >>> policy = CreditPolicy(frozenset({"order", "delivery"}), frozenset({"receivables"}))
    >>> facts = CreditFacts(Decimal("1000.00"), {"receivables": Decimal("1000.00"), "orders": Decimal("5")})
    >>> s = credit_status(facts, policy)
    >>> s.on_hold, s.blocked_documents, s.exposure, s.available, s.over_limit
    (True, ('order', 'delivery'), Decimal('1000.00'), Decimal('0.00'), True)
    >>> s = credit_status(CreditFacts(), CreditPolicy(frozenset({"invoice"})), Decimal("10"))
    >>> s.on_hold, s.order_passes, [r.code for r in s.reasons]
    (False, True, ['no_active_sanction', 'no_credit_limit', 'order_not_checked'])
    """
    checked = frozenset(d for d in policy.checked_documents if d in DOCUMENTS)
    blocked: set[str] = set()
    reasons: list[Reason] = []
    since: date | None = None
    for s in sorted(facts.sanctions, key=lambda x: (x.since or date.max, x.sanction_id)):
        blocks = BLOCKS.get(s.kind, frozenset({HOLD}))
        blocked |= (checked if HOLD in blocks else frozenset()) | (blocks - {HOLD})
        params: dict[str, object] = {
            "since": s.since,
            "sanction_id": s.sanction_id,
            "reason": s.reason.strip() or "—",
        }
        if s.kind == "credit_hold":
            reasons.append(Reason("credit_hold_active", params))
        else:
            reasons.append(Reason("sanction_active", {**params, "kind": s.kind}))
        if s.since is not None and (since is None or s.since < since):
            since = s.since
    if not facts.sanctions:
        reasons.append(Reason("no_active_sanction"))
    held_by_sanction = "order" in blocked

    parts = {k: _cents(facts.exposures.get(k, Decimal(0))) for k in EXPOSURES}
    exposure = _cents(sum((parts[k] for k in EXPOSURES if k in policy.counted_exposures), Decimal(0)))
    for currency, left_out in sorted(facts.unconverted.items()):
        reasons.append(Reason("exposure_without_rate", {"currency": currency, "amount": _cents(left_out)}))
    limit = _cents(facts.credit_limit) if facts.credit_limit is not None else None
    available: Decimal | None = None
    over_limit = False
    if limit is None:
        reasons.append(Reason("no_credit_limit"))
    else:
        available = max(limit - exposure, Decimal("0.00"))
        over_limit = exposure >= limit and not (limit == 0 and exposure == 0)
        if over_limit:
            blocked |= checked
            reasons.append(Reason("over_credit_limit", {"exposure": exposure, "limit": limit}))
        else:
            reasons.append(
                Reason("within_credit_limit", {"exposure": exposure, "limit": limit, "available": available})
            )

    passes: bool | None = None
    amount = _cents(order_amount) if order_amount is not None else None
    if amount is not None:
        if "order" not in checked:
            passes = True
            reasons.append(Reason("order_not_checked"))
        elif held_by_sanction:
            passes = False
            reasons.append(Reason("order_blocked_by_hold"))
        elif available is None:
            passes = True
        else:
            passes = not over_limit and amount <= available
            code = "order_within_limit" if passes else "order_exceeds_limit"
            reasons.append(Reason(code, {"order_amount": amount, "available": available}))

    return CreditStatus(
        on_hold=bool(blocked),
        blocked_documents=tuple(d for d in DOCUMENTS if d in blocked),
        since=since,
        reasons=tuple(reasons),
        exposure=exposure,
        exposure_parts=MappingProxyType(parts),
        credit_limit=limit,
        available=available,
        over_limit=over_limit,
        order_amount=amount,
        order_passes=passes,
        sanction_ids=tuple(s.sanction_id for s in facts.sanctions),
    )
