"""Readiness gaps A1–C4: what is missing before asking for money (DESIGN §1, §6).

A gap is (code, severity, step, params). *block* = do not dun yet, fix first; *warn* = dun,
but fix soon. Severities and steps come from `tables.ReadinessTable`.

>>> snap = complete_snapshot(milestone_kind="delivery", has_delivery_receipt=False)
>>> [g.code for g in readiness_gaps(snap, date(2026, 3, 1)) if g.severity == "block"]
['no_delivery_receipt']
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from types import MappingProxyType
from typing import Any, Literal

from huikuan.core.money import cents
from huikuan.core.reasons import Reason
from huikuan.core.tables import DEFAULT_TABLES, ReadinessTable, Severity

InvoiceStatus = Literal["issued", "delivered", "accepted", "red_reversed"]
MilestoneKind = Literal["advance", "delivery", "acceptance", "retention", "other"]

INVOICE_GAPS = frozenset({"invoice_not_issued", "invoice_not_delivered", "invoice_red_reversed"})

REASONS: dict[str, tuple[str, str]] = {
    "missing_contract_facts": ("交易信息不完整：{missing}", "contract facts incomplete: {missing}"),
    "missing_acceptance_terms": ("验收条款不清：{missing}", "acceptance terms missing: {missing}"),
    "missing_payment_terms": ("付款条款不清：{missing}", "payment terms missing: {missing}"),
    "trigger_not_fired": (
        "付款条件尚未达成（{event}），暂不催款",
        "the payment trigger has not fired yet ({event}); do not dun",
    ),
    "missing_payer": ("未登记付款责任人", "no payment owner (payer) recorded"),
    "missing_decision_maker": ("未登记项目决策人", "no decision maker recorded"),
    "missing_acceptor": ("未登记项目验收人", "no acceptor recorded"),
    "unknown_book_close_day": ("不清楚客户扎账日", "the customer's book-closing day is unknown"),
    "unknown_budget_process": (
        "不清楚客户是否需要预算及预算月份",
        "unknown whether the customer needs a budget, or its budget month",
    ),
    "unknown_invoice_requirements": (
        "不清楚客户的开票要求",
        "the customer's invoice requirements are unknown",
    ),
    "unknown_funds_status": ("不清楚客户资金情况", "the customer's funds status is unknown"),
    "open_blocking_issue": (
        "有 {count} 个影响付款的问题未解决，先解决再催款",
        "{count} open issue(s) block payment; resolve them first",
    ),
    "invoice_not_issued": ("发票未开具（差额 {missing}）", "invoice not issued (missing {missing})"),
    "invoice_not_delivered": ("发票已开未送达：{numbers}", "invoice issued but not delivered: {numbers}"),
    "invoice_red_reversed": (
        "发票已红冲，需重开（差额 {missing}）：{numbers}",
        "invoice red-reversed, re-issue needed (missing {missing}): {numbers}",
    ),
    "no_delivery_receipt": ("缺少签收单", "no delivery receipt (签收单)"),
    "no_acceptance_certificate": ("缺少验收单", "no acceptance certificate (验收单)"),
    "confirmation_due": (
        "近 {max_age_days} 天内没有客户盖章的对账确认函（上次：{last_on}）",
        "no stamped balance confirmation in the last {max_age_days} days (last: {last_on})",
    ),
    "confirmation_weak_seal": (
        "最近一次对账确认函印章效力弱（{seal}），请争取公章或财务专用章",
        "the last balance confirmation carries a weak seal ({seal}); ask for the company or finance seal",
    ),
    "unknown_contact_availability": (
        "不清楚关键人的工作时间，无法安排拜访",
        "the key contacts' working hours are unknown; no visit window can be suggested",
    ),
}

LABELS: dict[str, tuple[str, str]] = {
    "project_name": ("项目名称", "project name"),
    "amount": ("金额", "amount"),
    "signed_on": ("签订日期", "signing date"),
    "owner": ("销售维护人", "sales owner"),
    "acceptance_standard": ("验收标准", "acceptance standard"),
    "acceptance_method": ("验收方式", "acceptance method"),
    "payment_method": ("付款方式", "payment method"),
    "payment_date": ("付款日期或触发条件", "payment date or trigger"),
    "decision_maker": ("决策人", "decision maker"),
    "acceptor": ("验收人", "acceptor"),
    "payer": ("付款责任人", "payer"),
    "finance": ("财务", "finance"),
    "block": ("阻断", "block"),
    "warn": ("提醒", "warn"),
    "company_seal": ("公章", "company seal"),
    "finance_seal": ("财务专用章", "finance seal"),
    "contract_seal": ("合同专用章", "contract seal"),
    "department_seal": ("部门章", "department seal"),
    "signature": ("仅签字", "signature only"),
    "unknown": ("未知", "unknown"),
    "none": ("无", "none"),
    # Short names of the gaps, for reasons that name a gap as a parameter.
    "missing_contract_facts": ("交易信息", "contract facts"),
    "missing_acceptance_terms": ("验收条款", "acceptance terms"),
    "missing_payment_terms": ("付款条款", "payment terms"),
    "trigger_not_fired": ("付款条件达成", "the payment trigger"),
    "missing_payer": ("付款责任人", "the payer"),
    "missing_decision_maker": ("决策人", "the decision maker"),
    "missing_acceptor": ("验收人", "the acceptor"),
    "unknown_book_close_day": ("扎账日", "the book-closing day"),
    "unknown_budget_process": ("预算流程", "the budget process"),
    "unknown_invoice_requirements": ("开票要求", "the invoice requirements"),
    "unknown_funds_status": ("资金情况", "the funds status"),
    "open_blocking_issue": ("影响付款的问题", "the blocking issues"),
    "invoice_not_issued": ("开具发票", "issuing the invoice"),
    "invoice_not_delivered": ("送达发票", "delivering the invoice"),
    "invoice_red_reversed": ("重开红冲的发票", "re-issuing the reversed invoice"),
    "no_delivery_receipt": ("签收单", "the delivery receipt"),
    "no_acceptance_certificate": ("验收单", "the acceptance certificate"),
    "confirmation_due": ("盖章对账确认函", "a stamped balance confirmation"),
    "confirmation_weak_seal": ("对账函印章", "the confirmation's seal"),
    "unknown_contact_availability": ("关键人工作时间", "the key contacts' working hours"),
}


@dataclass(frozen=True, slots=True)
class InvoiceFact:
    """One 发票 linked to the receivable."""

    number: str
    status: InvoiceStatus
    amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ReadinessSnapshot:
    """Plain facts about one receivable, its contract, customer and documents.

    ``None`` means "not recorded". The defaults describe an empty record, so every
    gap shows; `complete_snapshot` gives a record without gaps for tests and examples.
    """

    # A1 交易情况
    project_name: str | None = None
    contract_amount: Decimal | None = None
    signed_on: date | None = None
    owner: str | None = None
    # A2 项目情况
    acceptance_standard: str | None = None
    acceptance_method: str | None = None
    payment_method: str | None = None
    due_on: date | None = None
    trigger_event: str | None = None
    # A3 催款启动条件
    milestone_kind: MilestoneKind = "other"
    trigger_fired: bool = True
    # B1 人员关系: union of the roles of the customer's contacts
    contact_roles: frozenset[str] = frozenset()
    # B2 企业财务
    book_close_day: int | str | None = None
    needs_budget: bool | None = None
    budget_month: int | None = None
    invoice_before_payment: bool | None = None
    invoice_requirements: str | None = None
    funds_status: str | None = None
    # C1 影响付款的问题 (ids or titles of open blocking issues)
    open_blocking_issues: tuple[str, ...] = ()
    # C2 账目清楚
    invoice_required: bool = True
    receivable_amount: Decimal | None = None
    invoices: tuple[InvoiceFact, ...] = ()
    has_delivery_receipt: bool = False
    has_acceptance_certificate: bool = False
    last_confirmation_on: date | None = None
    last_confirmation_seal: str | None = None
    # C4 关键人活动规律: None = not tracked
    key_contacts_availability_known: bool | None = None


@dataclass(frozen=True, slots=True)
class Gap:
    """A readiness gap: code, severity, method step and parameters."""

    code: str
    severity: Severity
    step: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "params", MappingProxyType(dict(self.params)))

    @property
    def reason(self) -> Reason:
        return Reason(self.code, self.params)


def complete_snapshot(**changes: Any) -> ReadinessSnapshot:
    """A snapshot with every fact recorded (no gaps), then ``changes`` applied.

    >>> readiness_gaps(complete_snapshot(), date(2026, 3, 1))
    ()
    """
    base = ReadinessSnapshot(
        project_name="项目",
        contract_amount=Decimal("100000.00"),
        signed_on=date(2025, 1, 1),
        owner="zhangsan",
        acceptance_standard="技术协议",
        acceptance_method="现场验收",
        payment_method="转账",
        due_on=date(2026, 1, 31),
        trigger_event="delivery",
        milestone_kind="other",
        trigger_fired=True,
        contact_roles=frozenset({"payer", "decision_maker", "acceptor"}),
        book_close_day=25,
        needs_budget=False,
        invoice_before_payment=True,
        invoice_requirements="专票，抬头与税号见档案",
        funds_status="normal",
        invoice_required=True,
        receivable_amount=Decimal("30000.00"),
        invoices=(InvoiceFact("00000000000000000001", "delivered", Decimal("30000.00")),),
        has_delivery_receipt=True,
        has_acceptance_certificate=True,
        last_confirmation_on=date(2026, 2, 1),
        last_confirmation_seal="finance_seal",
        key_contacts_availability_known=True,
    )
    return dataclasses.replace(base, **changes)


def _missing(pairs: Iterable[tuple[str, object]]) -> tuple[str, ...]:
    return tuple(name for name, value in pairs if value is None or value == "")


def _invoice_gaps(snap: ReadinessSnapshot) -> list[tuple[str, dict[str, Any]]]:
    if not snap.invoice_required:
        return []
    valid = [i for i in snap.invoices if i.status != "red_reversed"]
    reversed_ = [i for i in snap.invoices if i.status == "red_reversed"]
    shortfall: Decimal | None = None
    if snap.receivable_amount is not None and all(i.amount is not None for i in valid):
        covered = sum((i.amount or Decimal(0) for i in valid), Decimal(0))
        shortfall = cents(max(snap.receivable_amount - covered, Decimal(0)))
    out: list[tuple[str, dict[str, Any]]] = []
    if not valid or (shortfall is not None and shortfall > 0):
        missing = shortfall if shortfall is not None else snap.receivable_amount
        if reversed_:
            numbers = tuple(i.number for i in reversed_)
            out.append(("invoice_red_reversed", {"numbers": numbers, "missing": missing}))
        else:
            out.append(("invoice_not_issued", {"missing": missing}))
    undelivered = tuple(i.number for i in valid if i.status == "issued")
    if undelivered:
        out.append(("invoice_not_delivered", {"numbers": undelivered}))
    return out


def readiness_gaps(
    snap: ReadinessSnapshot, as_of: date, table: ReadinessTable = DEFAULT_TABLES.readiness
) -> tuple[Gap, ...]:
    """All readiness gaps of one receivable on ``as_of``, in method order (A1 … C4).

    >>> snap = complete_snapshot(invoices=(InvoiceFact("1", "issued", Decimal("30000.00")),))
    >>> [(g.code, g.severity, g.step) for g in readiness_gaps(snap, date(2026, 3, 1))]
    [('invoice_not_delivered', 'block', 'C2')]
    >>> snap = dataclasses.replace(snap, invoice_before_payment=False)
    >>> [(g.code, g.severity) for g in readiness_gaps(snap, date(2026, 3, 1))]
    [('invoice_not_delivered', 'warn')]
    """
    found: list[tuple[str, dict[str, Any]]] = []

    missing = _missing(
        [
            ("project_name", snap.project_name),
            ("amount", snap.contract_amount),
            ("signed_on", snap.signed_on),
            ("owner", snap.owner),
        ]
    )
    if missing:
        found.append(("missing_contract_facts", {"missing": missing}))
    missing = _missing(
        [("acceptance_standard", snap.acceptance_standard), ("acceptance_method", snap.acceptance_method)]
    )
    if missing:
        found.append(("missing_acceptance_terms", {"missing": missing}))
    date_or_trigger = snap.due_on or snap.trigger_event
    missing = _missing([("payment_method", snap.payment_method), ("payment_date", date_or_trigger)])
    if missing:
        found.append(("missing_payment_terms", {"missing": missing}))
    if not snap.trigger_fired:
        found.append(("trigger_not_fired", {"event": snap.trigger_event or snap.milestone_kind}))

    for role in ("payer", "decision_maker", "acceptor"):
        if role not in snap.contact_roles:
            found.append((f"missing_{role}", {}))

    if snap.book_close_day is None or snap.book_close_day == "":
        found.append(("unknown_book_close_day", {}))
    if snap.needs_budget is None or (snap.needs_budget and snap.budget_month is None):
        found.append(("unknown_budget_process", {}))
    if not snap.invoice_requirements:
        found.append(("unknown_invoice_requirements", {}))
    if not snap.funds_status:
        found.append(("unknown_funds_status", {}))

    if snap.open_blocking_issues:
        issues = snap.open_blocking_issues
        found.append(("open_blocking_issue", {"count": len(issues), "issues": issues}))

    found.extend(_invoice_gaps(snap))
    if snap.milestone_kind in table.delivery_receipt_kinds and not snap.has_delivery_receipt:
        found.append(("no_delivery_receipt", {"kind": snap.milestone_kind}))
    if snap.milestone_kind in table.acceptance_certificate_kinds and not snap.has_acceptance_certificate:
        found.append(("no_acceptance_certificate", {"kind": snap.milestone_kind}))
    last = snap.last_confirmation_on
    age = (as_of - last).days if last is not None else None
    if age is None or age > table.confirmation_max_age_days:
        found.append(
            (
                "confirmation_due",
                {"last_on": last or "none", "age_days": age, "max_age_days": table.confirmation_max_age_days},
            )
        )
    if last is not None and snap.last_confirmation_seal not in table.strong_seals:
        found.append(("confirmation_weak_seal", {"seal": snap.last_confirmation_seal or "unknown"}))

    if snap.key_contacts_availability_known is False:
        found.append(("unknown_contact_availability", {}))

    invoice_severity = (
        table.invoice_gap_severity_invoice_first
        if snap.invoice_before_payment
        else table.invoice_gap_severity_otherwise
    )
    gaps = [
        Gap(
            code,
            invoice_severity if code in INVOICE_GAPS else table.severities[code],
            table.steps[code],
            params,
        )
        for code, params in found
    ]
    return tuple(gaps)


def blocking(gaps: Iterable[Gap]) -> tuple[Gap, ...]:
    """The gaps that stop dunning (severity *block*), in order.

    >>> blocking([Gap("missing_payer", "warn", "B1"), Gap("trigger_not_fired", "block", "A3")])
    (Gap(code='trigger_not_fired', severity='block', step='A3', params=mappingproxy({})),)
    """
    return tuple(g for g in gaps if g.severity == "block")
