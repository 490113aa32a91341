"""The limitation clock of a customer's (or a contract's) receivables, read from the ledger.

Events (DESIGN §3, `huikuan.core.limitation`): a stamped or signed balance confirmation or promise
letter (acknowledgement, dated by its return), a delivered demand or lawyer's letter, and each
payment applied to a receivable (partial payment). A document names its receivables; one naming
none covers its contract's receivables, or the customer's whole balance. Decision support, not
legal advice.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Q

from huikuan.core.limitation import (
    NOT_LEGAL_ADVICE,
    InterruptionEvent,
    LimitationMilestone,
    LimitationReport,
    limitation_report,
)
from huikuan.core.reasons import describe
from huikuan.ledger.models import Allocation, Contract, Customer, Document, Receivable
from huikuan.ledger.services.balances import open_amounts

ACKNOWLEDGEMENT_KINDS = {
    Document.Kind.BALANCE_CONFIRMATION: "balance_confirmation",
    Document.Kind.PROMISE_LETTER: "written_promise",
}
DEMAND_KINDS = (Document.Kind.DEMAND, Document.Kind.LAWYER_LETTER)
_CORE_SEALS = {"company", "finance", "contract", "department"}


def core_seal(seal_kind: str) -> str:
    """Ledger seal names ("company") as the core's reasons label them ("company_seal")."""
    return f"{seal_kind}_seal" if seal_kind in _CORE_SEALS else seal_kind


@dataclass(frozen=True)
class LimitationView:
    report: LimitationReport
    receivables: dict[int, Receivable]
    open: dict[int, Any]
    disclaimer: str


def events_for(customer: Customer, as_of: date) -> list[InterruptionEvent]:
    """Every interruption event of a customer known on ``as_of``."""
    by_contract: dict[int, frozenset[Hashable]] = {}
    for rid, cid in Receivable.objects.filter(contract__customer=customer).values_list("pk", "contract_id"):
        by_contract[cid] = by_contract.get(cid, frozenset()) | {rid}
    events: list[InterruptionEvent] = []
    docs = Document.objects.filter(customer=customer).filter(
        Q(kind__in=list(ACKNOWLEDGEMENT_KINDS)) | Q(kind__in=DEMAND_KINDS, delivered_on__isnull=False)
    )
    for doc in docs.prefetch_related("receivables"):
        named = frozenset(r.pk for r in doc.receivables.all())
        if named:
            scope: frozenset[Hashable] | None = named
        elif doc.covers_whole_balance or doc.contract_id is None:
            scope = None
        else:
            scope = by_contract.get(doc.contract_id, frozenset())
        if doc.kind in ACKNOWLEDGEMENT_KINDS:
            on = doc.returned_on or doc.issued_on
            kind, seal = ACKNOWLEDGEMENT_KINDS[doc.kind], core_seal(doc.seal_kind)  # type: ignore[index]
        else:
            on, kind, seal = doc.delivered_on, "demand_delivered", None
        if on is not None and on <= as_of:
            events.append(InterruptionEvent(on, kind, scope, seal, ref=f"document:{doc.pk}"))  # type: ignore[arg-type]
    payments = Allocation.objects.filter(
        receivable__contract__customer=customer, amount__gt=0, payment__paid_on__lte=as_of
    ).values_list("receivable_id", "payment__paid_on", "payment_id")
    for rid, paid_on, pid in payments:
        events.append(
            InterruptionEvent(paid_on, "partial_payment", frozenset({rid}), None, ref=f"payment:{pid}")
        )
    return events


def limitation_view(customer: Customer, as_of: date, contract: Contract | None = None) -> LimitationView:
    """Per-receivable clocks (open receivables, trigger fired) plus each contract's art. 189 date."""
    qs = Receivable.objects.filter(
        contract__customer=customer, is_void=False, recognised_on__isnull=False, recognised_on__lte=as_of
    ).select_related("contract")
    if contract is not None:
        qs = qs.filter(contract=contract)
    rows = list(qs.order_by("contract__number", "sequence", "pk"))
    balances = open_amounts([r.pk for r in rows], as_of)
    open_rows = [r for r in rows if balances.get(r.pk, 0) > 0]
    milestones = [LimitationMilestone(r.pk, r.due_on, r.contract_id) for r in open_rows]
    report = limitation_report(milestones, events_for(customer, as_of), as_of)
    return LimitationView(
        report,
        {r.pk: r for r in open_rows},
        {r.pk: balances[r.pk] for r in open_rows},
        describe(NOT_LEGAL_ADVICE),
    )


def last_interruption(reasons: Any) -> tuple[date | None, str]:
    """The event the clock now runs from, as (day, label) — (None, "") while it runs from the due date."""
    head = reasons[0]
    if head.code in ("limitation_restarted", "reacknowledged_after_expiry"):
        from huikuan.core.limitation import LABELS

        return head.params["on"], LABELS.get(head.params["kind"], (head.params["kind"],))[0]
    return None, ""


def status_rows(view: LimitationView) -> list[list[Any]]:
    """One row per receivable for the index: expiry, last interruption, the art. 189 date beside."""
    art189 = {c.contract_id: c.expires_on for c in view.report.contracts}
    out = []
    for st in view.report.milestones:
        r = view.receivables[st.receivable_id]  # type: ignore[index]
        on, label = last_interruption(st.reasons)
        notes = "；".join(describe(x) for x in st.reasons if x.code != "not_legal_advice")
        out.append(
            [
                r.contract.number,
                r.sequence,
                r.get_kind_display(),
                r.due_on,
                view.open[r.pk],
                on,
                label,
                st.expires_on,
                st.days_left,
                "已届满" if st.expired else "未届满",
                art189.get(r.contract_id),
                notes,
            ]
        )
    return out


STATUS_HEADERS = [
    "合同编号",
    "期次",
    "款项",
    "到期日",
    "未付金额",
    "最近中断日期",
    "中断事由",
    "时效届满日",
    "剩余天数",
    "状态",
    "第189条（按同一债务分期）届满日",
    "说明",
]
