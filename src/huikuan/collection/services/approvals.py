"""审批 inbox: everything waiting for a checker — discounts above the threshold, payment plans,
write-offs and other adjustments, promise extensions, sanctions, "malicious" confirmations — and the
decision on each (maker-checker: never the requester; only within the decider's own customers).

Managers decide every kind for their teams' customers; finance decides adjustments (write-offs and
the others) for all; an admin decides everything. Each item carries the method's reasons: the
debt-nature points, the discount break-even, the ladder's preconditions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from huikuan.accounts.access import scope_queryset, visible_customers
from huikuan.audit.log import log_action, snapshot
from huikuan.collection.models import Approval, NatureReview, PaymentPlan, Promise, Sanction
from huikuan.collection.services import sanctions
from huikuan.collection.services.contracts import CustomerMethod, method_view
from huikuan.core.discount import discount_offer, evaluate_discount
from huikuan.core.reasons import Reason
from huikuan.ledger.models import Adjustment, AdjustmentKind, ApprovalStatus, Customer
from huikuan.ledger.services import LedgerError
from huikuan.ledger.services.adjustments import decide_adjustment

K = Approval.Kind
ADJUSTMENT_KINDS = frozenset({K.WRITE_OFF, K.ADJUSTMENT})
ALL_KINDS = frozenset(K.values)
PLAN, ADJ, SANCTION = "collection.paymentplan", "ledger.adjustment", sanctions.SUBJECT


class ApprovalError(LedgerError):
    """A decision refused; the message is safe to show (Chinese)."""


def kinds_for(user: Any) -> frozenset[str]:
    """What ``user`` may decide."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if user.is_superuser or user.role in ("admin", "manager"):
        return ALL_KINDS
    if user.role == "finance":
        return ADJUSTMENT_KINDS
    return frozenset()


@dataclass
class Item:
    """One thing waiting for a decision, whatever table it lives in."""

    key: str  # "approval-3", "adjustment-7", "sanction-2"
    kind: str
    customer: Customer
    requested_by: Any
    created_at: Any
    reason: str
    amount: Decimal | None = None
    rate: Decimal | None = None
    approval: Approval | None = None
    adjustment: Adjustment | None = None
    sanction: Sanction | None = None
    subject: Any = None
    details: list[tuple[str, str]] = field(default_factory=list)
    reasons: list[Reason] = field(default_factory=list)
    nature: Any = None

    @property
    def kind_label(self) -> str:
        return str(K(self.kind).label)


def _pending_subjects(model: str) -> Any:
    return Approval.objects.filter(status=Approval.Status.PENDING, subject_model=model).values("subject_id")


def inbox(user: Any) -> list[Item]:
    """Pending requests ``user`` may decide, oldest first (their own requests are never in it)."""
    kinds = kinds_for(user)
    items: list[Item] = []
    if not kinds:
        return items
    approvals = scope_queryset(Approval.objects.filter(status=Approval.Status.PENDING, kind__in=kinds), user)
    for a in approvals.exclude(requested_by=user).select_related("customer", "requested_by"):
        items.append(
            Item(
                f"approval-{a.pk}",
                a.kind,
                a.customer,
                a.requested_by,
                a.created_at,
                a.reason,
                amount=a.amount,
                rate=a.rate,
                approval=a,
            )
        )
    if kinds >= ADJUSTMENT_KINDS:
        adjustments = scope_queryset(Adjustment.objects.filter(status=ApprovalStatus.PENDING), user)
        adjustments = adjustments.exclude(requested_by=user).exclude(pk__in=_pending_subjects(ADJ))
        for j in adjustments.select_related("receivable__contract__customer", "requested_by"):
            kind = K.WRITE_OFF if j.kind == AdjustmentKind.WRITE_OFF else K.ADJUSTMENT
            customer = j.receivable.contract.customer
            items.append(
                Item(
                    f"adjustment-{j.pk}",
                    kind,
                    customer,
                    j.requested_by,
                    j.created_at,
                    j.reason,
                    amount=j.amount,
                    adjustment=j,
                    subject=j,
                )
            )
    if K.SANCTION in kinds:
        proposed = scope_queryset(Sanction.objects.filter(status=Sanction.Status.PROPOSED), user)
        proposed = proposed.exclude(proposed_by=user).exclude(pk__in=_pending_subjects(SANCTION))
        for s in proposed.select_related("customer", "contract", "proposed_by", "notice"):
            items.append(
                Item(
                    f"sanction-{s.pk}",
                    K.SANCTION,
                    s.customer,
                    s.proposed_by,
                    s.created_at,
                    s.reason,
                    sanction=s,
                    subject=s,
                )
            )
    items.sort(key=lambda i: (i.created_at, i.key))
    return items


def my_requests(user: Any, limit: int = 30) -> list[Approval]:
    return list(
        Approval.objects.filter(requested_by=user)
        .select_related("customer", "decided_by")
        .order_by("-created_at", "-pk")[:limit]
    )


# ---------------------------------------------------------------- the method's reasons beside each item


def _subject(item: Item) -> Any:
    a = item.approval
    if a is None or a.subject_id is None:
        return item.subject
    model = {PLAN: PaymentPlan, ADJ: Adjustment, SANCTION: Sanction, "collection.promise": Promise}.get(
        a.subject_model
    )
    return model.objects.filter(pk=a.subject_id, **_same_customer(model, a)).first() if model else None


def _same_customer(model: Any, a: Approval) -> dict[str, int]:
    path = "receivable__contract__customer_id" if model is Adjustment else "customer_id"
    return {path: a.customer_id}


def _receivable_ids(item: Item) -> set[int] | None:
    s, a = item.subject, item.approval
    if isinstance(s, Adjustment):
        return {s.receivable_id}
    if isinstance(s, PaymentPlan | Promise):
        return set(s.receivables.values_list("pk", flat=True)) or None
    if a is not None and a.subject_model == "ledger.receivable" and a.subject_id:
        return {a.subject_id}
    return None


def _explain(item: Item, view: CustomerMethod, as_of: date) -> None:
    ids = _receivable_ids(item)
    ids = {i for i in ids if i in view.rows} if ids else None
    lead = view.lead(ids or None)
    nature = view.natures.get(lead) if lead is not None else None
    item.nature = nature
    s = item.subject
    if item.kind == K.DISCOUNT and lead is not None:
        res = view.results[lead]
        amount = item.amount or view.open_total(ids or None)
        p, t, r = res["risk"], res["expected_days"], view.cost_of_money
        if item.rate is not None and 0 <= item.rate < 1:
            item.reasons += evaluate_discount(item.rate, amount, p, t, r).reasons
        item.reasons += discount_offer(amount, p, t, r).reasons
    elif item.kind == K.SANCTION and isinstance(s, Sanction):
        rung = sanctions.assess_sanction(s, as_of, view).rung
        item.reasons += rung.reasons if rung else ()
    elif lead is not None and item.kind != K.MALICIOUS:
        item.reasons += view.results[lead]["reasons"]
    if nature is not None:
        item.reasons += nature.reasons


def _details(item: Item) -> None:
    s = item.subject
    if isinstance(s, PaymentPlan):
        for p in s.instalments.order_by("sequence", "promised_on"):
            item.details.append((f"第 {p.sequence or '-'} 期 {p.promised_on:%Y-%m-%d}", f"{p.amount:,.2f}"))
    elif isinstance(s, Adjustment):
        r = s.receivable
        item.details += [
            (str(s.get_kind_display()), f"{s.amount:,.2f}"),
            (f"{r.contract.number} 第 {r.sequence} 期", f"{r.amount:,.2f}"),
            ("调整日期", f"{s.adjusted_on:%Y-%m-%d}"),
        ]
    elif isinstance(s, Promise):
        item.details.append(
            (f"承诺 {s.promised_on:%Y-%m-%d}（{s.get_status_display()}）", f"{s.amount:,.2f}")
        )
        if s.extended_from_id:
            old = s.extended_from
            item.details.append(
                (f"原承诺 {old.promised_on:%Y-%m-%d}（{old.get_status_display()}）", f"{old.amount:,.2f}")
            )
    elif isinstance(s, Sanction):
        item.details.append((str(s.get_kind_display()), s.contract.number if s.contract else "全部合同"))
        if s.legal_basis:
            item.details.append(("法律依据", f"{s.get_legal_basis_display()} {s.legal_basis_note}".strip()))


def explain(items: list[Item], as_of: date) -> list[Item]:
    """Fill in subject, details and reasons (one evaluation per customer on the page)."""
    views: dict[int, CustomerMethod] = {}
    for item in items:
        item.subject = _subject(item)
        _details(item)
        cid = item.customer.pk
        if cid not in views:
            views[cid] = method_view(cid, as_of)
        _explain(item, views[cid], as_of)
    return items


# ---------------------------------------------------------------- decisions


def _check(approval: Approval, actor: Any, approve: bool, note: str) -> None:
    if approval.status != Approval.Status.PENDING:
        raise ApprovalError("该申请已处理", "already_decided")
    if approval.requested_by_id == getattr(actor, "pk", None):
        raise ApprovalError("不能审批自己提交的申请", "self_approval")
    if approval.kind not in kinds_for(actor):
        raise ApprovalError("您无权审批此类申请", "not_allowed")
    if not visible_customers(actor).filter(pk=approval.customer_id).exists():
        raise ApprovalError("该客户不在您的审批范围内", "out_of_scope")
    if not approve and not note.strip():
        raise ApprovalError("驳回请填写审批意见", "note_required")


def _apply_plan(approval: Approval, approve: bool, actor: Any) -> None:
    plan = (
        PaymentPlan.objects.select_for_update()
        .filter(pk=approval.subject_id, customer=approval.customer)
        .first()
    )
    if plan is None:
        return
    if plan.status not in (PaymentPlan.Status.PENDING, PaymentPlan.Status.DRAFT):
        raise ApprovalError(f"该回款方案当前状态为{plan.get_status_display()}，不能审批", "plan_not_pending")
    before = snapshot(plan, ["status"])
    plan.status = PaymentPlan.Status.ACTIVE if approve else PaymentPlan.Status.CANCELLED
    plan.save(update_fields=["status", "updated_at"])
    log_action(
        "collection.payment_plan.approved" if approve else "collection.payment_plan.rejected",
        actor=actor,
        obj=plan,
        data={"before": before, "after": snapshot(plan, ["status"]), "approval_id": approval.pk},
    )


def decide(approval: Approval, *, approve: bool, actor: Any, note: str = "", today: date) -> Approval:
    """Approve or reject one request and apply it to its subject, atomically and audited."""
    note = note.strip()
    if approval.subject_model == SANCTION and approval.subject_id:
        _check(approval, actor, approve, note)
        sanction = Sanction.objects.filter(pk=approval.subject_id, customer_id=approval.customer_id).first()
        if sanction is not None and sanction.status == Sanction.Status.PROPOSED:
            if approve:
                sanctions.approve(sanction, actor=actor, note=note, today=today)
            else:
                sanctions.reject(sanction, actor=actor, note=note)
            approval.refresh_from_db()
            return approval
    with transaction.atomic():
        approval = (
            Approval.objects.select_for_update(of=("self",)).select_related("customer").get(pk=approval.pk)
        )
        _check(approval, actor, approve, note)
        if approval.subject_model == ADJ and approval.subject_id:
            adjustment = Adjustment.objects.get(
                pk=approval.subject_id, receivable__contract__customer_id=approval.customer_id
            )
            decide_adjustment(adjustment, approve=approve, actor=actor, note=note)
        elif approval.kind == K.PAYMENT_PLAN and approval.subject_model == PLAN:
            _apply_plan(approval, approve, actor)
        elif approval.kind == K.MALICIOUS:
            review = NatureReview.objects.create(
                customer=approval.customer,
                confirmed_malicious=approve,
                reviewed_by=actor,
                reason=note or approval.reason,
            )
            log_action(
                "collection.nature_review.recorded",
                actor=actor,
                obj=review,
                data={"after": snapshot(review), "approval_id": approval.pk},
            )
        fields = ["status", "decided_by", "decision_note"]
        before = snapshot(approval, fields)
        approval.status = Approval.Status.APPROVED if approve else Approval.Status.REJECTED
        approval.decided_by, approval.decided_at, approval.decision_note = actor, timezone.now(), note
        approval.save()
        log_action(
            f"collection.approval.{approval.status}",
            actor=actor,
            obj=approval,
            data={
                "kind": approval.kind,
                "before": before,
                "after": snapshot(approval, fields),
                "subject": [approval.subject_model, approval.subject_id],
            },
        )
    return approval


def decide_bare_adjustment(
    adjustment: Adjustment, *, approve: bool, actor: Any, note: str = ""
) -> Adjustment:
    """An adjustment requested without an approval row (finance's own queue)."""
    if not approve and not note.strip():
        raise ApprovalError("驳回请填写审批意见", "note_required")
    if not kinds_for(actor) >= ADJUSTMENT_KINDS:
        raise ApprovalError("您无权审批调整", "not_allowed")
    return decide_adjustment(adjustment, approve=approve, actor=actor, note=note.strip())
