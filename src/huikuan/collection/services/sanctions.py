"""惩戒 (F1–F5): propose → a manager approves (maker-checker) → active → lifted, each step audited.

The ladder's judgement is `huikuan.core.sanctions` over the customer's facts as the daily run sees
them (`contracts.method_view`). Refusing new orders (credit hold) needs no legal basis; suspending an
existing contract does (contract clause, art. 526, or art. 527 with the written notice of art. 528),
so a suspension is approved first and becomes active only once its notice is recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from huikuan.accounts.access import visible_customers
from huikuan.audit.log import log_action, snapshot
from huikuan.collection.models import Approval, Sanction
from huikuan.collection.services.contracts import CustomerMethod, method_view
from huikuan.core.money import ZERO
from huikuan.core.nature import NatureResult
from huikuan.core.reasons import Reason
from huikuan.core.sanctions import (
    RungAssessment,
    SanctionFacts,
    SanctionProposal,
    assess_ladder,
    assess_rung,
    next_rung,
    rungs_to_lift,
)
from huikuan.ledger.models import Contract, Customer, Document, Receivable
from huikuan.ledger.services import LedgerError
from huikuan.ledger.services.balances import open_amounts

S = Sanction.Status
IN_FORCE = (S.PROPOSED, S.APPROVED, S.ACTIVE)
SUBJECT = "collection.sanction"
_FIELDS = ["status", "approved_by", "activated_on", "lifted_on", "notice"]


class SanctionError(LedgerError):
    """A step the rules refuse; the message is safe to show (Chinese)."""


def credit_holds() -> QuerySet[Sanction]:
    """Credit holds in force (F1): shown everywhere their customer appears."""
    return Sanction.objects.filter(kind=Sanction.Kind.CREDIT_HOLD, status=S.ACTIVE)


def held_customer_ids(customer_ids: Iterable[int]) -> set[int]:
    """Which of these customers are on credit hold now (one query, for lists)."""
    return set(
        credit_holds().filter(customer_id__in=list(customer_ids)).values_list("customer_id", flat=True)
    )


def may_decide(user: Any, customer: Customer) -> bool:
    """A manager of the customer's team, or an admin."""
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser or user.role == "admin":
        return True
    return user.role == "manager" and visible_customers(user).filter(pk=customer.pk).exists()


# ---------------------------------------------------------------- the ladder for one customer


@dataclass(frozen=True)
class Assessment:
    facts: SanctionFacts
    rung: RungAssessment | None
    ladder: tuple[RungAssessment, ...]
    next: SanctionProposal | None
    nature: NatureResult | None
    lift: tuple[Reason, ...]


def _facts(
    customer: Customer,
    view: CustomerMethod,
    *,
    contract: Contract | None,
    legal_basis: str,
    legal_review: bool,
    notice_sent_on: date | None,
    exclude: int | None,
) -> tuple[SanctionFacts, NatureResult | None]:
    ids = None if contract is None else {i for i, r in view.rows.items() if r["contract_id"] == contract.pk}
    in_force = Sanction.objects.filter(customer=customer, status__in=IN_FORCE).exclude(pk=exclude)
    active = frozenset(in_force.values_list("kind", flat=True))
    if contract is not None:
        terms = contract.suspension_clause
    else:
        terms = customer.contracts.filter(suspension_clause=True).exists()
    common = {
        "legal_basis": legal_basis or None,
        "notice_sent_on": notice_sent_on,
        "service_terms_allow_stop": terms,
        "reputation_facts_only": legal_review,
        "legal_review_done": legal_review,
        "active": active,
    }
    lead = view.lead(ids)
    if lead is None:
        return SanctionFacts(nature="unknown", days_overdue=0, open_amount=ZERO, **common), None
    row, result = view.rows[lead], view.results[lead]
    scope = view.results if ids is None else {i: view.results[i] for i in ids}
    malicious = any(r["nature"] == "malicious" for r in scope.values())
    broken = [d for d in row["broken_dates"] or [] if 0 <= (view.as_of - d).days <= 180]
    facts = SanctionFacts(
        nature="malicious" if malicious else result["nature"],
        days_overdue=max(0, int(row["days_overdue"])),
        open_amount=view.open_total(ids),
        broken_promises=len(broken),
        evidence_complete=bool(result["evidence_complete"]),
        limitation_expires_on=result["limitation_expires_on"],
        **common,
    )
    return facts, view.natures[lead]


def assess(
    customer: Customer,
    as_of: date,
    *,
    kind: str = "",
    contract: Contract | None = None,
    legal_basis: str = "",
    legal_review: bool = False,
    notice_sent_on: date | None = None,
    exclude: int | None = None,
    view: CustomerMethod | None = None,
) -> Assessment:
    """The whole ladder for ``customer`` (or one of its contracts), and the rung ``kind`` if given."""
    view = view or method_view(customer.pk, as_of)
    facts, nature = _facts(
        customer,
        view,
        contract=contract,
        legal_basis=legal_basis,
        legal_review=legal_review,
        notice_sent_on=notice_sent_on,
        exclude=exclude,
    )
    rung = assess_rung(kind, facts, as_of) if kind in Sanction.Kind.values else None  # type: ignore[arg-type]
    in_force = Sanction.objects.filter(customer=customer, status__in=(S.APPROVED, S.ACTIVE))
    if contract is not None:
        in_force = in_force.filter(contract=contract)
    return Assessment(
        facts,
        rung,
        assess_ladder(facts, as_of),
        next_rung(facts, as_of),
        nature,
        rungs_to_lift(frozenset(in_force.values_list("kind", flat=True)), facts.open_amount),
    )


def assess_sanction(sanction: Sanction, as_of: date, view: CustomerMethod | None = None) -> Assessment:
    notice = sanction.notice
    return assess(
        sanction.customer,
        as_of,
        kind=sanction.kind,
        contract=sanction.contract,
        legal_basis=sanction.legal_basis,
        legal_review=sanction.legal_review,
        notice_sent_on=(notice.sent_on or notice.delivered_on) if notice else None,
        exclude=sanction.pk,
        view=view,
    )


def open_balance(sanction: Sanction) -> Decimal:
    """What the customer (or the sanction's contract) still owes, everything booked counted."""
    receivables = Receivable.objects.filter(contract__customer_id=sanction.customer_id, is_void=False)
    if sanction.contract_id:
        receivables = receivables.filter(contract_id=sanction.contract_id)
    return sum(open_amounts(receivables.values_list("pk", flat=True)).values(), ZERO)


# ---------------------------------------------------------------- propose → approve → active → lifted


@dataclass(frozen=True)
class Proposal:
    kind: str
    reason: str
    contract: Contract | None = None
    legal_basis: str = ""
    legal_basis_note: str = ""
    legal_review: bool = False


def _check_proposal(customer: Customer, p: Proposal) -> None:
    if p.kind not in Sanction.Kind.values:
        raise SanctionError("请选择惩戒措施类型", "kind_required")
    if not p.reason.strip():
        raise SanctionError("请说明提议理由", "reason_required")
    if p.contract is not None and p.contract.customer_id != customer.pk:
        raise SanctionError("所选合同不属于该客户", "contract_not_of_customer")
    if p.legal_basis and p.legal_basis not in Sanction.LegalBasis.values:
        raise SanctionError("法律依据无效", "legal_basis_invalid")
    if p.kind == Sanction.Kind.SUSPEND_PERFORMANCE and not p.legal_basis:
        raise SanctionError(
            "中止履行现有合同必须记录法律依据（合同约定、民法典第526条或第527条），否则中止本身构成违约",
            "legal_basis_required",
        )
    if p.kind == Sanction.Kind.REPUTATION and not p.legal_review:
        raise SanctionError("声誉措施只能陈述事实，并须先经法务审核", "legal_review_required")
    clash = Sanction.objects.filter(customer=customer, kind=p.kind, status__in=IN_FORCE)
    clash = clash.filter(contract=p.contract) if p.contract is not None else clash
    existing = clash.first()
    if existing is not None:
        raise SanctionError(
            f"该客户已有同类措施（{existing.get_status_display()}），无需重复提议", "already_in_force"
        )


def propose(customer: Customer, p: Proposal, *, actor: Any) -> Sanction:
    _check_proposal(customer, p)
    with transaction.atomic():
        Customer.objects.select_for_update().filter(pk=customer.pk).exists()
        _check_proposal(customer, p)  # again under the lock: two clicks make one proposal
        sanction = Sanction.objects.create(
            customer=customer,
            contract=p.contract,
            kind=p.kind,
            legal_basis=p.legal_basis,
            legal_basis_note=p.legal_basis_note.strip(),
            legal_review=p.legal_review,
            reason=p.reason.strip(),
            proposed_by=actor,
        )
        approval = Approval.objects.create(
            customer=customer,
            kind=Approval.Kind.SANCTION,
            subject_model=SUBJECT,
            subject_id=sanction.pk,
            amount=open_balance(sanction) or None,
            requested_by=actor,
            reason=sanction.reason,
        )
        log_action(
            "collection.sanction.proposed",
            actor=actor,
            obj=sanction,
            data={"after": snapshot(sanction), "approval_id": approval.pk},
        )
    return sanction


def _locked(sanction: Sanction) -> Sanction:
    return (
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer joins select_related makes.
        Sanction.objects.select_for_update(of=("self",))
        .select_related("customer", "contract", "notice")
        .get(pk=sanction.pk)
    )


def _close_approvals(sanction: Sanction, approve: bool, actor: Any, note: str) -> None:
    """The pending approval request of this sanction gets the decision (one is made if none exists)."""
    status = Approval.Status.APPROVED if approve else Approval.Status.REJECTED
    pending = list(
        Approval.objects.select_for_update().filter(
            subject_model=SUBJECT, subject_id=sanction.pk, status=Approval.Status.PENDING
        )
    )
    if not pending:
        pending = [
            Approval(
                customer_id=sanction.customer_id,
                kind=Approval.Kind.SANCTION,
                subject_model=SUBJECT,
                subject_id=sanction.pk,
                requested_by_id=sanction.proposed_by_id,
                reason=sanction.reason,
            )
        ]
    for approval in pending:
        approval.status, approval.decided_by, approval.decision_note = status, actor, note
        approval.decided_at = timezone.now()
        approval.save()
        log_action(
            f"collection.approval.{status}",
            actor=actor,
            obj=approval,
            data={"kind": approval.kind, "subject": [SUBJECT, sanction.pk], "note": note},
        )


def _check_decider(sanction: Sanction, actor: Any) -> None:
    if sanction.status != S.PROPOSED:
        raise SanctionError(f"该措施当前状态为{sanction.get_status_display()}，不能审批", "not_proposed")
    if sanction.proposed_by_id == getattr(actor, "pk", None):
        raise SanctionError("不能审批自己提议的惩戒措施", "self_approval")
    if not may_decide(actor, sanction.customer):
        raise SanctionError("只有该客户所在团队的销售经理或管理员可以审批", "not_allowed")


def approve(sanction: Sanction, *, actor: Any, note: str = "", today: date) -> Sanction:
    """Approve; it takes effect at once, except a suspension, which waits for its written notice."""
    with transaction.atomic():
        sanction = _locked(sanction)
        _check_decider(sanction, actor)
        before = snapshot(sanction, _FIELDS)
        sanction.status, sanction.approved_by = S.APPROVED, actor
        if sanction.kind != Sanction.Kind.SUSPEND_PERFORMANCE:
            sanction.status, sanction.activated_on = S.ACTIVE, today
        sanction.save()
        _close_approvals(sanction, True, actor, note)
        log_action(
            "collection.sanction.approved",
            actor=actor,
            obj=sanction,
            data={"before": before, "after": snapshot(sanction, _FIELDS), "note": note},
        )
    return sanction


def reject(sanction: Sanction, *, actor: Any, note: str) -> Sanction:
    if not note.strip():
        raise SanctionError("驳回请填写审批意见", "note_required")
    with transaction.atomic():
        sanction = _locked(sanction)
        _check_decider(sanction, actor)
        before = snapshot(sanction, _FIELDS)
        sanction.status = S.REJECTED
        sanction.save()
        _close_approvals(sanction, False, actor, note.strip())
        log_action(
            "collection.sanction.rejected",
            actor=actor,
            obj=sanction,
            data={"before": before, "after": snapshot(sanction, _FIELDS), "note": note.strip()},
        )
    return sanction


def activate(sanction: Sanction, *, actor: Any, sent_on: date | None, proof: str, today: date) -> Sanction:
    """An approved suspension takes effect once its written notice (art. 528) is recorded as sent."""
    if sent_on is None or not proof.strip():
        raise SanctionError("请填写中止履行通知的发出日期和送达凭证（如快递单号）", "notice_required")
    if sent_on > today:
        raise SanctionError("通知发出日期不能晚于今天", "notice_in_future")
    with transaction.atomic():
        sanction = _locked(sanction)
        if sanction.status != S.APPROVED:
            raise SanctionError("只有已批准的措施可以生效", "not_approved")
        if not (may_decide(actor, sanction.customer) or sanction.proposed_by_id == actor.pk):
            raise SanctionError("只有提议人或审批经理可以登记生效", "not_allowed")
        before = snapshot(sanction, _FIELDS)
        notice = Document.objects.create(
            customer_id=sanction.customer_id,
            contract=sanction.contract,
            kind=Document.Kind.SUSPENSION_NOTICE,
            title=f"中止履行通知（惩戒 {sanction.pk}）",
            issued_on=sent_on,
            sent_on=sent_on,
            delivery_proof=proof.strip()[:200],
        )
        sanction.notice, sanction.status, sanction.activated_on = notice, S.ACTIVE, today
        sanction.save()
        log_action(
            "collection.sanction.activated",
            actor=actor,
            obj=sanction,
            data={"before": before, "after": snapshot(sanction, _FIELDS), "notice_id": notice.pk},
        )
    return sanction


def lift(sanction: Sanction, *, actor: Any, note: str = "", today: date) -> Sanction:
    """Lift: one click once the debt is paid; before that only a manager (or admin) may lift."""
    with transaction.atomic():
        sanction = _locked(sanction)
        if sanction.status not in (S.APPROVED, S.ACTIVE):
            raise SanctionError("只有已批准或生效中的措施可以解除", "not_in_force")
        paid = open_balance(sanction) <= ZERO
        if not paid and not may_decide(actor, sanction.customer):
            raise SanctionError("客户尚未结清：只有销售经理或管理员可以提前解除", "not_paid")
        before = snapshot(sanction, _FIELDS)
        sanction.status, sanction.lifted_on = S.LIFTED, today
        sanction.save()
        log_action(
            "collection.sanction.lifted",
            actor=actor,
            obj=sanction,
            data={"before": before, "after": snapshot(sanction, _FIELDS), "paid": paid, "note": note},
        )
    return sanction
