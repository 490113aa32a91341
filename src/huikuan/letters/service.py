"""Use cases: generate one letter (CLI/web), the periodic confirmations zip (C2), the clause library.

``--receivable`` resolves to what each kind is about: its customer (confirmation), its contract
(dunning, lawyer letter) or the latest payment plan that names it (plan).
"""

from __future__ import annotations

import calendar
import os
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from huikuan.collection.models import PaymentPlan
from huikuan.core.money import ZERO
from huikuan.ledger.models import Contract, Customer, Receivable
from huikuan.ledger.services.balances import open_amounts
from huikuan.letters import builders
from huikuan.letters.common import LetterError
from huikuan.letters.records import Generated, Rendered, create_letter, record_letters, render_letter

KINDS = ("confirmation", "dunning", "plan", "lawyer")


@dataclass(frozen=True)
class Target:
    kind: str
    customer: Customer | None = None
    contract: Contract | None = None
    plan: PaymentPlan | None = None


def _get(queryset: Any, pk: int | None, label: str) -> Any:
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise LetterError(f"{label}不存在：{pk}")
    return found


def resolve(
    kind: str,
    *,
    customer_id: int | None = None,
    contract_id: int | None = None,
    receivable_id: int | None = None,
    plan_id: int | None = None,
) -> Target:
    """What a letter of ``kind`` is about, from exactly one of the ids."""
    if kind not in KINDS:
        raise LetterError(f"未知的函件类型：{kind}")
    if receivable_id is not None:
        receivable = _get(Receivable.objects.select_related("contract__customer"), receivable_id, "应收款")
        if kind == "confirmation":
            return Target(kind, customer=receivable.contract.customer)
        if kind == "plan":
            plan = (
                PaymentPlan.objects.filter(receivables=receivable)
                .exclude(status=PaymentPlan.Status.CANCELLED)
                .order_by("-created_at", "-pk")
                .first()
            ) or (
                PaymentPlan.objects.filter(instalments__receivables=receivable)
                .exclude(status=PaymentPlan.Status.CANCELLED)
                .order_by("-created_at", "-pk")
                .first()
            )
            if plan is None:
                raise LetterError(f"应收款 {receivable_id} 没有回款方案。")
            return Target(kind, customer=plan.customer, plan=plan)
        return Target(kind, customer=receivable.contract.customer, contract=receivable.contract)
    if plan_id is not None:
        plan = _get(PaymentPlan.objects.select_related("customer", "contract"), plan_id, "回款方案")
        return Target(kind, customer=plan.customer, plan=plan)
    if contract_id is not None:
        contract = _get(Contract.objects.select_related("customer"), contract_id, "合同")
        return Target(kind, customer=contract.customer, contract=contract)
    if customer_id is not None:
        return Target(kind, customer=_get(Customer.objects.all(), customer_id, "客户"))
    raise LetterError("请指定客户、合同、应收款或回款方案。")


def resolve_scope(*, customer_id: int | None = None, contract_id: int | None = None) -> Target:
    """A customer or one of its contracts (the evidence bundle)."""
    if contract_id is not None:
        contract = _get(Contract.objects.select_related("customer"), contract_id, "合同")
        return Target("evidence", customer=contract.customer, contract=contract)
    return Target("evidence", customer=_get(Customer.objects.all(), customer_id, "客户"))


def build(target: Target, as_of: date, issued_on: date) -> builders.LetterData:
    if target.kind == "confirmation":
        assert target.customer is not None
        return builders.confirmation_data(target.customer, as_of, issued_on)
    if target.kind == "dunning":
        if target.contract is None:
            raise LetterError("催款函需要指定合同（--contract）或应收款（--receivable）。")
        return builders.dunning_data(target.contract, as_of, issued_on)
    if target.kind == "plan":
        if target.plan is None:
            raise LetterError("付款计划确认书需要指定回款方案（--plan）或应收款（--receivable）。")
        return builders.plan_data(target.plan, issued_on)
    assert target.customer is not None
    return builders.lawyer_data(target.customer, target.contract, as_of, issued_on)


def publish(tmp: Path, path: Path) -> None:
    """Move a finished temporary file into place; mkstemp made it private, the output is an ordinary file."""
    os.chmod(tmp, 0o644)
    os.replace(tmp, path)


def write_file(path: Path, content: bytes) -> None:
    """Write whole or not at all: a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".huikuan-", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        publish(Path(tmp), path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def generate(target: Target, *, as_of: date, issued_on: date, out: Path, actor: Any = None) -> Generated:
    """Build, render (.docx or .pdf by ``out``'s suffix), record as a Document, write ``out``."""
    suffix = out.suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise LetterError(f"输出文件应为 .docx 或 .pdf：{out}")
    generated = create_letter(build(target, as_of, issued_on), suffix, actor)
    write_file(out, generated.content)
    return generated


def last_quarter_end(today: date) -> date:
    """The last quarter-end strictly before ``today``'s quarter.

    >>> last_quarter_end(date(2026, 5, 20)), last_quarter_end(date(2026, 3, 31))
    (datetime.date(2026, 3, 31), datetime.date(2025, 12, 31))
    """
    month = (today.month - 1) // 3 * 3
    if month == 0:
        return date(today.year - 1, 12, 31)
    return date(today.year, month, calendar.monthrange(today.year, month)[1])


def customers_with_open_balance(as_of: date) -> list[Customer]:
    """Customers owing anything on ``as_of`` (recognised, not void), in bulk queries."""
    rows = list(
        Receivable.objects.filter(is_void=False, recognised_on__lte=as_of).values_list(
            "pk", "contract__customer_id"
        )
    )
    balances = open_amounts([pk for pk, _c in rows], as_of)
    owing: dict[int, Decimal] = {}
    for pk, customer_id in rows:
        owing[customer_id] = owing.get(customer_id, ZERO) + max(balances.get(pk, ZERO), ZERO)
    ids = [cid for cid, total in owing.items() if total > 0]
    return list(Customer.objects.filter(pk__in=ids).order_by("name", "pk"))


def confirmations_zip(
    *,
    as_of: date,
    issued_on: date,
    out: Path,
    actor: Any = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Generated]:
    """C2: one 对账确认函 per customer with an open balance, in one zip with a 清单.xlsx to track which
    come back stamped; each letter recorded as a Document.

    All or nothing: the letters are rendered into the zip first (slow, outside any transaction), then
    recorded in one transaction; the zip appears only when every letter is recorded.
    """
    from huikuan.exports.xlsx import write_table

    if out.suffix.lower() != ".zip":
        raise LetterError(f"输出文件应为 .zip：{out}")
    customers = customers_with_open_balance(as_of)
    if not customers:
        raise LetterError(f"截至 {as_of.isoformat()} 没有客户有未付余额。")
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".huikuan-", suffix=".zip", dir=out.parent)
    os.close(fd)
    try:
        entries: list[tuple[str, Rendered]] = []
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as bundle:
            for n, customer in enumerate(customers, start=1):
                rendered = render_letter(builders.confirmation_data(customer, as_of, issued_on))
                name = f"{n:04d}_{rendered.filename}"
                bundle.writestr(name, rendered.content)
                entries.append((name, replace(rendered, content=b"")))
                if progress:
                    progress(n, len(customers))
        with zipfile.ZipFile(tmp) as bundle:
            made = record_letters(
                (replace(r, content=bundle.read(name)) for name, r in entries), actor, keep_content=False
            )
        with tempfile.TemporaryDirectory() as work, zipfile.ZipFile(tmp, "a", zipfile.ZIP_DEFLATED) as bundle:
            rows = [_list_row(n, g) for n, g in enumerate(made, start=1)]
            bundle.write(
                write_table(Path(work) / "清单.xlsx", _LIST_HEADERS, rows, "对账确认函"), "清单.xlsx"
            )
        publish(Path(tmp), out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return made


_LIST_HEADERS = [
    "序号",
    "客户编码",
    "客户名称",
    "截至日期",
    "出具日期",
    "余额",
    "单据编号",
    "文件",
    "发出日期",
    "回函日期",
    "印章",
]


def _list_row(n: int, g: Generated) -> list[Any]:
    doc = g.document
    customer = doc.customer
    return [
        n,
        customer.code or "",
        customer.name,
        g.as_of,
        doc.issued_on,
        g.total,
        doc.pk,
        g.filename,
        None,
        None,
        None,
    ]


def confirmation_tracking(issued_from: date, issued_to: date) -> list[dict[str, Any]]:
    """C2: the confirmations issued in a period and whether each came back stamped (and how strongly)."""
    from huikuan.core.limitation import seal_strength
    from huikuan.ledger.models import Document

    docs = (
        Document.objects.filter(
            kind=Document.Kind.BALANCE_CONFIRMATION, issued_on__range=(issued_from, issued_to)
        )
        .select_related("customer")
        .order_by("customer__name", "issued_on", "pk")
    )
    rows = []
    for doc in docs:
        strength = seal_strength(doc.seal_kind) if doc.returned_on else "none"
        status = {"strong": "已盖章寄回", "weak": "已寄回（印章较弱）"}.get(strength, "未寄回")
        if doc.returned_on and strength == "none":
            status = "已寄回（未盖章）"
        rows.append(
            {
                "document": doc,
                "customer": doc.customer,
                "issued_on": doc.issued_on,
                "delivered_on": doc.delivered_on,
                "returned_on": doc.returned_on,
                "seal": doc.get_seal_kind_display(),
                "strength": strength,
                "confirmed_amount": doc.confirmed_amount,
                "status": status,
            }
        )
    return rows
