"""合同 / Contract: what the method sees (知己 A1–A3, gaps, nature), its letters and its evidence bundle.

`method_view` evaluates one customer exactly as the daily run does (the same facts frame and the
scalar rules, like `huikuan.analytics.customer.customer_statuses`) but keeps the reasons with their
parameters — the gaps and the debt-nature points — so pages can explain them in full.
`contract_checklist` asks `huikuan.core.readiness` directly about the contract's own facts (A1–A3),
which is what the salesperson fixes on this page.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db.models import Q

from huikuan.collection.models import PaymentPlan
from huikuan.core.money import from_cents_int
from huikuan.core.nature import NatureFacts, NatureResult, classify_nature
from huikuan.core.readiness import Gap, ReadinessSnapshot, readiness_gaps
from huikuan.ledger.models import Contract, Document, Receivable
from huikuan.letters.common import LetterError

CHECKLIST_STEPS = ("A1", "A2", "A3")
LETTER_KINDS = ("confirmation", "dunning", "plan", "lawyer")
LETTER_FORMATS = (".docx", ".pdf")


@dataclass
class CustomerMethod:
    """One customer's open receivables as the method judges them on ``as_of``."""

    as_of: date
    rows: dict[int, dict[str, Any]] = field(default_factory=dict)  # facts row per receivable
    results: dict[int, dict[str, Any]] = field(default_factory=dict)  # scalar.evaluate_row
    gaps: dict[int, tuple[Gap, ...]] = field(default_factory=dict)
    natures: dict[int, NatureResult] = field(default_factory=dict)
    cost_of_money: float = 0.0

    def lead(self, receivable_ids: set[int] | None = None) -> int | None:
        """The receivable that speaks for the customer: the longest overdue open one."""
        ids = [i for i in self.rows if receivable_ids is None or i in receivable_ids]
        if not ids:
            return None
        return max(ids, key=lambda i: (self.rows[i]["days_overdue"], self.rows[i]["open_base_c"] or 0, -i))

    def open_total(self, receivable_ids: set[int] | None = None) -> Decimal:
        cents = sum(
            (r["open_base_c"] or 0)
            for i, r in self.rows.items()
            if receivable_ids is None or i in receivable_ids
        )
        return from_cents_int(int(cents))


def _nature(row: dict[str, Any], ctx: Any) -> NatureResult:
    # The same facts `scalar.evaluate_row` gives `classify_nature` (it keeps only the codes; the
    # approval inbox and the sanction form show the points with their parameters).
    from huikuan.core.inputs import FUNDS_SHORT

    as_of, t = ctx.as_of, ctx.tables
    broken = [o for o in ctx.by_customer.get(row["customer_id"], []) if o.status == "broken"]
    answered = row["answered_last_contact"]
    facts = NatureFacts(
        dispute_open=row["dispute_open"],
        broken_promise_dates=tuple(o.promise.promised_on for o in broken),
        evasion_recorded=row["evasion"],
        refuses_to_stamp=row["refused_to_stamp"],
        denies_debt=row["denied_debt"],
        pays_others_not_us=row["pays_others"],
        on_time_share=row["on_time_share"],
        last_stamped_confirmation_on=row["last_conf_on"],
        last_payment_on=row["last_paid_on"],
        answered_last_contact=answered,
        known_budget_delay=bool(row["needs_budget"]) and row["budget_year"] != as_of.year,
        funds_tight_cooperative=row["funds_status"] in FUNDS_SHORT and bool(answered),
        malicious_confirmed_by=row["malicious_confirmed_by"],
    )
    return classify_nature(facts, as_of, t.nature)


def method_view(customer_id: int, as_of: date) -> CustomerMethod:
    """Evaluate one customer's open receivables (a few bulk queries, ~50 ms)."""
    from huikuan.analytics.customer import customer_facts
    from huikuan.core.analytics.scalar import context, evaluate_row, snapshot

    portfolio, facts, settings = customer_facts(customer_id, as_of)
    ctx = context(portfolio, facts, as_of, settings)
    view = CustomerMethod(as_of, cost_of_money=ctx.r)
    for row in facts.open.iter_rows(named=True):
        rid = row["id"]
        view.rows[rid] = row
        view.results[rid] = evaluate_row(row, ctx)
        view.gaps[rid] = readiness_gaps(snapshot(row, ctx), as_of, ctx.tables.readiness)
        view.natures[rid] = _nature(row, ctx)
    return view


# ---------------------------------------------------------------- 知己 checklist


@dataclass(frozen=True)
class Checklist:
    """A1–A2 gaps of the contract, and A3 (trigger) gaps per milestone."""

    contract_gaps: tuple[Gap, ...]
    milestone_gaps: dict[int, tuple[Gap, ...]]

    @property
    def complete(self) -> bool:
        return not self.contract_gaps and not any(self.milestone_gaps.values())


def _snapshot(contract: Contract, receivable: Receivable | None, as_of: date) -> ReadinessSnapshot:
    owner = contract.owner_id or contract.customer.owner_id
    fired = receivable is None or (receivable.recognised_on is not None and receivable.recognised_on <= as_of)
    return ReadinessSnapshot(
        project_name=contract.project_name or None,
        contract_amount=contract.amount,
        signed_on=contract.signed_on,
        owner=str(owner) if owner else None,
        acceptance_standard=contract.acceptance_standard or None,
        acceptance_method=contract.acceptance_method or None,
        payment_method=contract.payment_terms or None,
        due_on=receivable.due_on if receivable else None,
        trigger_event=receivable.trigger_event if receivable else None,
        milestone_kind=receivable.kind if receivable else "other",  # type: ignore[arg-type]
        trigger_fired=fired,
    )


def contract_checklist(contract: Contract, receivables: list[Receivable], as_of: date) -> Checklist:
    """知己 A1–A3 from `huikuan.core.readiness` over the contract's own facts.

    A1/A2 are facts of the contract (shown once); A3 (the payment trigger) is per milestone.
    """
    per: dict[int, tuple[Gap, ...]] = {}
    contract_gaps: dict[str, Gap] = {}
    for r in receivables or [None]:  # type: ignore[list-item]
        gaps = [g for g in readiness_gaps(_snapshot(contract, r, as_of), as_of) if g.step in CHECKLIST_STEPS]
        for g in gaps:
            if g.step != "A3":
                contract_gaps.setdefault(g.code, g)
        if r is not None:
            per[r.pk] = tuple(g for g in gaps if g.step == "A3")
    return Checklist(tuple(contract_gaps.values()), per)


def contract_documents(contract: Contract) -> Any:
    """Documents of the contract, of its milestones, and confirmations of the customer's whole balance."""
    return (
        Document.objects.filter(
            Q(contract=contract)
            | Q(receivables__contract=contract)
            | Q(customer_id=contract.customer_id, covers_whole_balance=True)
        )
        .distinct()
        .order_by("-issued_on", "-created_at")
    )


def latest_plan(contract: Contract) -> PaymentPlan | None:
    return (
        PaymentPlan.objects.filter(contract=contract)
        .exclude(status=PaymentPlan.Status.CANCELLED)
        .order_by("-created_at", "-pk")
        .first()
    )


# ---------------------------------------------------------------- letters and the evidence bundle


def contract_letter(contract: Contract, kind: str, suffix: str, *, actor: Any, today: date) -> Any:
    """Generate one letter about ``contract`` through the letters service (recorded as a Document,
    audited there); returns `letters.records.Generated` with the file's bytes and name."""
    from huikuan.letters import service
    from huikuan.letters.records import create_letter

    if kind not in LETTER_KINDS:
        raise LetterError("请选择函件类型")
    if suffix not in LETTER_FORMATS:
        raise LetterError("格式应为 .docx 或 .pdf")
    if kind == "confirmation":
        target = service.resolve(kind, customer_id=contract.customer_id)
    elif kind == "plan":
        plan = latest_plan(contract)
        if plan is None:
            raise LetterError("该合同还没有回款方案，请先制定回款方案。")
        target = service.resolve(kind, plan_id=plan.pk)
    else:
        target = service.resolve(kind, contract_id=contract.pk)
    return create_letter(service.build(target, today, today), suffix, actor)


def evidence_bundle(contract: Contract, *, actor: Any, as_of: date) -> Any:
    """The contract's evidence bundle (zip), as an open file whose directory entry is already gone:
    the response streams it and closing it frees the space (audited by the letters package)."""
    from huikuan.letters.evidence.bundle import build_evidence

    work = Path(tempfile.mkdtemp(prefix="huikuan-evidence-"))
    out = work / "evidence.zip"
    try:
        build_evidence(customer=contract.customer, contract=contract, as_of=as_of, out=out, actor=actor)
        handle = out.open("rb")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return handle
