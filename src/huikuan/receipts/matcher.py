"""The database side of matching (huikuan.core.matching holds the rules).

For a batch of receipts (a statement) everything is read in a few bulk queries: every way a
customer is known (names, aliases — those learned from approved claims marked —, third-party
payers, groups, accounts), the contracts and documents whose numbers appear in the memos, the
customers with a receivable of exactly a receipt's amount, and the open receivables of all the
customers concerned. Then the pure rules decide line by line.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import polars as pl
from django.db.models.functions import Upper

from huikuan.core import matching
from huikuan.core.matching import Directory, Known, Match, OpenItem, Receipt, Reference
from huikuan.core.money import from_cents_int, to_cents_int
from huikuan.imports import sql
from huikuan.imports.allocate import open_receivables
from huikuan.ledger.models import (
    BankAccount,
    Contract,
    Customer,
    CustomerAlias,
    Receivable,
    ThirdPartyPayer,
)

# An amount that many customers owe says nothing about who paid it.
AMOUNT_FANOUT = 10


@dataclass(frozen=True, slots=True)
class Line:
    """A receipt and its date (what is overdue is judged on that day)."""

    receipt: Receipt
    received_on: date


def load_directory() -> Directory:
    """Every name and account a customer is known by."""
    from huikuan.receipts.models import Claim

    learned = set(
        Claim.objects.filter(learned_alias__isnull=False).values_list("learned_alias_id", flat=True)
    )
    entries: list[Known] = []
    for pk, name, group in Customer.objects.values_list("pk", "name", "group__name"):
        entries.append(Known("name", pk, name))
        if group:
            entries.append(Known("group", pk, group))
    for pk, alias, customer_id in CustomerAlias.objects.values_list("pk", "alias", "customer_id"):
        entries.append(Known("learned_alias" if pk in learned else "alias", customer_id, alias))
    for name, account, customer_id in ThirdPartyPayer.objects.values_list(
        "name", "account_no", "customer_id"
    ):
        entries.append(Known("payer_name", customer_id, name))
        if account:
            entries.append(Known("payer_account", customer_id, account, label=name))
    for account, customer_id in BankAccount.objects.values_list("account_no", "customer_id"):
        entries.append(Known("account", customer_id, account))
    return Directory.build(entries)


def find_references(tokens: Iterable[str]) -> dict[str, list[Reference]]:
    """Memo token → the contracts and documents with that number (compared in upper case)."""
    wanted = sorted(set(tokens))
    found: dict[str, list[Reference]] = {}
    for start in range(0, len(wanted), sql.IN_CHUNK):
        part = wanted[start : start + sql.IN_CHUNK]
        contracts = (
            Contract.objects.annotate(key=Upper("number"))
            .filter(key__in=part)
            .values_list("key", "pk", "customer_id", "number")
        )
        for key, pk, customer_id, number in contracts:
            found.setdefault(key, []).append(Reference(number, customer_id, pk, number))
        documents = (
            Receivable.objects.annotate(key=Upper("doc_no"))
            .filter(key__in=part, is_void=False)
            .values_list("key", "contract_id", "contract__customer_id", "contract__number", "doc_no")
        )
        for key, contract_id, customer_id, number, doc_no in documents:
            found.setdefault(key, []).append(Reference(doc_no, customer_id, contract_id, number, doc_no))
    return found


def customers_owed(amounts: Iterable[int]) -> dict[int, set[int]]:
    """Amount in cents → customers with a receivable of exactly that amount (few enough to mean
    something)."""
    frame = sql.select_in(
        f"SELECT {sql.cents_sql('r.amount')}, c.customer_id FROM {sql.table(Receivable)} r "
        f"JOIN {sql.table(Contract)} c ON c.id = r.contract_id "
        f"WHERE NOT r.is_void AND {sql.cents_sql('r.amount')} IN ({{in}})",
        sorted(set(amounts)),
        {"cents": pl.Int64, "customer_id": pl.Int64},
    ).unique()
    owed: dict[int, set[int]] = {}
    for cents, customer_id in frame.iter_rows():
        owed.setdefault(cents, set()).add(customer_id)
    return {cents: ids for cents, ids in owed.items() if len(ids) <= AMOUNT_FANOUT}


def load_open_items(customer_ids: Iterable[int]) -> dict[int, tuple[OpenItem, ...]]:
    ids = sorted(set(customer_ids))
    if not ids:
        return {}
    frame = open_receivables(ids).filter(pl.col("open") > 0)
    numbers = dict(
        Contract.objects.filter(pk__in=frame["contract_id"].unique().to_list()).values_list("pk", "number")
    )
    items: dict[int, list[OpenItem]] = {}
    for rid, customer_id, contract_id, due_on, sequence, open_cents in frame.select(
        "rid", "customer_id", "contract_id", "due_on", "sequence", "open"
    ).iter_rows():
        label = f"{numbers.get(contract_id, contract_id)}#{sequence}"
        items.setdefault(customer_id, []).append(
            OpenItem(rid, contract_id, from_cents_int(open_cents), due_on, label)
        )
    return {cid: tuple(v) for cid, v in items.items()}


def match_lines(lines: Sequence[Line]) -> list[Match]:
    """The verdict for each line, in order."""
    if not lines:
        return []
    directory = load_directory()
    tokens = [matching.memo_tokens(line.receipt.memo) for line in lines]
    references = find_references(t for ts in tokens for t in ts)
    per_line = [[r for t in ts for r in references.get(t, [])] for ts in tokens]
    owed = customers_owed(to_cents_int(line.receipt.amount) for line in lines)
    wanted = [
        matching.candidate_customers(line.receipt, directory, refs)
        | owed.get(to_cents_int(line.receipt.amount), set())
        for line, refs in zip(lines, per_line, strict=True)
    ]
    items = load_open_items(cid for ids in wanted for cid in ids)
    return [
        matching.match(
            line.receipt,
            directory,
            as_of=line.received_on,
            references=refs,
            open_items={cid: items.get(cid, ()) for cid in ids},
        )
        for line, refs, ids in zip(lines, per_line, wanted, strict=True)
    ]


def reasons_json(found: Match) -> list[dict[str, Any]]:
    """The verdict, then the evidence of the applied (else the best) customer."""
    best = found.candidates[0].reasons if found.candidates else ()
    return [found.verdict.as_dict(), *(r.as_dict() for r in best)]


def candidates_json(found: Match) -> list[dict[str, Any]]:
    return [
        {
            "customer_id": c.customer_id,
            "confidence": c.confidence,
            "reasons": [r.as_dict() for r in c.reasons],
        }
        for c in found.candidates
    ]
