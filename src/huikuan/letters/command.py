"""``huikuan letter …`` and ``huikuan evidence …`` (FORMATS.md; exit 1 on bad input, 2 on usage).

Only argparse at import time: the parser is built before Django is set up.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import Any

LETTER_HELP = {
    "confirmation": "balance confirmation (对账确认函) for a customer's whole open balance",
    "dunning": "dunning letter (催款函) for a contract's due milestones",
    "plan": "payment plan confirmation (付款计划确认书)",
    "lawyer": "lawyer letter draft (律师函) in the law firm's name",
    "confirmations": "C2: a confirmation for every customer with an open balance, as one zip",
    "clauses": "E1: the clause library as an editable .docx",
}
TARGETS = {
    "confirmation": ("customer", "receivable"),
    "dunning": ("contract", "receivable"),
    "plan": ("plan", "receivable"),
    "lawyer": ("customer", "contract", "receivable"),
}


def add_letter_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="letter_kind", metavar="KIND", required=True)
    for kind, help_text in LETTER_HELP.items():
        p = sub.add_parser(kind, help=help_text, description=help_text)
        if kind in TARGETS:
            group = p.add_mutually_exclusive_group(required=True)
            for target in TARGETS[kind]:
                group.add_argument(f"--{target}", type=int, metavar="ID")
        if kind not in ("clauses", "plan"):  # a plan states what is owed on the day it is printed
            default = "last quarter-end" if kind == "confirmations" else "today"
            p.add_argument(
                "--as-of", metavar="YYYY-MM-DD", help=f"balance and interest date (default: {default})"
            )
        suffix = ".zip" if kind == "confirmations" else ".docx or .pdf"
        p.add_argument("--out", required=True, metavar="FILE", help=f"output file ({suffix})")


def add_evidence_arguments(parser: argparse.ArgumentParser) -> None:
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--customer", type=int, metavar="ID")
    group.add_argument("--contract", type=int, metavar="ID")
    parser.add_argument(
        "--as-of", metavar="YYYY-MM-DD", help="chronology and limitation date (default: today)"
    )
    parser.add_argument("--out", required=True, metavar="FILE.zip")


def _day(text: str | None, default: date) -> date:
    from huikuan.letters.common import LetterError

    if not text:
        return default
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise LetterError(f"日期格式应为 YYYY-MM-DD：{text}") from None


def run_letter(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from huikuan.letters import service
    from huikuan.letters.records import NAMES

    today = timezone.localdate()  # the CLI is the edge: the only place a letter reads the clock
    out = Path(args.out)
    if args.letter_kind == "clauses":
        return _clauses(out, today)
    if args.letter_kind == "confirmations":
        as_of = _day(args.as_of, service.last_quarter_end(today))
        made = service.confirmations_zip(as_of=as_of, issued_on=today, out=out)
        print(f"已生成 {len(made)} 份对账确认函（截至 {as_of.isoformat()}）：{out}")
        _warn(w for g in made for w in g.warnings)
        return 0
    ids: dict[str, Any] = {f"{t}_id": getattr(args, t) for t in TARGETS[args.letter_kind]}
    target = service.resolve(args.letter_kind, **ids)
    as_of = _day(getattr(args, "as_of", None), today)
    generated = service.generate(target, as_of=as_of, issued_on=today, out=out)
    doc = generated.document
    print(f"已生成{NAMES[args.letter_kind]}：{out}（单据 #{doc.pk}，SHA-256 {doc.sha256[:12]}…）")
    _warn(generated.warnings)
    return 0


def _clauses(out: Path, today: date) -> int:
    from huikuan.letters.clauses import clauses_docx
    from huikuan.letters.common import LetterError
    from huikuan.letters.render import docx_to_pdf
    from huikuan.letters.service import write_file

    suffix = out.suffix.lower()
    if suffix not in (".docx", ".pdf"):
        raise LetterError(f"输出文件应为 .docx 或 .pdf：{out}")
    content = clauses_docx(today)
    write_file(out, docx_to_pdf(content) if suffix == ".pdf" else content)
    print(f"已生成合同条款参考：{out}")
    return 0


def run_evidence(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from huikuan.letters.evidence.bundle import build_evidence
    from huikuan.letters.service import resolve_scope

    target = resolve_scope(customer_id=args.customer, contract_id=args.contract)
    assert target.customer is not None
    as_of = _day(args.as_of, timezone.localdate())
    bundle = build_evidence(
        customer=target.customer, contract=target.contract, as_of=as_of, out=Path(args.out)
    )
    print(
        f"已生成证据材料包：{bundle.path}（单据 {bundle.documents} 份，缺少电子文件 {bundle.missing_files} 份）"
    )
    if bundle.mismatched:
        print(f"注意：{bundle.mismatched} 份单据的文件与登记的校验和不符", file=sys.stderr)
    return 0


def _warn(warnings: Any) -> None:
    for warning in dict.fromkeys(warnings):
        print(f"注意：{warning}", file=sys.stderr)
