"""``huikuan import``: options, exit status and output (the CLI shell around ``run_import``).

Exit status: 0 imported (or a clean dry run); 1 bad input — the file has errors (each named by
file, row and column) or cannot be read, and nothing was written; 2 usage error — no such file,
an unknown mapping, a malformed ``--column``.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from huikuan.imports.columns.specs import KINDS

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE = 0, 1, 2


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="CSV (UTF-8/GBK, with or without BOM) or Excel (.xlsx/.xls) file")
    p.add_argument("--kind", choices=KINDS, required=True)
    p.add_argument(
        "--mapping",
        metavar="NAME",
        help="saved column mapping: a preset (icbc, ccb, abc, boc, cmb, kingdee, yonyou, highradius) "
        "or one saved under var/mappings/",
    )
    p.add_argument("--dry-run", action="store_true", help="check and show what would change; write nothing")
    p.add_argument(
        "--allow-duplicates",
        action="store_true",
        help="payments without a reference that look like ones recorded are new",
    )
    p.add_argument(
        "--column",
        action="append",
        default=[],
        metavar="HEADER=FIELD",
        help="map a file header to a field (repeatable)",
    )
    p.add_argument(
        "--save-mapping", metavar="NAME", help="save the columns recognised in this file as a mapping"
    )
    p.add_argument("--user", metavar="USERNAME", help="who imports (audit trail and 录入人)")


def run(args: argparse.Namespace) -> int:
    from rich.console import Console

    from huikuan.accounts.models import User
    from huikuan.imports.mappings import MappingError
    from huikuan.imports.pipeline import run_import
    from huikuan.imports.progress import Progress
    from huikuan.imports.summary import render

    path = Path(args.file)
    if not path.is_file():
        print(f"huikuan import: 文件不存在：{args.file}", file=sys.stderr)
        return EXIT_USAGE
    columns = {}
    for item in args.column:
        header, sep, field = item.partition("=")
        if not sep or not header.strip() or not field.strip():
            print(f"huikuan import: --column 应写成 表头=字段：{item}", file=sys.stderr)
            return EXIT_USAGE
        columns[header.strip()] = field.strip()
    actor = None
    if args.user:
        actor = User.objects.filter(username=args.user).first()
        if actor is None:
            print(f"huikuan import: 用户不存在：{args.user}", file=sys.stderr)
            return EXIT_USAGE
    try:
        with Progress() as progress:
            result = run_import(
                path,
                args.kind,
                mapping=args.mapping,
                columns=columns,
                dry_run=args.dry_run,
                allow_duplicates=args.allow_duplicates,
                actor=actor,
                progress=progress,
                save_as=args.save_mapping,
            )
    except MappingError as exc:
        print(f"huikuan import: {exc}", file=sys.stderr)
        return EXIT_USAGE
    render(result, Console(highlight=False, soft_wrap=True))
    if not result.ok:
        first = result.first_errors(1)[0]
        print(
            f"huikuan import: {result.error_frame.height} 处错误，未写入任何数据；第一处：{first}",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    return EXIT_OK
