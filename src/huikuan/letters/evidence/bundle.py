"""F5: the evidence bundle for a customer or a contract — what a lawyer asks for first.

One zip: every document's file under ``单据/`` (checked against its recorded SHA-256), ``index.xlsx``
(单据清单, 应收明细, 发票清单, 付款承诺, 大事记, 诉讼时效) and ``说明.txt`` (summary and the
"decision support, not legal advice" notice). Exporting it is audited: it carries the customer's data.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from huikuan.audit.log import log_action
from huikuan.core.limitation import seal_strength
from huikuan.exports.xlsx import write_tables
from huikuan.ledger.models import Contract, Customer, Document
from huikuan.letters.common import LetterError
from huikuan.letters.evidence.chronology import HEADERS as CHRONOLOGY_HEADERS
from huikuan.letters.evidence.chronology import chronology
from huikuan.letters.evidence.limitation import STATUS_HEADERS, limitation_view, status_rows
from huikuan.letters.evidence.scope import Scope
from huikuan.letters.service import publish

DOC_HEADERS = [
    "序号", "类型", "标题", "合同编号", "涉及应收", "出具日期", "发出日期", "送达日期", "送达凭证",
    "回函日期", "印章", "印章效力", "确认金额", "包内文件", "原文件名", "SHA-256", "备注",
]  # fmt: skip
RECEIVABLE_HEADERS = [
    "合同编号",
    "项目名称",
    "期次",
    "款项",
    "单据编号",
    "金额",
    "确认日期",
    "到期日",
    "未付金额",
]
INVOICE_HEADERS = ["发票号码", "类型", "介质", "金额", "开票日期", "送达日期", "状态", "合同编号"]
PROMISE_HEADERS = ["承诺日期", "承诺金额", "状态", "已兑现金额", "书面承诺", "回款方案", "合同编号"]
STRENGTH = {"strong": "强", "weak": "弱（可能被否认）", "none": "—"}
_UNSAFE = '\\/:*?"<>|\n\r\t'


@dataclass(frozen=True)
class Bundle:
    path: Path
    documents: int
    missing_files: int
    mismatched: int


def _safe(text: str, limit: int = 40) -> str:
    return "".join("_" if c in _UNSAFE else c for c in text).strip()[:limit] or "无标题"


def build_evidence(
    *, customer: Customer, contract: Contract | None = None, as_of: date, out: Path, actor: Any = None
) -> Bundle:
    if out.suffix.lower() != ".zip":
        raise LetterError(f"输出文件应为 .zip：{out}")
    if contract is not None and contract.customer_id != customer.pk:
        raise LetterError(f"合同 {contract.number} 不属于客户 {customer.name}。")
    scope = Scope(customer, contract)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".huikuan-", suffix=".zip", dir=out.parent)
    os.close(fd)
    try:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as bundle:
            doc_rows, missing, mismatched = _add_documents(bundle, scope, as_of)
            view = limitation_view(customer, as_of, contract)
            receivables = _receivable_rows(scope, view.open)
            tables = [
                ("单据清单", DOC_HEADERS, doc_rows),
                ("应收明细", RECEIVABLE_HEADERS, receivables),
                ("发票清单", INVOICE_HEADERS, _invoice_rows(scope)),
                ("付款承诺", PROMISE_HEADERS, _promise_rows(scope)),
                ("大事记", CHRONOLOGY_HEADERS, chronology(scope, as_of)),
                ("诉讼时效", STATUS_HEADERS, status_rows(view)),
            ]
            with tempfile.TemporaryDirectory() as work:
                index = write_tables(Path(work) / "index.xlsx", tables)
                bundle.write(index, "index.xlsx")
            bundle.writestr("说明.txt", _summary(scope, as_of, view, len(doc_rows), missing, mismatched))
        publish(Path(tmp), out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    log_action(
        "letters.evidence.exported",
        actor=actor,
        obj=contract or customer,
        customer_id=customer.pk,
        data={"as_of": as_of.isoformat(), "documents": len(doc_rows), "missing_files": missing},
    )
    return Bundle(out, len(doc_rows), missing, mismatched)


def _add_documents(bundle: zipfile.ZipFile, scope: Scope, as_of: date) -> tuple[list[list[Any]], int, int]:
    rows: list[list[Any]] = []
    missing = mismatched = 0
    for n, doc in enumerate(
        scope.documents(as_of).select_related("contract").prefetch_related("receivables__contract"), 1
    ):
        note, inside = "", ""
        if not doc.file:
            note, missing = "无电子文件（请补充扫描件）", missing + 1
        else:
            try:
                with doc.file.open("rb") as handle:
                    content = handle.read()
            except OSError:
                content, note, missing = b"", "文件缺失", missing + 1
            if content:
                digest = hashlib.sha256(content).hexdigest()
                if doc.sha256 and digest != doc.sha256:
                    note, mismatched = "校验和不符：文件可能已被改动", mismatched + 1
                suffix = Path(doc.file.name).suffix or ".bin"
                day = (doc.issued_on or doc.returned_on or doc.created_at.date()).strftime("%Y%m%d")
                inside = f"单据/{n:03d}_{doc.get_kind_display()}_{day}_{_safe(doc.title or doc.original_filename)}{suffix}"
                bundle.writestr(inside, content)
        rows.append(_doc_row(n, doc, inside, note))
    return rows, missing, mismatched


def _doc_row(n: int, doc: Document, inside: str, note: str) -> list[Any]:
    named = sorted(f"{r.contract.number}#{r.sequence}" for r in doc.receivables.all())
    covers = "全部余额" if doc.covers_whole_balance else ""
    return [
        n,
        doc.get_kind_display(),
        doc.title,
        doc.contract.number if doc.contract else "",
        "、".join(named) or covers,
        doc.issued_on,
        doc.sent_on,
        doc.delivered_on,
        doc.delivery_proof,
        doc.returned_on,
        doc.get_seal_kind_display(),
        STRENGTH[seal_strength(doc.seal_kind)],
        doc.confirmed_amount,
        inside,
        doc.original_filename,
        doc.sha256,
        note,
    ]


def _receivable_rows(scope: Scope, open_now: dict[int, Any]) -> list[list[Any]]:
    from huikuan.ledger.services.balances import open_amounts

    receivables = list(scope.receivables().filter(is_void=False))
    balances = open_amounts([r.pk for r in receivables])
    return [
        [
            r.contract.number, r.contract.project_name, r.sequence, r.get_kind_display(), r.doc_no or "",
            r.amount, r.recognised_on, r.due_on, open_now.get(r.pk, balances.get(r.pk)),
        ]
        for r in receivables
    ]  # fmt: skip


def _invoice_rows(scope: Scope) -> list[list[Any]]:
    return [
        [
            inv.number, inv.get_type_display(), inv.get_medium_display(), inv.amount, inv.issued_on,
            inv.delivered_on, inv.get_status_display(),
            "、".join(sorted({r.contract.number for r in inv.receivables.all()})),
        ]
        for inv in scope.invoices().prefetch_related("receivables__contract")
    ]  # fmt: skip


def _promise_rows(scope: Scope) -> list[list[Any]]:
    return [
        [
            p.promised_on, p.amount, p.get_status_display(), p.kept_amount, "是" if p.written else "否",
            p.plan_id or "", "、".join(sorted({r.contract.number for r in p.receivables.all()})),
        ]
        for p in scope.promises().prefetch_related("receivables__contract")
    ]  # fmt: skip


def _summary(scope: Scope, as_of: date, view: Any, documents: int, missing: int, mismatched: int) -> str:
    total = sum(view.open.values(), start=0)
    soonest = min((m for m in view.report.milestones), key=lambda m: m.expires_on, default=None)
    lines = [
        f"证据材料包：{scope.label}",
        f"客户：{scope.customer.name}（统一社会信用代码：{scope.customer.uscc or '未登记'}）",
        f"截至日期：{as_of.isoformat()}",
        f"未付余额（已确认应收）：{total:,.2f}",
        f"单据：{documents} 份；缺少电子文件 {missing} 份；校验和不符 {mismatched} 份",
    ]
    if soonest is not None:
        lines.append(f"最早的诉讼时效届满日：{soonest.expires_on.isoformat()}（剩余 {soonest.days_left} 天）")
    lines += [
        "",
        "index.xlsx：单据清单、应收明细、发票清单、付款承诺、大事记、诉讼时效。",
        "单据/：各单据的电子文件（文件名以单据清单中的序号开头）。",
        "",
        view.disclaimer,
    ]
    return "\n".join(lines) + "\n"
