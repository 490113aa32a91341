"""E3: the milestone results letters quote — only those achieved *and accepted* by the customer.

The ledger's evidence of an accepted result is the customer's signed or stamped 签收单 (delivery
receipt) or 验收单 (acceptance certificate). An unsigned one proves nothing about acceptance and is
not quoted (the same rule as the meeting plan, `huikuan.core.negotiation`).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import Q

from huikuan.core.negotiation import Achievement
from huikuan.ledger.models import Document, SealKind
from huikuan.letters.common import day_zh

RESULT_KINDS = {
    Document.Kind.DELIVERY_RECEIPT: "货物/服务已交付并经贵司签收",
    Document.Kind.ACCEPTANCE_CERTIFICATE: "已通过贵司验收",
}


def achievements(contract_ids: Iterable[int], as_of: date) -> list[dict[str, Any]]:
    """Accepted results of these contracts known on ``as_of``, oldest first, as letters print them."""
    ids = list(contract_ids)
    docs = (
        Document.objects.filter(kind__in=list(RESULT_KINDS))
        .filter(Q(contract_id__in=ids) | Q(receivables__contract_id__in=ids))
        .select_related("contract")
        .prefetch_related("receivables__contract")
        .distinct()
    )
    found: list[tuple[Achievement, str]] = []
    for doc in docs:
        on = doc.returned_on or doc.issued_on or doc.delivered_on
        if on is None or on > as_of:
            continue
        accepted = doc.seal_kind not in (SealKind.NONE, "")
        found.append((Achievement(_label(doc), on, accepted), _contract_number(doc)))
    quoted = sorted(
        (pair for pair in found if pair[0].accepted), key=lambda p: (p[0].achieved_on, p[0].title)
    )
    return [
        {"title": a.title, "on": a.achieved_on, "on_text": day_zh(a.achieved_on), "contract_number": number}
        for a, number in quoted
    ]


def _label(doc: Document) -> str:
    what = RESULT_KINDS[doc.kind]  # type: ignore[index]
    return f"{what}（{doc.title}）" if doc.title else what


def _contract_number(doc: Document) -> str:
    if doc.contract is not None:
        return doc.contract.number
    receivables = list(doc.receivables.all())
    return receivables[0].contract.number if receivables else ""
