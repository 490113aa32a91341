"""A generated letter becomes a `Document`; its delivery and its stamped return are recorded on it.

These are the use-case functions the CLI and the web call (atomic, row-locked, audited). The
limitation clock and readiness read documents (`delivered_on` of a demand, `returned_on` and
`seal_kind` of a confirmation or promise), so recording here is what makes a letter count.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import uuid4

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from huikuan.audit.log import diff, log_action, snapshot
from huikuan.core.money import cents
from huikuan.ledger.models import Document, SealKind
from huikuan.letters.builders import LetterData
from huikuan.letters.common import LetterError
from huikuan.letters.render import output_bytes

PREFIXES = {"confirmation": "DZ", "dunning": "CK", "plan": "FK", "lawyer": "LS"}
NAMES = {"confirmation": "对账确认函", "dunning": "催款函", "plan": "付款计划确认书", "lawyer": "律师函"}
_DELIVERY_FIELDS = ["sent_on", "delivered_on", "delivery_proof"]
_RETURN_FIELDS = ["delivered_on", "returned_on", "seal_kind", "confirmed_amount"]


@dataclass(frozen=True)
class Rendered:
    """A letter rendered but not yet recorded."""

    data: LetterData
    content: bytes
    filename: str
    sha256: str
    letter_no: str
    suffix: str


@dataclass(frozen=True)
class Generated:
    document: Document
    content: bytes
    filename: str
    warnings: tuple[str, ...]
    total: Decimal | None = None
    as_of: date | None = None


def new_letter_no(data: LetterData) -> str:
    """Printed on the letter before the Document exists, so rendering stays outside the transaction
    (a PDF conversion takes seconds; SQLite's write lock must not wait for it)."""
    return f"{PREFIXES[data.kind]}-{data.issued_on:%Y%m%d}-{data.customer.pk}-{uuid4().hex[:6].upper()}"


def filename_for(data: LetterData, suffix: str) -> str:
    who = "".join(c for c in data.customer.name if c not in '\\/:*?"<>|').strip() or str(data.customer.pk)
    scope = f"_{data.contract.number}" if data.contract is not None and data.kind != "plan" else ""
    scope = "".join(c for c in scope if c not in '\\/:*?"<>|')
    return f"{NAMES[data.kind]}_{who}{scope}_{data.as_of:%Y%m%d}{suffix}"


def render_letter(data: LetterData, suffix: str = ".docx") -> Rendered:
    """Fill in the template (.docx, or .pdf through LibreOffice); nothing is written to the database."""
    data.context["letter_no"] = letter_no = new_letter_no(data)
    content = output_bytes(data.template, data.context, suffix)
    digest = hashlib.sha256(content).hexdigest()
    return Rendered(data, content, filename_for(data, suffix), digest, letter_no, suffix)


# A stored file without its Document row is older than this only when the process that stored it
# died before its transaction committed (a letter is stored and recorded within seconds).
ORPHAN_AGE = timedelta(hours=1)


def sweep_orphans(now: datetime | None = None) -> list[str]:
    """Remove document files that no Document names and that are older than ``ORPHAN_AGE``.

    Files are stored just before their rows are committed; a process killed in between leaves the
    file alone on disk. Each letter run starts by removing such leftovers (never a recorded file,
    never one young enough to belong to a run still in progress).
    """
    root = Path(settings.MEDIA_ROOT) / "documents"
    if not root.is_dir():
        return []
    cutoff = (now or datetime.now(tz=UTC)).timestamp() - ORPHAN_AGE.total_seconds()
    old = {
        path.relative_to(settings.MEDIA_ROOT).as_posix(): path
        for path in root.rglob("*")
        if path.is_file() and not path.is_symlink() and path.stat().st_mtime < cutoff
    }
    if not old:
        return []
    recorded = set(Document.objects.filter(file__in=list(old)).values_list("file", flat=True))
    removed = sorted(set(old) - recorded)
    for name in removed:
        old[name].unlink(missing_ok=True)
    if removed:
        log_action("letters.orphan_files.removed", data={"files": removed})
    return removed


def record_letters(
    rendered: Iterable[Rendered], actor: Any = None, keep_content: bool = True
) -> list[Generated]:
    """Record rendered letters as Documents (file, checksum, named receivables, one audit entry each),
    all or none: a failure removes the files already stored. ``rendered`` may be a generator, so a
    batch of thousands never holds every file in memory (then ``keep_content=False``)."""
    sweep_orphans()
    stored: list[str] = []
    try:
        with transaction.atomic():
            out = []
            for r in rendered:
                generated = _record(r, actor, stored)
                out.append(generated if keep_content else replace(generated, content=b""))
            return out
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise


def create_letter(data: LetterData, suffix: str = ".docx", actor: Any = None) -> Generated:
    """Render ``data`` and record it as a Document."""
    return record_letters([render_letter(data, suffix)], actor)[0]


def _record(r: Rendered, actor: Any, stored: list[str]) -> Generated:
    data = r.data
    doc = Document(
        customer=data.customer,
        contract=data.contract,
        kind=data.document_kind,
        title=data.title,
        original_filename=r.filename,
        sha256=r.sha256,
        issued_on=data.issued_on,
        covers_whole_balance=data.covers_whole_balance,
    )
    doc.file.save(r.filename, ContentFile(r.content), save=False)
    stored.append(doc.file.name)
    doc.save()
    doc.receivables.set(data.receivable_ids)
    log_action(
        "letters.letter.generated",
        actor=actor,
        obj=doc,
        data={
            "kind": data.kind,
            "letter_no": r.letter_no,
            "format": r.suffix.lstrip("."),
            "sha256": r.sha256,
            "as_of": data.as_of.isoformat(),
            "issued_on": data.issued_on.isoformat(),
            "total": str(data.total) if data.total is not None else None,
            "receivable_ids": data.receivable_ids,
            "covers_whole_balance": data.covers_whole_balance,
        },
    )
    return Generated(doc, r.content, r.filename, tuple(data.warnings), data.total, data.as_of)


def _not_before_issue(document: Document, on: date, what: str) -> None:
    if document.issued_on is not None and on < document.issued_on:
        raise LetterError(f"{what}日期 {on.isoformat()} 早于出具日期 {document.issued_on.isoformat()}。")


def mark_delivered(document: Document, on: date, proof: str, actor: Any = None) -> Document:
    """The letter reached the customer on ``on``; ``proof`` names the evidence (EMS number, signed
    receipt, e-mail). A delivered demand restarts the limitation clock (SPC 2020 art. 8)."""
    proof = (proof or "").strip()
    if not proof:
        raise LetterError("请填写送达凭证（如快递单号、签收回执、邮件记录）。")
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        _not_before_issue(doc, on, "送达")
        before = snapshot(doc, _DELIVERY_FIELDS)
        doc.sent_on = doc.sent_on or on
        doc.delivered_on = on
        doc.delivery_proof = proof[:200]
        doc.save(update_fields=[*_DELIVERY_FIELDS, "updated_at"])
        log_action(
            "letters.document.delivered",
            actor=actor,
            obj=doc,
            data={"kind": doc.kind, "changes": diff(before, snapshot(doc, _DELIVERY_FIELDS))},
        )
    return doc


def mark_returned(
    document: Document,
    on: date,
    seal_kind: str,
    actor: Any = None,
    confirmed_amount: Decimal | None = None,
) -> Document:
    """The customer sent the letter back signed or stamped on ``on`` (a confirmation's reply block, a
    signed plan). With 公章/财务专用章/合同专用章 it is an acknowledgement that restarts the limitation
    clock for the receivables the letter names (SPC 2020 art. 14); 部门章 or a signature is weak."""
    if seal_kind not in SealKind.values:
        raise LetterError(f"印章种类不正确：{seal_kind}（可选：{'、'.join(SealKind.values)}）")
    if confirmed_amount is not None:
        confirmed_amount = cents(confirmed_amount)
        if confirmed_amount < 0:
            raise LetterError("确认金额不能为负数。")
    with transaction.atomic():
        doc = Document.objects.select_for_update().get(pk=document.pk)
        _not_before_issue(doc, on, "回函")
        before = snapshot(doc, _RETURN_FIELDS)
        doc.returned_on = on
        doc.seal_kind = seal_kind
        doc.confirmed_amount = confirmed_amount
        # A reply in our hands proves the letter reached them, at the latest on the reply's day.
        doc.delivered_on = doc.delivered_on or on
        doc.save(update_fields=[*_RETURN_FIELDS, "updated_at"])
        log_action(
            "letters.document.returned",
            actor=actor,
            obj=doc,
            data={"kind": doc.kind, "changes": diff(before, snapshot(doc, _RETURN_FIELDS))},
        )
    return doc
