"""大事记: what happened, when, for how much — the first thing a lawyer reads.

Contract signed, milestones recognised and due, invoices issued and delivered, deliveries and
acceptances, payments, adjustments, promises, confirmations, demands (with their delivery proof),
issues raised and resolved; oldest first.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.utils import timezone

from huikuan.ledger.models import Document
from huikuan.letters.evidence.scope import Scope

HEADERS = ["日期", "事件", "合同编号", "金额", "说明"]
Row = tuple[date, int, str, str, Decimal | None, str]


def chronology(scope: Scope, as_of: date) -> list[list[Any]]:
    """Rows (date, event, contract, amount, note) up to ``as_of``, oldest first."""
    rows: list[Row] = []
    for c in scope.contracts():
        if c.signed_on:
            rows.append((c.signed_on, 0, "签订合同", c.number, c.amount, c.project_name))
    for r in scope.receivables():
        label = f"第{r.sequence}期{r.get_kind_display()}"
        if r.recognised_on:
            rows.append(
                (
                    r.recognised_on,
                    1,
                    f"{label}付款条件成就",
                    r.contract.number,
                    r.amount,
                    r.get_trigger_event_display(),
                )
            )
        rows.append((r.due_on, 2, f"{label}到期", r.contract.number, r.amount, "已作废" if r.is_void else ""))
    for inv in scope.invoices().prefetch_related("receivables__contract"):
        numbers = "、".join(sorted({x.contract.number for x in inv.receivables.all()}))
        what = f"{inv.get_type_display()}（{inv.get_medium_display()}）{inv.number}"
        rows.append(
            (inv.issued_on, 3, "开具发票" if inv.amount > 0 else "开具红字发票", numbers, inv.amount, what)
        )
        if inv.delivered_on:
            rows.append((inv.delivered_on, 4, "发票送达", numbers, inv.amount, inv.number))
    rows += _documents(scope, as_of)
    payments: dict[int, list[Any]] = {}
    for a in scope.allocations():
        entry = payments.setdefault(a.payment_id, [a.payment, Decimal("0.00"), set()])
        entry[1] += a.amount
        entry[2].add(a.receivable.contract.number)
    for payment, amount, numbers in payments.values():
        note = f"{payment.get_method_display()} {payment.reference}".strip()
        rows.append((payment.paid_on, 5, "回款", "、".join(sorted(numbers)), amount, note))
    for adj in scope.adjustments():
        rows.append(
            (
                adj.adjusted_on,
                6,
                adj.get_kind_display(),
                adj.receivable.contract.number,
                adj.amount,
                adj.reason,
            )
        )
    for p in scope.promises().prefetch_related("receivables__contract"):
        made = timezone.localdate(p.activity.occurred_at) if p.activity else timezone.localdate(p.created_at)
        numbers = "、".join(sorted({x.contract.number for x in p.receivables.all()}))
        note = f"承诺于{p.promised_on.isoformat()}前付款；{p.get_status_display()}" + (
            "；书面" if p.written else ""
        )
        rows.append((made, 7, "付款承诺", numbers, p.amount, note))
    for issue in scope.issues():
        number = issue.contract.number if issue.contract else ""
        rows.append(
            (
                issue.opened_on,
                8,
                f"提出问题：{issue.get_kind_display()}",
                number,
                None,
                issue.description[:200],
            )
        )
        if issue.resolved_on:
            rows.append((issue.resolved_on, 8, "问题解决", number, None, issue.get_kind_display()))
    rows = [row for row in rows if row[0] <= as_of]
    rows.sort(key=lambda row: (row[0], row[1], row[3]))
    return [[day, event, number, amount, note] for day, _order, event, number, amount, note in rows]


def _documents(scope: Scope, as_of: date) -> list[Row]:
    rows: list[Row] = []
    for doc in scope.documents(as_of).select_related("contract"):
        number = doc.contract.number if doc.contract else ("全部余额" if doc.covers_whole_balance else "")
        kind = doc.get_kind_display()
        seal = doc.get_seal_kind_display()
        if doc.kind in (
            Document.Kind.DELIVERY_RECEIPT,
            Document.Kind.ACCEPTANCE_CERTIFICATE,
            Document.Kind.CONTRACT,
        ):
            on = doc.returned_on or doc.issued_on
            if on:
                rows.append((on, 4, kind, number, None, f"{doc.title}（{seal}）".strip()))
            continue
        if doc.issued_on:
            rows.append((doc.issued_on, 9, f"出具{kind}", number, None, doc.title))
        if doc.delivered_on:
            rows.append(
                (doc.delivered_on, 9, f"{kind}送达", number, None, f"送达凭证：{doc.delivery_proof or '—'}")
            )
        if doc.returned_on:
            note = f"回函（{seal}）"
            rows.append((doc.returned_on, 9, f"{kind}回函", number, doc.confirmed_amount, note))
    return rows
