"""Late-payment interest and the SME payment regulation (DESIGN §3).

Basis, in order: the contract's agreed rate (违约金/逾期利息, per day or per year); otherwise, for a
sale contract breached on or after 2019-08-20, the 1-year LPR raised by 30–50 % (SPC sale-contract
interpretation art. 18; the company picks the markup). When our side is an SME and the buyer is
covered by the 2025 《保障中小企业款项支付条例》, overdue interest is at least the agreed rate (and
that rate not below the LPR when the contract was signed), otherwise 0.05 % a day.

Rates come from a dated table passed in — ``[(effective_from, annual_rate), ...]`` — never from
constants here. Interest runs from the day after the due date to ``to_date`` inclusive, on an
actual/365 day count; each rate period is rounded to the cent and the claim is their sum, so a
letter listing the periods always adds up.

>>> table = [(date(2025, 5, 20), Decimal("0.030"))]
>>> c = claim(Decimal("100000"), date(2026, 1, 31), date(2026, 3, 2), lpr_table=table)
>>> c.days, c.interest, c.total  # 100000 × 3.0 % × 1.3 × 30/365
(30, Decimal('320.55'), Decimal('100320.55'))
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Final, Literal

from huikuan.core.money import cents
from huikuan.core.reasons import Reason

RateTable = Sequence[tuple[date, Decimal]]
"""(effective_from, annual_rate as a fraction), e.g. ``(date(2025, 5, 20), Decimal("0.030"))``."""

# SPC interpretation on sale contracts, art. 18 para. 4: LPR basis for breaches from this day on.
LPR_BASIS_FROM: Final = date(2019, 8, 20)

REASONS: dict[str, tuple[str, str]] = {
    "claim_to_date": (
        "截至 {to_date}：本金 {principal} 元，逾期 {days} 天利息 {interest} 元，合计 {total} 元。",
        "To {to_date}: principal {principal}, interest for {days} days overdue {interest}, total {total}.",
    ),
    "not_overdue": ("截至 {to_date} 尚未逾期，无逾期利息。", "Not overdue on {to_date}: no interest."),
    "interest_agreed_rate": (
        "按合同约定的逾期付款利率计算：{rate}（按{per}）。",
        "At the contract's agreed late-payment rate: {rate} per {per}.",
    ),
    "interest_lpr_markup": (
        "合同未约定逾期利率：按一年期LPR加计 {markup_pct}% 计算逾期付款损失"
        "（最高法买卖合同司法解释第18条，{basis}）。",
        "No agreed rate: 1-year LPR plus {markup_pct}% (SPC sale-contract interpretation art. 18, {basis}).",
    ),
    "interest_rate_changed": (
        "{on} 起一年期LPR为 {annual_rate}，此后按新利率分段计算。",
        "From {on} the 1-year LPR is {annual_rate}; interest after that uses the new rate.",
    ),
    "breach_before_2019_08_20": (
        "违约发生在2019年8月20日之前：应以人民银行同期同类贷款基准利率为基础参照逾期罚息标准计算，请确认利率表。",
        "Breach before 2019-08-20: the basis is the PBOC benchmark rate with the penalty markup; check the "
        "rate table.",
    ),
    "sme_default_daily_rate": (
        "适用《保障中小企业款项支付条例》且未约定逾期利率：按每日万分之五计算逾期利息。",
        "SME payment regulation, no agreed rate: overdue interest at 0.05 % a day.",
    ),
    "sme_agreed_rate": (
        "适用《保障中小企业款项支付条例》：按约定逾期利率 {rate}（按{per}）计算。",
        "SME payment regulation: overdue interest at the agreed rate {rate} per {per}.",
    ),
    "sme_agreed_rate_below_lpr_floor": (
        "约定利率（年化 {agreed_annual}）低于合同订立时（{signed_on}）一年期LPR {floor}，按LPR计算。",
        "The agreed rate ({agreed_annual} a year) is below the 1-year LPR {floor} when the contract was "
        "signed ({signed_on}); the LPR is used.",
    ),
    "sme_regulation_not_applicable": (
        "不适用《保障中小企业款项支付条例》（我方中小企业：{we_are_sme}；客户类型：{buyer_type}）。",
        "The SME payment regulation does not apply (we are an SME: {we_are_sme}; buyer type: {buyer_type}).",
    ),
    "sme_public_30_days": (
        "机关、事业单位应自{start_basis}之日（{starts_on}）起30日内付款，最迟 {latest_due_on}。",
        "A government body or public institution must pay within 30 days of {start_basis} ({starts_on}): "
        "by {latest_due_on}.",
    ),
    "sme_public_agreed_term": (
        "合同约定 {agreed_days} 天付款期限（不超过60日），最迟 {latest_due_on}。",
        "The agreed term of {agreed_days} days (at most 60) gives {latest_due_on}.",
    ),
    "sme_public_term_capped_60": (
        "约定的 {agreed_days} 天超过法定最长60日，按60日计算，最迟 {latest_due_on}。",
        "The agreed {agreed_days} days exceed the statutory maximum of 60: due by {latest_due_on}.",
    ),
    "sme_large_60_days": (
        "大型企业应自{start_basis}之日（{starts_on}）起60日内付款，最迟 {latest_due_on}。",
        "A large enterprise must pay within 60 days of {start_basis} ({starts_on}): by {latest_due_on}.",
    ),
    "sme_large_agreed_term": (
        "合同约定 {agreed_days} 天付款期限（{latest_due_on}）；条例要求期限符合行业规范和交易习惯。",
        "The agreed term of {agreed_days} days ({latest_due_on}) must be reasonable by industry practice.",
    ),
    "sme_delay_reason_not_lawful": (
        "根据《保障中小企业款项支付条例》，“{delay_reason}”不是拒绝或迟延付款的合法理由。",
        "Under the SME payment regulation, '{delay_reason}' is no lawful reason to refuse or delay payment.",
    ),
    "sme_delay_reason_agreed": (
        "合同明确约定以“{delay_reason}”为付款条件，该理由可以成立。",
        "The contract makes '{delay_reason}' a payment condition, so it may stand.",
    ),
}

LABELS: dict[str, tuple[str, str]] = {
    "day": ("日", "day"),
    "year": ("年", "year"),
    "piecewise": ("LPR调整后分段计算", "each LPR applied from its effective date"),
    "at_breach": ("按违约时的LPR计算", "LPR in force when the breach began"),
    "delivery": ("交付", "delivery"),
    "acceptance": ("检验或验收合格", "passing inspection or acceptance"),
    "settlement": ("双方确认结算金额", "the settlement amount being confirmed"),
    "internal_approval": ("履行内部付款流程", "internal payment approval"),
    "budget": ("没有预算", "no budget"),
    "final_audit": ("等待竣工验收批复、决算审计", "waiting for final acceptance approval or final audit"),
    "management_change": ("法定代表人或主要负责人变更", "change of legal representative or head"),
}

# Regulation art. on refusal: the buyer may not cite these (final audit only when not agreed).
NOT_LAWFUL_DELAY_REASONS: Final = ("internal_approval", "budget", "final_audit", "management_change")
_ONLY_IF_NOT_AGREED: Final = frozenset({"final_audit"})


@dataclass(frozen=True, slots=True)
class AgreedRate:
    """The contract's late-payment rate: e.g. ``AgreedRate(Decimal("0.0005"), "day")``."""

    rate: Decimal
    per: Literal["day", "year"]


@dataclass(frozen=True, slots=True)
class InterestPolicy:
    """Company choices: the LPR markup (0.30–0.50), day count and how LPR changes are applied.

    ``lpr_basis`` ``piecewise`` applies each LPR from its effective date; ``at_breach`` keeps the LPR
    in force on the first day of default for the whole period (the literal wording of art. 18).
    """

    lpr_markup: Decimal = Decimal("0.30")
    day_count: int = 365
    lpr_basis: Literal["piecewise", "at_breach"] = "piecewise"
    sme_daily_rate: Decimal = Decimal("0.0005")

    def __post_init__(self) -> None:
        if not Decimal("0.30") <= self.lpr_markup <= Decimal("0.50"):
            raise ValueError(f"LPR markup must be between 0.30 and 0.50 (art. 18), got {self.lpr_markup}")


@dataclass(frozen=True, slots=True)
class InterestPiece:
    """A stretch of days (``start``..``end`` inclusive) at one daily rate."""

    start: date
    end: date
    days: int
    daily_rate: Decimal
    annual_rate: Decimal | None
    interest: Decimal


@dataclass(frozen=True, slots=True)
class Claim:
    principal: Decimal
    interest: Decimal
    total: Decimal
    due_on: date
    to_date: date
    days: int
    pieces: tuple[InterestPiece, ...]
    reasons: tuple[Reason, ...]


def claim(
    principal: Decimal,
    due_on: date,
    to_date: date,
    *,
    agreed: AgreedRate | None = None,
    lpr_table: RateTable | None = None,
    sme_covered: bool = False,
    signed_on: date | None = None,
    policy: InterestPolicy | None = None,
) -> Claim:
    """Principal + late-payment interest to ``to_date``, to the cent, with the basis as reasons.

    An agreed rate of 0.05 % a day for 10 days on 20,000.00:

    >>> per_day = AgreedRate(Decimal("0.0005"), "day")
    >>> c = claim(Decimal("20000"), date(2026, 3, 1), date(2026, 3, 11), agreed=per_day)
    >>> c.interest, [r.code for r in c.reasons]
    (Decimal('100.00'), ['claim_to_date', 'interest_agreed_rate'])
    """
    policy = policy or InterestPolicy()
    principal = cents(principal)
    days = (to_date - due_on).days
    if days <= 0:
        zero = cents(0)
        return Claim(
            principal, zero, principal, due_on, to_date, 0, (), (Reason("not_overdue", {"to_date": to_date}),)
        )

    first = due_on + timedelta(days=1)
    basis: list[Reason] = []
    if sme_covered and agreed is None:
        pieces = [_piece(principal, first, to_date, policy.sme_daily_rate, None)]
        basis.append(Reason("sme_default_daily_rate", {"rate": policy.sme_daily_rate}))
    elif agreed is not None:
        daily = agreed.rate if agreed.per == "day" else agreed.rate / policy.day_count
        annual = agreed.rate * policy.day_count if agreed.per == "day" else agreed.rate
        floor = _rate_on(lpr_table, signed_on) if sme_covered and lpr_table and signed_on else None
        if floor is not None and annual < floor:
            pieces = [_piece(principal, first, to_date, floor / policy.day_count, floor)]
            basis.append(
                Reason(
                    "sme_agreed_rate_below_lpr_floor",
                    {"agreed_annual": annual, "floor": floor, "signed_on": signed_on},
                )
            )
        else:
            pieces = [_piece(principal, first, to_date, daily, annual if agreed.per == "year" else None)]
            code = "sme_agreed_rate" if sme_covered else "interest_agreed_rate"
            basis.append(Reason(code, {"rate": agreed.rate, "per": agreed.per}))
    else:
        if not lpr_table:
            raise ValueError(
                "no agreed rate and no LPR table: the statutory interest needs the dated LPR table"
            )
        pieces, changes = _lpr_pieces(principal, first, to_date, lpr_table, policy)
        basis.append(
            Reason(
                "interest_lpr_markup",
                {
                    "markup": policy.lpr_markup,
                    "markup_pct": policy.lpr_markup * 100,
                    "basis": policy.lpr_basis,
                },
            )
        )
        basis.extend(changes)
        if first < LPR_BASIS_FROM:
            basis.append(Reason("breach_before_2019_08_20", {"first_day": first}))

    interest = sum((p.interest for p in pieces), cents(0))
    total = principal + interest
    head = Reason(
        "claim_to_date",
        {"to_date": to_date, "principal": principal, "days": days, "interest": interest, "total": total},
    )
    return Claim(principal, interest, total, due_on, to_date, days, tuple(pieces), (head, *basis))


def _piece(
    principal: Decimal, start: date, end: date, daily: Decimal, annual: Decimal | None
) -> InterestPiece:
    days = (end - start).days + 1
    return InterestPiece(start, end, days, daily, annual, cents(principal * daily * days))


def _rate_on(table: RateTable | None, day: date | None) -> Decimal | None:
    if not table or day is None:
        return None
    applicable = [rate for since, rate in sorted(table) if since <= day]
    if not applicable:
        raise ValueError(f"the rate table starts after {day.isoformat()}: add the rate in force then")
    return Decimal(applicable[-1])


def _lpr_pieces(
    principal: Decimal, first: date, last: date, table: RateTable, policy: InterestPolicy
) -> tuple[list[InterestPiece], list[Reason]]:
    factor = 1 + policy.lpr_markup
    start_rate = _rate_on(table, first)
    assert start_rate is not None
    boundaries: list[tuple[date, Decimal]] = [(first, start_rate)]
    if policy.lpr_basis == "piecewise":
        boundaries += [(since, Decimal(rate)) for since, rate in sorted(table) if first < since <= last]
    pieces: list[InterestPiece] = []
    changes: list[Reason] = []
    for i, (since, lpr) in enumerate(boundaries):
        until = boundaries[i + 1][0] - timedelta(days=1) if i + 1 < len(boundaries) else last
        annual = lpr * factor
        pieces.append(_piece(principal, since, until, annual / policy.day_count, annual))
        if i:
            changes.append(Reason("interest_rate_changed", {"on": since, "annual_rate": lpr}))
    return pieces, changes


# ---------------------------------------------------------------- SME payment regulation (2025)

BuyerType = Literal["government", "public_institution", "state_owned", "large", "sme", "other"]
StartBasis = Literal["delivery", "acceptance", "settlement"]


@dataclass(frozen=True, slots=True)
class SmeRegulationPolicy:
    """Which buyer types the regulation covers and its terms. A state-owned buyer that is a large
    enterprise should be typed ``large`` (or the company adds ``state_owned`` here)."""

    public_types: frozenset[str] = frozenset({"government", "public_institution"})
    large_types: frozenset[str] = frozenset({"large"})
    public_days: int = 30
    public_max_days: int = 60
    large_days: int = 60


@dataclass(frozen=True, slots=True)
class SmeDue:
    covered: bool
    latest_due_on: date | None
    reasons: tuple[Reason, ...]


def sme_regulation_applies(
    we_are_sme: bool, buyer_type: str, policy: SmeRegulationPolicy | None = None
) -> bool:
    """True when our side is an SME and the buyer is a public body or a large enterprise.

    >>> sme_regulation_applies(True, "government"), sme_regulation_applies(True, "sme")
    (True, False)
    """
    policy = policy or SmeRegulationPolicy()
    return we_are_sme and buyer_type in policy.public_types | policy.large_types


def sme_latest_due(
    we_are_sme: bool,
    buyer_type: str,
    starts_on: date,
    agreed_days: int | None = None,
    start_basis: StartBasis = "delivery",
    policy: SmeRegulationPolicy | None = None,
) -> SmeDue:
    """The statutory latest due date: ``starts_on`` is delivery, or acceptance / settlement confirmation
    when the contract makes that the payment condition.

    >>> d = sme_latest_due(True, "public_institution", date(2026, 3, 2), agreed_days=90)
    >>> d.latest_due_on, d.reasons[0].code
    (datetime.date(2026, 5, 1), 'sme_public_term_capped_60')
    """
    policy = policy or SmeRegulationPolicy()
    if not sme_regulation_applies(we_are_sme, buyer_type, policy):
        reason = Reason("sme_regulation_not_applicable", {"we_are_sme": we_are_sme, "buyer_type": buyer_type})
        return SmeDue(False, None, (reason,))
    base = {"starts_on": starts_on, "start_basis": start_basis, "agreed_days": agreed_days}
    if buyer_type in policy.public_types:
        if agreed_days is None:
            days, code = policy.public_days, "sme_public_30_days"
        elif agreed_days > policy.public_max_days:
            days, code = policy.public_max_days, "sme_public_term_capped_60"
        else:
            days, code = agreed_days, "sme_public_agreed_term"
    elif agreed_days is None:
        days, code = policy.large_days, "sme_large_60_days"
    else:
        days, code = agreed_days, "sme_large_agreed_term"
    latest = starts_on + timedelta(days=days)
    return SmeDue(True, latest, (Reason(code, {**base, "latest_due_on": latest}),))


def check_delay_reason(
    delay_reason: str, covered: bool, contract_makes_it_a_condition: bool = False
) -> Reason | None:
    """Whether a buyer's excuse for delay stands under the regulation; ``None`` when the rule is silent.

    >>> check_delay_reason("budget", covered=True).code
    'sme_delay_reason_not_lawful'
    >>> check_delay_reason("final_audit", covered=True, contract_makes_it_a_condition=True).code
    'sme_delay_reason_agreed'
    """
    if not covered or delay_reason not in NOT_LAWFUL_DELAY_REASONS:
        return None
    if delay_reason in _ONLY_IF_NOT_AGREED and contract_makes_it_a_condition:
        return Reason("sme_delay_reason_agreed", {"delay_reason": delay_reason})
    return Reason("sme_delay_reason_not_lawful", {"delay_reason": delay_reason})
