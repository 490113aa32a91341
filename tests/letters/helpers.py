"""Small ledgers for letter tests, and reading .docx files back as text."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

from docx import Document as WordDocument
from docx.table import Table
from docx.text.paragraph import Paragraph

from huikuan.ledger.models import Contract, Customer, Document, InterestRate, Invoice, Receivable
from huikuan.ledger.services.allocation import PaymentInput, allocate, record_payment

D = Decimal
# A fixture LPR table (DESIGN §3: rates are data, tests use a fixture table).
LPR = [(date(2024, 10, 21), D("0.0310")), (date(2025, 5, 20), D("0.0300")), (date(2026, 3, 20), D("0.0290"))]


def docx_text(source: Path | bytes) -> str:
    """Body paragraphs and table rows (cells joined by " | ") in document order, then header and footer."""
    doc = WordDocument(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    lines = []
    for element in doc.element.body.iterchildren():
        if element.tag.endswith("}p"):
            lines.append(Paragraph(element, doc).text)
        elif element.tag.endswith("}tbl"):
            lines += [" | ".join(cell.text for cell in row.cells) for row in Table(element, doc).rows]
    for section in doc.sections:
        lines += [p.text for p in section.header.paragraphs] + [p.text for p in section.footer.paragraphs]
    return "\n".join(lines)


def table_rows(source: Path | bytes, index: int = 0) -> list[list[str]]:
    doc = WordDocument(io.BytesIO(source) if isinstance(source, bytes) else str(source))
    return [[cell.text for cell in row.cells] for row in doc.tables[index].rows]


def lpr_table() -> None:
    for day, rate in LPR:
        InterestRate.objects.create(kind="lpr_1y", effective_from=day, rate=rate)


def contract(
    customer: Customer,
    number: str,
    amounts: tuple[str, ...],
    dues: tuple[date, ...],
    **fields: object,
) -> Contract:
    c = Contract.objects.create(
        customer=customer,
        number=number,
        project_name=fields.pop("project_name", f"{number}项目"),
        amount=sum(D(a) for a in amounts),
        signed_on=fields.pop("signed_on", date(2025, 6, 1)),
        owner=customer.owner,
        **fields,
    )
    for seq, (amount, due) in enumerate(zip(amounts, dues, strict=True), start=1):
        Receivable.objects.create(
            contract=c, sequence=seq, kind="delivery", amount=D(amount), due_on=due, recognised_on=due
        )
    return c


def receivables(c: Contract) -> list[Receivable]:
    return list(c.receivables.order_by("sequence"))


def invoice(receivable: Receivable, number: str, status: str = "delivered") -> Invoice:
    inv = Invoice.objects.create(
        number=number,
        customer=receivable.contract.customer,
        amount=receivable.amount,
        issued_on=receivable.due_on,
        status=status,
    )
    inv.receivables.add(receivable)
    return inv


def pay(receivable: Receivable, amount: str, on: date, actor: object) -> None:
    payment = record_payment(
        PaymentInput(customer=receivable.contract.customer, paid_on=on, amount=D(amount), reference=f"P{on}"),
        actor=actor,
        allocate=False,
    )
    allocate(payment, [(receivable, D(amount))], actor=actor)


def evidence_doc(
    c: Contract, kind: str, on: date, seal: str, title: str = "", r: Receivable | None = None
) -> Document:
    doc = Document.objects.create(
        customer=c.customer, contract=c, kind=kind, issued_on=on, returned_on=on, seal_kind=seal, title=title
    )
    if r is not None:
        doc.receivables.add(r)
    return doc
