"""E4 回款方案: a payment plan for a contract's open milestones, previewed to the cent, saved pending
approval (the plan, one `Promise` per instalment, an `Approval` of kind payment_plan).

The instalments come from `huikuan.core.plans.instalment_plan` (workdays from the company calendar,
leftover cents to the first instalment, sum exactly the total).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_CEILING, Decimal
from typing import Any

from django.db import transaction

from huikuan.audit.log import log_action
from huikuan.collection.models import Approval, PaymentPlan, Promise
from huikuan.core.money import ZERO, cents
from huikuan.core.plans import Every, InstalmentPlan, PlanError, SplitPart, instalment_plan
from huikuan.core.plans import split_contract as split_contract_core
from huikuan.ledger.models import Contact, Contract, Receivable
from huikuan.ledger.services import LedgerError
from huikuan.ledger.services.balances import open_amounts
from huikuan.letters.common import work_calendar

MAX_INSTALMENTS = 60
EVERY_CHOICES = {"month": Every(months=1), "quarter": Every(months=3), "2weeks": Every(days=14)}


class PlanInputError(LedgerError):
    """A plan that cannot be made as asked; the message is safe to show (Chinese)."""


@dataclass(frozen=True)
class PlanRequest:
    """What the salesperson asks for: the milestones, the total and how to cut it."""

    receivable_ids: Sequence[int]
    total: Decimal | None
    first_on: date | None
    count: int | None = None
    amount: Decimal | None = None
    every: str = "month"
    notes: str = ""


@dataclass(frozen=True)
class PlanPreview:
    receivables: tuple[Receivable, ...]
    open_total: Decimal
    plan: InstalmentPlan

    @property
    def sum(self) -> Decimal:
        return sum((i.amount for i in self.plan.instalments), ZERO)


def open_milestones(contract: Contract) -> list[tuple[Receivable, Decimal]]:
    """The contract's milestones that still have money open, with the open amount."""
    receivables = list(contract.receivables.filter(is_void=False).order_by("sequence", "due_on", "pk"))
    opens = open_amounts([r.pk for r in receivables])
    return [(r, opens[r.pk]) for r in receivables if opens[r.pk] > ZERO]


def preview(contract: Contract, req: PlanRequest, today: date) -> PlanPreview:
    """The instalments the request gives, or `PlanInputError` saying what to correct."""
    available = {r.pk: (r, o) for r, o in open_milestones(contract)}
    chosen = [available[i] for i in req.receivable_ids if i in available]
    if not chosen or len(chosen) != len(set(req.receivable_ids)):
        raise PlanInputError("请选择本合同未结清的款项", "receivables_required")
    open_total = sum((o for _r, o in chosen), ZERO)
    total = cents(req.total) if req.total is not None else open_total
    if total <= ZERO:
        raise PlanInputError("方案总金额必须大于零", "total_positive")
    if total > open_total:
        raise PlanInputError(
            f"方案总金额 {total:,.2f} 超过所选款项未收合计 {open_total:,.2f}", "total_over_open"
        )
    if req.first_on is None:
        raise PlanInputError("请填写首期付款日期", "first_on_required")
    if req.first_on < today:
        raise PlanInputError("首期付款日期不能早于今天", "first_on_past")
    if req.every not in EVERY_CHOICES:
        raise PlanInputError("请选择分期间隔", "every_invalid")
    if (req.count is None) == (req.amount is None):
        raise PlanInputError("请填写期数或每期金额（二选一）", "count_or_amount")
    if req.count is not None and not 1 <= req.count <= MAX_INSTALMENTS:
        raise PlanInputError(f"期数应在 1 到 {MAX_INSTALMENTS} 之间", "count_range")
    if req.count is not None and req.count > int(total * 100):
        raise PlanInputError("期数过多：每期至少 0.01 元", "count_too_many")
    if req.amount is not None:
        if req.amount <= ZERO or req.amount != cents(req.amount):
            raise PlanInputError("每期金额必须大于零，最多两位小数", "amount_invalid")
        if (total / req.amount).to_integral_value(rounding=ROUND_CEILING) > MAX_INSTALMENTS:
            raise PlanInputError(f"每期金额太小：超过 {MAX_INSTALMENTS} 期", "count_range")
    try:
        plan = instalment_plan(
            total,
            req.first_on,
            work_calendar(),
            count=req.count,
            amount=req.amount,
            every=EVERY_CHOICES[req.every],
        )
    except PlanError as exc:  # the checks above cover the known cases; this is the safety net
        raise PlanInputError(f"无法按此方式分期：{exc}", "plan_error") from exc
    assert sum((i.amount for i in plan.instalments), ZERO) == total  # to the cent, by construction
    return PlanPreview(tuple(r for r, _o in chosen), open_total, plan)


def _payer(contract: Contract) -> Contact | None:
    return (
        Contact.objects.filter(customer_id=contract.customer_id, is_payer=True, erased_at__isnull=True)
        .order_by("pk")
        .first()
    )


def create_plan(contract: Contract, req: PlanRequest, *, actor: Any, today: date) -> PaymentPlan:
    """Save the plan pending approval: the plan, its instalment promises and the approval request."""
    with transaction.atomic():
        Contract.objects.select_for_update().filter(pk=contract.pk).exists()
        shown = preview(contract, req, today)  # recomputed under the lock: what is saved is checked
        plan = PaymentPlan.objects.create(
            customer_id=contract.customer_id,
            contract=contract,
            total=shown.plan.total,
            status=PaymentPlan.Status.PENDING,
            created_by=actor,
            notes=req.notes.strip(),
        )
        plan.receivables.set(shown.receivables)
        payer = _payer(contract)
        promises = []
        for inst in shown.plan.instalments:
            promise = Promise.objects.create(
                customer_id=contract.customer_id,
                amount=inst.amount,
                promised_on=inst.due_on,
                contact=payer,
                plan=plan,
                sequence=inst.seq,
            )
            promise.receivables.set(shown.receivables)
            promises.append(promise)
        count = len(promises)
        approval = Approval.objects.create(
            customer_id=contract.customer_id,
            kind=Approval.Kind.PAYMENT_PLAN,
            subject_model="collection.paymentplan",
            subject_id=plan.pk,
            amount=plan.total,
            requested_by=actor,
            reason=req.notes.strip() or f"合同 {contract.number} 回款方案：{plan.total:,.2f} 元分 {count} 期",
        )
        log_action(
            "collection.payment_plan.created",
            actor=actor,
            obj=plan,
            customer_id=contract.customer_id,
            data={
                "contract_id": contract.pk,
                "total": str(plan.total),
                "receivable_ids": [r.pk for r in shown.receivables],
                "instalments": [[str(i.due_on), str(i.amount)] for i in shown.plan.instalments],
                "promise_ids": [p.pk for p in promises],
                "approval_id": approval.pk,
            },
        )
    return plan


# ---------------------------------------------------------------- E2 split a contract

MAX_PARTS = 20
_M2M = ("invoices", "documents", "promises", "issues", "activities", "payment_plans")
_COPIED = (
    "customer_id", "project_name", "spec", "currency", "signed_on", "owner_id", "acceptance_standard",
    "acceptance_method", "payment_terms", "partial_payment_clause", "suspension_clause", "late_rate",
    "late_rate_basis",
)  # fmt: skip
_MILESTONE = (
    "kind", "currency", "trigger_event", "trigger_offset_days", "recognised_on", "due_on", "budget_year",
    "dunning_days_overdue", "dunning_min_amount", "dunning_progress_event", "pause_until", "pause_reason",
)  # fmt: skip


@dataclass(frozen=True)
class Piece:
    """The part of one milestone that goes to one smaller contract (``whole``: it moves as it is)."""

    receivable: Receivable
    amount: Decimal
    whole: bool


@dataclass(frozen=True)
class SplitPreview:
    total: Decimal
    parts: tuple[SplitPart, ...]
    pieces: tuple[tuple[Piece, ...], ...]  # per part, in milestone order
    reasons: tuple[Any, ...]


def _lineage(contract: Contract) -> tuple[int, ...]:
    chain: list[int] = []
    parent = contract.parent
    while parent is not None:
        chain.append(parent.pk)
        parent = parent.parent
    return tuple(reversed(chain))


def _distribute(receivables: list[Receivable], parts: list[Decimal]) -> list[list[Piece]]:
    """Fill the parts in order with the milestones in order; a milestone that straddles a boundary
    is cut in two (the parts add up to the milestones, so the last part ends exactly full)."""
    out: list[list[Piece]] = [[] for _ in parts]
    i, room = 0, parts[0]
    for r in receivables:
        left = r.amount
        while left > ZERO:
            take = min(left, room)
            out[i].append(Piece(r, take, take == r.amount))
            left, room = left - take, room - take
            if room == ZERO and i < len(parts) - 1:
                i, room = i + 1, parts[i + 1]
    return out


def _locked(receivable_ids: list[int]) -> set[int]:
    """Milestones with money history: they may move whole but are never cut."""
    from huikuan.ledger.models import Adjustment, Allocation, ApprovalStatus

    paid = Allocation.objects.filter(receivable_id__in=receivable_ids).values_list("receivable_id", flat=True)
    adjusted = (
        Adjustment.objects.filter(receivable_id__in=receivable_ids)
        .exclude(status=ApprovalStatus.REJECTED)
        .values_list("receivable_id", flat=True)
    )
    return set(paid) | set(adjusted)


def split_preview(
    contract: Contract, *, count: int | None = None, amounts: Sequence[Decimal] | None = None
) -> SplitPreview:
    """How ``contract`` would be split (exact amounts or ``count`` equal parts), or `PlanInputError`."""
    if contract.status != Contract.Status.ACTIVE:
        raise PlanInputError("只有执行中的合同可以拆分", "contract_not_active")
    receivables = list(contract.receivables.filter(is_void=False).order_by("sequence", "due_on", "pk"))
    if not receivables:
        raise PlanInputError("该合同没有应收款，无需拆分", "nothing_to_split")
    total = sum((r.amount for r in receivables), ZERO)
    if contract.amount is not None and cents(contract.amount) != total:
        raise PlanInputError(
            f"合同金额 {contract.amount:,.2f} 与各期应收合计 {total:,.2f} 不一致，请先更正", "amount_mismatch"
        )
    if (count is None) == (amounts is None):
        raise PlanInputError("请填写拆分份数或各份金额（二选一）", "count_or_amounts")
    n = count if count is not None else len(amounts or ())
    if not 2 <= n <= MAX_PARTS:
        raise PlanInputError(f"拆分份数应在 2 到 {MAX_PARTS} 之间", "parts_range")
    if amounts is not None:
        if any(a <= ZERO or a != cents(a) for a in amounts):
            raise PlanInputError("每份金额必须大于零，最多两位小数", "part_amount_invalid")
        given = sum(amounts, ZERO)
        if given != total:
            raise PlanInputError(
                f"各份金额合计 {given:,.2f} 与合同金额 {total:,.2f} 不符（相差 {total - given:,.2f}）",
                "parts_sum_mismatch",
            )
    elif n > int(total * 100):
        raise PlanInputError("拆分份数过多：每份至少 0.01 元", "parts_too_many")
    try:
        split = split_contract_core(
            contract.pk, contract.number, total, amounts=amounts, count=count, lineage=_lineage(contract)
        )
    except PlanError as exc:
        raise PlanInputError(f"无法拆分：{exc}", "split_error") from exc
    pieces = _distribute(receivables, [p.amount for p in split.parts])
    locked = _locked([r.pk for r in receivables])
    for part in pieces:
        for piece in part:
            if not piece.whole and piece.receivable.pk in locked:
                r = piece.receivable
                raise PlanInputError(
                    f"第 {r.sequence} 期（{r.get_kind_display()}）已有回款或调整，不能拆开；"
                    "请让各份金额落在期次边界上",
                    "milestone_has_history",
                )
    taken = set(
        Contract.objects.filter(
            customer_id=contract.customer_id, number__in=[p.number for p in split.parts]
        ).values_list("number", flat=True)
    )
    if taken:
        raise PlanInputError(f"合同编号已存在：{'、'.join(sorted(taken))}", "number_taken")
    return SplitPreview(total, split.parts, tuple(tuple(p) for p in pieces), split.reasons)


def split_contract(
    contract: Contract,
    *,
    actor: Any,
    count: int | None = None,
    amounts: Sequence[Decimal] | None = None,
) -> list[Contract]:
    """E2: replace ``contract`` by smaller contracts (parent lineage kept) that add up to it exactly.

    Whole milestones move to their part; a milestone cut by a boundary is voided and replaced by two
    or more milestones (``split_from`` it) that keep its invoices, documents, promises and issues.
    """
    with transaction.atomic():
        contract = (
            Contract.objects.select_for_update(of=("self",)).select_related("parent").get(pk=contract.pk)
        )
        list(Receivable.objects.select_for_update().filter(contract=contract).values_list("pk", flat=True))
        shown = split_preview(contract, count=count, amounts=amounts)
        children, moved, cut = [], [], {}
        for part, pieces in zip(shown.parts, shown.pieces, strict=True):
            child = Contract.objects.create(
                **{name: getattr(contract, name) for name in _COPIED},
                number=part.number,
                amount=part.amount,
                parent=contract,
            )
            children.append(child)
            for seq, piece in enumerate(pieces, start=1):
                r = piece.receivable
                if piece.whole:
                    r.contract, r.sequence = child, seq
                    r.save(update_fields=["contract", "sequence", "updated_at"])
                    moved.append([r.pk, child.number])
                    continue
                new = Receivable.objects.create(
                    contract=child,
                    sequence=seq,
                    amount=piece.amount,
                    split_from=r,
                    **{name: getattr(r, name) for name in _MILESTONE},
                )
                for name in _M2M:
                    getattr(new, name).set(getattr(r, name).all())
                cut.setdefault(r.pk, []).append([new.pk, child.number, str(piece.amount)])
        Receivable.objects.filter(pk__in=list(cut)).update(is_void=True)
        contract.status = Contract.Status.SPLIT
        contract.save(update_fields=["status", "updated_at"])
        log_action(
            "collection.contract.split",
            actor=actor,
            obj=contract,
            customer_id=contract.customer_id,
            data={
                "total": str(shown.total),
                "parts": [[c.pk, c.number, str(c.amount)] for c in children],
                "moved": moved,
                "cut": {str(k): v for k, v in cut.items()},
                "lineage": list(shown.parts[0].lineage),
            },
        )
    return children
