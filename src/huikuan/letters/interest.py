"""The late-payment interest a letter claims, and the SME regulation paragraphs (DESIGN §3).

The figures come from `huikuan.core.interest.claim` (agreed rate, else the 1-year LPR + the company's
markup from the dated `InterestRate` table, or the SME regulation's rules). The basis is worded here
for letters: a dunning letter to a non-malicious customer must pass the D3 wording check, so it
says "双方约定" and cites the SPC interpretation by its document number, never "合同" or "违约".

Interest runs on each milestone's open amount on the letter date, from the day after its due date:
a partial payment during the period is not re-dated, so the claim errs on the low side.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from huikuan.core.interest import (
    AgreedRate,
    Claim,
    InterestPolicy,
    claim,
    sme_regulation_applies,
)
from huikuan.core.money import ZERO
from huikuan.ledger.models import CompanySettings, Contract, Customer, InterestRate, RateKind
from huikuan.letters.common import day_zh, money

SME_TITLE = "《保障中小企业款项支付条例》"
# The official title (最高人民法院关于审理买卖合同纠纷案件…) would trip the D3 linter on 合同 and 法院;
# the document number identifies the interpretation exactly.
SPC_ART_18 = "买卖纠纷司法解释，法释〔2012〕8号，2020年修正，第十八条"


def pct(rate: Decimal) -> str:
    """``Decimal("0.039")`` → ``3.9%``.

    >>> pct(Decimal("0.0005")), pct(Decimal("0.0507"))
    ('0.05%', '5.07%')
    """
    text = f"{(rate * 100).quantize(Decimal('0.0001')).normalize():f}"
    return f"{text}%"


def lpr_table() -> list[tuple[date, Decimal]]:
    return list(
        InterestRate.objects.filter(kind=RateKind.LPR_1Y)
        .order_by("effective_from")
        .values_list("effective_from", "rate")
    )


def sme_covered(customer: Customer) -> bool:
    return sme_regulation_applies(CompanySettings.current().we_are_sme, customer.customer_type)


def agreed_rate(contract: Contract) -> tuple[AgreedRate | None, str | None]:
    """The contract's agreed rate, or a warning when it cannot be read safely."""
    if contract.late_rate is None:
        return None, None
    per = {Contract.RateBasis.PER_DAY: "day", Contract.RateBasis.PER_YEAR: "year"}.get(
        contract.late_rate_basis  # type: ignore[call-overload]
    )
    if per is None:
        return None, f"合同 {contract.number} 约定了逾期利率但未注明按日还是按年，未计算逾期利息。"
    return AgreedRate(contract.late_rate, per), None  # type: ignore[arg-type]


def interest_claim(
    items: list[dict[str, Any]], contract: Contract, customer: Customer, to_date: date
) -> dict[str, Any]:
    """Principal + interest to ``to_date`` for the due items of one contract, with the basis in words.

    ``claimed`` is False (and ``warnings`` says why) when the rate cannot be determined: then the
    letter states the principal only rather than a figure we cannot defend.
    """
    settings = CompanySettings.current()
    covered = sme_covered(customer)
    agreed, warning = agreed_rate(contract)
    result: dict[str, Any] = {
        "claimed": False,
        "rows": [],
        "basis": [],
        "warnings": [],
        "to_date": to_date,
        "contract_number": contract.number,
    }
    result["to_date_text"] = day_zh(to_date)
    if warning:
        result["warnings"].append(warning)
        return result
    try:
        policy = InterestPolicy(lpr_markup=settings.lpr_markup)
        table = lpr_table()
        claims = [
            (item, claim(item["open"]["value"], item["due_on"], to_date, agreed=agreed, lpr_table=table,
                         sme_covered=covered, signed_on=contract.signed_on, policy=policy))
            for item in items
        ]  # fmt: skip
    except ValueError as exc:
        result["warnings"].append(f"合同 {contract.number} 的逾期利息无法计算（{exc}），函件只列本金。")
        return result
    currency = items[0]["currency"] if items else "CNY"
    interest = sum((c.interest for _item, c in claims), ZERO)
    principal = sum((c.principal for _item, c in claims), ZERO)
    basis: list[str] = []
    for item, c in claims:
        result["rows"].append(_row(item, c))
        for text in basis_texts(c, policy):
            if text not in basis:
                basis.append(text)
        if any(r.code == "breach_before_2019_08_20" for r in c.reasons):
            warning = "部分逾期期间早于2019年8月20日，应以当时的贷款基准利率为基础，请复核。"
            if warning not in result["warnings"]:
                result["warnings"].append(warning)
    result.update(
        claimed=interest > 0,
        basis=basis,
        interest=money(interest, currency),
        principal=money(principal, currency),
        total=money(principal + interest, currency),
    )
    return result


def _row(item: dict[str, Any], c: Claim) -> dict[str, Any]:
    currency = item["currency"]
    pieces = [
        {
            "contract_number": item["contract_number"],
            "sequence": item["sequence"],
            "principal": money(c.principal, currency),
            "period": f"{p.start.isoformat()}至{p.end.isoformat()}",
            "days": p.days,
            "rate": f"年{pct(p.annual_rate)}" if p.annual_rate is not None else f"日{pct(p.daily_rate)}",
            "interest": money(p.interest, currency),
        }
        for p in c.pieces
    ]
    return {
        "contract_number": item["contract_number"],
        "sequence": item["sequence"],
        "kind_label": item["kind_label"],
        "due_on": c.due_on,
        "principal": money(c.principal, currency),
        "days": c.days,
        "interest": money(c.interest, currency),
        "pieces": pieces,
    }


def basis_texts(c: Claim, policy: InterestPolicy) -> list[str]:
    """The basis of one claim in letter wording (reason codes of core.interest → sentences)."""
    out = []
    for r in c.reasons:
        p = r.params
        if r.code == "interest_agreed_rate":
            out.append(f"按双方约定的逾期付款利率（{_rate_text(p['rate'], p['per'])}）计算")
        elif r.code == "sme_agreed_rate":
            out.append(f"依据{SME_TITLE}，按双方约定的逾期利率（{_rate_text(p['rate'], p['per'])}）计算")
        elif r.code == "sme_agreed_rate_below_lpr_floor":
            out.append(
                f"双方约定的逾期利率低于订立时一年期贷款市场报价利率（LPR）{pct(p['floor'])}，"
                f"依据{SME_TITLE}按该利率计算"
            )
        elif r.code == "sme_default_daily_rate":
            out.append(f"依据{SME_TITLE}，双方未约定逾期利率，按每日利率万分之五计算")
        elif r.code == "interest_lpr_markup":
            out.append(
                "双方未约定逾期付款利率，以全国银行间同业拆借中心公布的一年期贷款市场报价利率（LPR）为基础，"
                f"加计{pct(policy.lpr_markup)}计算（{SPC_ART_18}）"
            )
        elif r.code == "interest_rate_changed":
            out.append(f"{day_zh(p['on'])}起一年期LPR为{pct(p['annual_rate'])}，此后分段计算")
    return out


def _rate_text(rate: Decimal, per: str) -> str:
    return f"日利率{pct(rate)}" if per == "day" else f"年利率{pct(rate)}"


def sme_paragraphs(customer: Customer) -> list[str]:
    """The regulation's rules the letter cites when it applies (our side SME; public or large buyer)."""
    if not sme_covered(customer):
        return []
    if customer.customer_type in ("government", "public_institution"):
        term = (
            "机关、事业单位从中小企业采购货物、工程、服务，应当自货物、工程、服务交付之日起30日内支付款项；"
            "双方另有约定的，从其约定，但付款期限最长不得超过60日。"
        )
    else:
        term = (
            "大型企业从中小企业采购货物、工程、服务，应当自货物、工程、服务交付之日起60日内支付款项；"
            "双方另有约定的，应当按照行业规范、交易习惯合理约定付款期限并及时支付款项。"
        )
    return [
        f"我司为中小企业。根据{SME_TITLE}（2025年6月1日起施行）：{term}",
        "不得以法定代表人或者主要负责人变更，履行内部付款流程，或者在未作约定的情况下以等待竣工验收批复、"
        "决算审计等为由，拒绝或者迟延支付中小企业款项。",
        "迟延支付的，应当支付逾期利息；双方约定逾期利率的，约定利率不得低于订立时一年期贷款市场报价利率，"
        "未作约定的，按照每日利率万分之五支付逾期利息。",
    ]
