"""Letter data from the ledger: plain dicts the templates (and the web pages) read.

Each builder takes the object, the balance date ``as_of`` and the letter date ``issued_on`` (time
is injected, never read here) and returns a `LetterData`: the template context plus what the
`Document` will record (the receivables the letter names, or the customer's whole balance).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from huikuan.collection.models import PaymentPlan
from huikuan.core.money import ZERO, cents
from huikuan.ledger.models import Contract, Customer, Document
from huikuan.letters.achievements import achievements
from huikuan.letters.balances import open_items, per_contract, totals
from huikuan.letters.common import LetterError, day_zh, deadline, letterhead, money
from huikuan.letters.interest import interest_claim, sme_paragraphs

LAWYER_DAYS = 7  # the customary "within 7 days of receipt" of a lawyer's letter


@dataclass
class LetterData:
    kind: str  # confirmation / dunning / plan / lawyer
    title: str
    document_kind: str
    customer: Customer
    contract: Contract | None
    as_of: date
    issued_on: date
    receivable_ids: list[int]
    covers_whole_balance: bool
    context: dict[str, Any]
    total: Decimal | None = None
    warnings: list[str] = field(default_factory=list)

    @property
    def template(self) -> str:
        return f"{self.kind}.docx"


def _customer(customer: Customer) -> dict[str, Any]:
    return {"id": customer.pk, "name": customer.name, "code": customer.code or "—"}


def _contract(contract: Contract) -> dict[str, Any]:
    return {
        "id": contract.pk,
        "number": contract.number,
        "project_name": contract.project_name or contract.number,
        "signed_on": contract.signed_on,
        "signed_on_text": day_zh(contract.signed_on) if contract.signed_on else "—",
    }


def _base(customer: Customer, as_of: date, issued_on: date) -> dict[str, Any]:
    head = letterhead()
    return {
        "company": head.company,
        "firm": head.firm,
        "customer": _customer(customer),
        "as_of": as_of,
        "as_of_text": day_zh(as_of),
        "issued_on": issued_on,
        "issued_text": day_zh(issued_on),
        "letter_no": "",  # set when rendered (records.render_letter)
        "blank_date": day_zh(None),
    }


def confirmation_data(customer: Customer, as_of: date, issued_on: date) -> LetterData:
    """对账确认函 for the customer's whole open balance on ``as_of`` (DESIGN §3 "Balance confirmation")."""
    items = open_items(customer=customer, as_of=as_of)
    if not items:
        raise LetterError(f"客户 {customer.name} 截至 {as_of.isoformat()} 没有未付余额，无需对账确认函。")
    sums = totals(items)
    contracts = per_contract(items)
    ctx = _base(customer, as_of, issued_on)
    ctx.update(contracts=contracts, items=items, totals=sums, total=sums[0], multi_currency=len(sums) > 1)
    for n, c in enumerate(contracts, start=1):
        c["no"] = n
    return LetterData(
        "confirmation",
        f"对账确认函（截至{as_of.isoformat()}）",
        Document.Kind.BALANCE_CONFIRMATION,
        customer,
        None,
        as_of,
        issued_on,
        [i["id"] for i in items],
        True,
        ctx,
        sums[0]["value"],
    )


def _due(contract: Contract | None, customer: Customer, as_of: date) -> list[dict[str, Any]]:
    items = open_items(contract=contract, customer=customer, as_of=as_of, due_only=True)
    if not items:
        what = f"合同 {contract.number}" if contract else f"客户 {customer.name}"
        raise LetterError(f"{what} 截至 {as_of.isoformat()} 没有已到期未付的款项。")
    return items


def _claims(items: list[dict[str, Any]], customer: Customer, as_of: date) -> dict[str, Any]:
    """Interest claims per contract, combined; each contract keeps its own agreed rate and basis.

    ``claimed`` only when every contract's interest could be computed and there is one currency:
    a letter never states a total it cannot defend.
    """
    by_contract: dict[int, list[dict[str, Any]]] = {}
    for item in items:
        by_contract.setdefault(item["contract_id"], []).append(item)
    contracts = {c.pk: c for c in Contract.objects.filter(pk__in=by_contract)}
    parts = [interest_claim(rows, contracts[cid], customer, as_of) for cid, rows in by_contract.items()]
    rows = [row for part in parts for row in part["rows"]]
    combined: dict[str, Any] = {
        "rows": rows,
        "pieces": [piece for row in rows for piece in row["pieces"]],
        "warnings": [w for part in parts for w in part["warnings"]],
        "to_date_text": day_zh(as_of),
        "claimed": False,
        "basis_text": "",
    }
    currencies = {i["currency"] for i in items}
    if all(p["claimed"] or not p["warnings"] for p in parts) and any(p["claimed"] for p in parts):
        if len(currencies) == 1:
            currency = currencies.pop()
            interest = sum((p["interest"]["value"] for p in parts if p.get("interest")), ZERO)
            principal = sum((i["open"]["value"] for i in items), ZERO)
            if len(parts) == 1:
                basis = "；".join(parts[0]["basis"])
            else:
                basis = "；".join(
                    f"编号{p['contract_number']}：{'，'.join(p['basis'])}" for p in parts if p["basis"]
                )
            combined.update(
                claimed=True,
                interest=money(interest, currency),
                total=money(principal + interest, currency),
                basis_text=basis,
            )
        else:
            combined["warnings"].append("款项涉及多个币种，函件未合计逾期利息。")
    return combined


def dunning_data(contract: Contract, as_of: date, issued_on: date) -> LetterData:
    """催款函 for the due and unpaid milestones of one contract (D3 wording: no "合同", no threats)."""
    customer = contract.customer
    items = _due(contract, customer, as_of)
    sums = totals(items)
    head = letterhead()
    ctx = _base(customer, as_of, issued_on)
    interest = _claims(items, customer, as_of)
    pay_by = deadline(issued_on, head.payment_days)
    ctx.update(
        contract=_contract(contract),
        items=items,
        totals=sums,
        total=sums[0],
        interest=interest,
        sme=sme_paragraphs(customer),
        achievements=achievements([contract.pk], as_of),
        deadline=pay_by,
        deadline_text=day_zh(pay_by),
    )
    return LetterData(
        "dunning",
        f"催款函 {contract.number}（截至{as_of.isoformat()}）",
        Document.Kind.DEMAND,
        customer,
        contract,
        as_of,
        issued_on,
        [i["id"] for i in items],
        False,
        ctx,
        sums[0]["value"],
        list(interest["warnings"]),
    )


def lawyer_data(customer: Customer, contract: Contract | None, as_of: date, issued_on: date) -> LetterData:
    """律师函 draft in the law firm's name for a contract's or the customer's due balance."""
    items = _due(contract, customer, as_of)
    sums = totals(items)
    contracts = per_contract(items)
    ctx = _base(customer, as_of, issued_on)
    interest = _claims(items, customer, as_of)
    for c in contracts:
        c.update(_contract(Contract.objects.get(pk=c["id"])))
    ctx.update(
        contracts=contracts,
        items=items,
        totals=sums,
        total=sums[0],
        interest=interest,
        sme=sme_paragraphs(customer),
        achievements=achievements([c["id"] for c in contracts], as_of),
        pay_within_days=LAWYER_DAYS,
        year=issued_on.year,
    )
    scope = contract.number if contract else customer.name
    return LetterData(
        "lawyer",
        f"律师函（草稿）{scope}",
        Document.Kind.LAWYER_LETTER,
        customer,
        contract,
        as_of,
        issued_on,
        [i["id"] for i in items],
        False,
        ctx,
        sums[0]["value"],
        list(interest["warnings"]),
    )


def plan_data(plan: PaymentPlan, issued_on: date) -> LetterData:
    """付款计划确认书: the plan's instalments (each a Promise), which must add up to the plan's total."""
    instalments = list(plan.instalments.order_by("sequence", "promised_on", "pk"))
    if not instalments:
        raise LetterError(f"回款方案 {plan.pk} 没有分期，无法生成付款计划确认书。")
    total = sum((cents(p.amount) for p in instalments), ZERO)
    if total != cents(plan.total):
        raise LetterError(f"回款方案 {plan.pk} 各期合计 {total:,.2f} 元与方案总额 {plan.total:,.2f} 元不符。")
    receivable_ids = sorted(
        set(plan.receivables.values_list("pk", flat=True))
        | {rid for p in instalments for rid in p.receivables.values_list("pk", flat=True)}
    )
    customer = plan.customer
    items = open_items(customer=customer, as_of=issued_on, receivable_ids=receivable_ids)
    currency = items[0]["currency"] if items else "CNY"
    rows = [
        {
            "no": n,
            "date": p.promised_on,
            "date_text": day_zh(p.promised_on),
            "amount": money(p.amount, currency),
        }
        for n, p in enumerate(instalments, start=1)
    ]
    ctx = _base(customer, issued_on, issued_on)
    ctx.update(
        plan={"id": plan.pk},  # the plan's notes are internal (e.g. "funds tight"): never printed
        items=items,
        instalments=rows,
        total=money(total, currency),
        count=len(rows),
        contract=_contract(plan.contract) if plan.contract else None,
    )
    return LetterData(
        "plan",
        f"付款计划确认书（方案 {plan.pk}）",
        Document.Kind.PROMISE_LETTER,
        customer,
        plan.contract,
        issued_on,
        issued_on,
        receivable_ids,
        False,
        ctx,
        total,
    )
