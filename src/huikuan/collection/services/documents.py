"""单据 upload (C2): a scanned delivery receipt, acceptance certificate, stamped confirmation … becomes a
`Document` of the contract, with its SHA-256, and one audit entry.

The file is checked before anything is stored: size, an allowed type by name *and* by content (a PDF
must start like a PDF), and the stored name never comes from the user (`document_upload_to` makes
a random one); the user's name is kept only as data, reduced to a plain base name.
"""

from __future__ import annotations

import hashlib
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from huikuan.audit.log import log_action
from huikuan.ledger.models import Contract, Document, Receivable, SealKind
from huikuan.ledger.services import LedgerError

MAX_BYTES = 20 * 1024 * 1024
ALLOWED = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_MAGIC = {"pdf": b"%PDF-", "jpg": b"\xff\xd8\xff", "jpeg": b"\xff\xd8\xff", "png": b"\x89PNG\r\n\x1a\n"}
_OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}


class DocumentError(LedgerError):
    """An upload refused; the message is safe to show (Chinese)."""


@dataclass(frozen=True)
class DocumentInput:
    kind: str
    title: str = ""
    issued_on: date | None = None
    returned_on: date | None = None
    seal_kind: str = SealKind.NONE
    receivable_ids: Sequence[int] = ()


def safe_name(name: str, limit: int = 120) -> str:
    """A plain base name: no directories, no control characters, no leading dots.

    >>> safe_name("../../etc/passwd.pdf"), safe_name("C:\\\\x\\\\签收单.PDF"), safe_name("\\x00.pdf")
    ('passwd.pdf', '签收单.PDF', 'pdf')
    """
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if unicodedata.category(c)[0] != "C" and c not in '<>:"|?*')
    base = base.strip().lstrip(".").strip()
    if len(base) > limit:
        stem, dot, ext = base.rpartition(".")
        base = (stem[: limit - len(ext) - 1] + dot + ext) if dot and len(ext) <= 10 else base[:limit]
    return base


def extension(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def _content_matches(ext: str, upload: Any) -> bool:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if ext in _MAGIC:
        return head.startswith(_MAGIC[ext])
    if not head.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(upload) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and _OOXML_PART[ext] in names


def check_upload(upload: Any) -> tuple[str, str]:
    """(safe original name, extension) of an acceptable upload, else `DocumentError`."""
    if upload is None:
        raise DocumentError("请选择要上传的文件", "file_required")
    name = safe_name(getattr(upload, "name", "") or "")
    size = getattr(upload, "size", 0) or 0
    if size <= 0:
        raise DocumentError("文件是空的", "file_empty")
    if size > MAX_BYTES:
        raise DocumentError(
            f"文件过大：最大 {MAX_BYTES // (1024 * 1024)} MB，本文件 {size / (1024 * 1024):.1f} MB",
            "file_too_large",
        )
    ext = extension(name)
    if ext not in ALLOWED:
        raise DocumentError("不支持的文件类型：只能上传 PDF、JPG、PNG、DOCX 或 XLSX 文件", "file_type")
    if not _content_matches(ext, upload):
        raise DocumentError(f"文件内容与扩展名 .{ext} 不符，请上传原始文件", "file_content")
    return name, ext


def _sha256(upload: Any) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def upload_document(contract: Contract, upload: Any, data: DocumentInput, *, actor: Any) -> Document:
    """Store ``upload`` as a Document of ``contract`` (file, checksum, named milestones), audited."""
    name, _ext = check_upload(upload)
    if data.kind not in Document.Kind.values:
        raise DocumentError("请选择单据类型", "kind_required")
    if data.seal_kind not in SealKind.values:
        raise DocumentError("请选择印章种类", "seal_invalid")
    if data.issued_on and data.returned_on and data.returned_on < data.issued_on:
        raise DocumentError("回函日期不能早于出具日期", "returned_before_issued")
    receivables = list(Receivable.objects.filter(contract=contract, pk__in=list(data.receivable_ids)))
    if len(receivables) != len(set(data.receivable_ids)):
        raise DocumentError("所选款项不属于该合同", "receivable_not_of_contract")
    doc = Document(
        customer_id=contract.customer_id,
        contract=contract,
        kind=data.kind,
        title=(data.title.strip() or name)[:200],
        original_filename=name[:255],
        sha256=_sha256(upload),
        issued_on=data.issued_on,
        returned_on=data.returned_on,
        seal_kind=data.seal_kind,
    )
    # The name handed to storage is ours; document_upload_to replaces it with a random one anyway.
    doc.file.save(f"upload.{_ext}", upload, save=False)
    try:
        with transaction.atomic():
            doc.save()
            doc.receivables.set(receivables)
            log_action(
                "collection.document.uploaded",
                actor=actor,
                obj=doc,
                customer_id=contract.customer_id,
                data={
                    "contract_id": contract.pk,
                    "kind": doc.kind,
                    "file": doc.file.name,
                    "original_filename": name,
                    "size": upload.size,
                    "sha256": doc.sha256,
                    "seal_kind": doc.seal_kind,
                    "receivable_ids": [r.pk for r in receivables],
                },
            )
    except BaseException:
        doc.file.storage.delete(doc.file.name)
        raise
    return doc


def content_type(document: Document) -> str:
    return ALLOWED.get(extension(document.file.name or ""), "application/octet-stream")


def download_name(document: Document) -> str:
    """The name offered when downloading: the original base name, else kind + id, with our extension."""
    ext = extension(document.file.name or "")
    name = safe_name(document.original_filename or "") or f"{document.get_kind_display()}_{document.pk}"
    return name if extension(name) == ext or not ext else f"{name}.{ext}"
