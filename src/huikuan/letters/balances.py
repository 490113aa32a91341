"""What the customer owes, as letters state it: open receivables per contract with invoice numbers.

A receivable is in a letter's balance when its trigger has fired by ``as_of`` (``recognised_on``),
it is not void and open(as_of) > 0 (DESIGN §2); a dunning letter further keeps those already due.
Balances come from `huikuan.ledger.services.balances.open_amounts` (two queries for all of them).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from huikuan.core.money import ZERO, cents
from huikuan.ledger.models import Contract, Customer, Invoice, Receivable
from huikuan.ledger.services.balances import open_amounts
from huikuan.letters.common import money


def open_items(
    *,
    customer: Customer | None = None,
    contract: Contract | None = None,
    as_of: date,
    due_only: bool = False,
    receivable_ids: Iterable[int] | None = None,
) -> list[dict[str, Any]]:
    """Open receivables of a customer or a contract (or the given ids) on ``as_of``, oldest due first."""
    qs = Receivable.objects.filter(is_void=False, recognised_on__isnull=False, recognised_on__lte=as_of)
    if contract is not None:
        qs = qs.filter(contract=contract)
    elif customer is not None:
        qs = qs.filter(contract__customer=customer)
    if receivable_ids is not None:
        qs = qs.filter(pk__in=list(receivable_ids))
    if due_only:
        qs = qs.filter(due_on__lte=as_of)
    rows = list(qs.select_related("contract").order_by("due_on", "contract__number", "sequence", "pk"))
    balances = open_amounts([r.pk for r in rows], as_of)
    numbers = invoice_numbers(r.pk for r in rows)
    items = []
    for r in rows:
        left = balances.get(r.pk, ZERO)
        if left <= 0:
            continue
        items.append(
            {
                "id": r.pk,
                "contract_id": r.contract_id,
                "contract_number": r.contract.number,
                "project_name": r.contract.project_name,
                "sequence": r.sequence,
                "kind": r.kind,
                "kind_label": str(r.get_kind_display()),
                "doc_no": r.doc_no or "",
                "due_on": r.due_on,
                "days_overdue": max((as_of - r.due_on).days, 0),
                "amount": money(r.amount, r.currency),
                "open": money(left, r.currency),
                "currency": r.currency,
                "invoices": numbers.get(r.pk, []),
                "invoices_text": "、".join(numbers.get(r.pk, [])) or "—",
            }
        )
    return items


def invoice_numbers(receivable_ids: Iterable[int]) -> dict[int, list[str]]:
    """Valid invoice numbers per receivable: red-reversed invoices and their red counterparts left out."""
    through = Invoice.receivables.through
    links = (
        through.objects.filter(receivable_id__in=list(receivable_ids))
        .exclude(invoice__status=Invoice.Status.RED_REVERSED)
        .filter(invoice__red_reversal_of__isnull=True)
        .order_by("invoice__issued_on", "invoice__number")
        .values_list("receivable_id", "invoice__number")
    )
    out: dict[int, list[str]] = {}
    for rid, number in links:
        out.setdefault(rid, []).append(number)
    return out


def per_contract(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Items grouped by contract, with each contract's open total (per currency, as letters print)."""
    groups: dict[int, list[dict[str, Any]]] = {}
    for item in items:
        groups.setdefault(item["contract_id"], []).append(item)
    contracts = {c.pk: c for c in Contract.objects.filter(pk__in=groups)}
    out = []
    for cid, rows in sorted(groups.items(), key=lambda kv: contracts[kv[0]].number):
        c = contracts[cid]
        currency = rows[0]["currency"]
        numbers = sorted({n for row in rows for n in row["invoices"]})
        out.append(
            {
                "id": cid,
                "number": c.number,
                "project_name": c.project_name or "—",
                "signed_on": c.signed_on,
                "amount": money(c.amount, c.currency) if c.amount is not None else None,
                "amount_figures": f"{cents(c.amount):,.2f}" if c.amount is not None else "—",
                "open": money(sum((r["open"]["value"] for r in rows), ZERO), currency),
                "items": rows,
                "invoices_text": "、".join(numbers) or "—",
                "currency": currency,
            }
        )
    return out


def totals(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The open total per currency (CNY first): letters never add different currencies together."""
    sums: dict[str, Decimal] = {}
    for item in items:
        sums[item["currency"]] = sums.get(item["currency"], ZERO) + item["open"]["value"]
    order = sorted(sums, key=lambda c: (c != "CNY", c))
    return [money(sums[c], c) for c in order]
