"""The `huikuan` command line (contract in FORMATS.md).

Exit status: 0 success, 1 bad input, 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

EXIT_OK, EXIT_BAD_INPUT, EXIT_USAGE = 0, 1, 2


class CommandError(Exception):
    """Bad input: the message names the file, row and column where it can."""


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huikuan.settings")
    import django

    django.setup()


def cmd_init(args: argparse.Namespace) -> int:
    from huikuan.ops import init_database

    init_database(verbose=not args.quiet)
    return EXIT_OK


def cmd_generate(args: argparse.Namespace) -> int:
    from django.utils import timezone

    from huikuan.demo.generate import generate

    as_of = args.as_of or timezone.localdate()  # the only place the generator reads the clock
    result = generate(
        args.scale, seed=args.seed, as_of=as_of, progress=sys.stderr.isatty() and not args.quiet
    )
    print(result.summary())
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from huikuan.accounts.startup import require_safe_configuration
    from huikuan.ops import serve

    require_safe_configuration("serve")
    serve(host=args.host, port=args.port, workers=args.workers, threads=args.threads)
    return EXIT_OK


def cmd_worker(args: argparse.Namespace) -> int:
    from huikuan.accounts.startup import require_safe_configuration
    from huikuan.ops import run_worker

    require_safe_configuration("worker")
    run_worker(batch=args.batch, queues=args.queues)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from huikuan.demo.setup import run_demo

    os.environ["HUIKUAN_DEMO"] = "1"  # demo mode: the generated secret key is accepted (docs/security.md)
    run_demo(host=args.host, port=args.port, serve_after=not args.no_serve)
    return EXIT_OK


def cmd_user(args: argparse.Namespace) -> int:
    from huikuan.ops import create_user

    create_user(args.username, role=args.role, password=args.password, team=args.team, name=args.name)
    return EXIT_OK


def cmd_handover(args: argparse.Namespace) -> int:
    from huikuan.accounts.models import User
    from huikuan.ledger.services.handover import handover

    users = {u.username: u for u in User.objects.filter(username__in=[args.from_user, args.to_user])}
    for name in (args.from_user, args.to_user):
        if name not in users:
            raise CommandError(f"用户不存在：{name}")
    moved = handover(users[args.from_user], users[args.to_user], actor=None, reason=args.reason)
    print(f"已将 {args.from_user} 的客户和 {moved} 份合同交接给 {args.to_user}")
    return EXIT_OK


def cmd_import(args: argparse.Namespace) -> int:
    from huikuan.imports.command import run

    return run(args)


def cmd_daily(args: argparse.Namespace) -> int:
    import time

    from rich.console import Console

    from huikuan.analytics.jsonout import write_json
    from huikuan.analytics.run import RunInProgress, default_as_of, run_daily
    from huikuan.analytics.screen import RichProgress, print_summary

    as_of = _date_arg(args.as_of) if args.as_of else default_as_of()
    started = time.perf_counter()
    console = Console(stderr=False, width=None if sys.stdout.isatty() else 120)
    try:
        if sys.stderr.isatty() and not args.quiet:
            with RichProgress(Console(stderr=True)) as progress:
                outcome = run_daily(as_of, trigger="cli", progress=progress)
        else:
            outcome = run_daily(as_of, trigger="cli")
    except RunInProgress as exc:
        raise CommandError(str(exc)) from exc
    wall = time.perf_counter() - started
    if not args.quiet:
        print_summary(outcome, console, wall)
    if args.json:
        json_started = time.perf_counter()
        write_json(outcome, args.json)
        if not args.quiet:
            console.print(f"JSON: {args.json} ({time.perf_counter() - json_started:.2f} s)")
    return EXIT_OK


def cmd_report(args: argparse.Namespace) -> int:
    from huikuan.analytics.reports import export_report

    path = export_report(
        args.kind, args.out, as_of=_date_arg(args.as_of) if args.as_of else None, month=args.month
    )
    print(path)
    return EXIT_OK


def cmd_letter(args: argparse.Namespace) -> int:
    from huikuan.letters.command import run_letter

    return run_letter(args)


def cmd_evidence(args: argparse.Namespace) -> int:
    from huikuan.letters.command import run_evidence

    return run_evidence(args)


def cmd_token(args: argparse.Namespace) -> int:
    from huikuan.api.cli import run_token

    return run_token(args)


def cmd_predict(args: argparse.Namespace) -> int:
    from huikuan.prediction.command import run

    return run(args)


def cmd_backup(args: argparse.Namespace) -> int:
    from huikuan.backup.command import run_backup

    return run_backup(args)


def cmd_restore(args: argparse.Namespace) -> int:
    from huikuan.backup.command import run_restore

    return run_restore(args)


def cmd_privacy(args: argparse.Namespace) -> int:
    from huikuan.privacy.command import run

    return run(args)


def _date_arg(text: str) -> Any:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from exc


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="huikuan", description="回款 — receivables collection for sales teams"
    )
    parser.add_argument("--version", action="version", version=f"huikuan {__import__('huikuan').__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    def add(name: str, func: Callable[[argparse.Namespace], int], help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = add("init", cmd_init, "create or migrate the database (idempotent)")
    p.add_argument("--quiet", action="store_true")

    p = add("generate", cmd_generate, "generate a synthetic portfolio (deterministic for a seed)")
    p.add_argument("--scale", choices=["small", "mid", "large"], required=True)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument(
        "--as-of", type=date.fromisoformat, help="the portfolio's today, YYYY-MM-DD (default: today)"
    )
    p.add_argument("--quiet", action="store_true")

    p = add("serve", cmd_serve, "serve the web application (gunicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: 2 × cores + 1, at most 9)"
    )
    p.add_argument(
        "--threads",
        type=int,
        default=None,
        help="threads per worker (default: huikuan.ops.SERVE_THREADS)",
    )

    p = add("worker", cmd_worker, "run queued background tasks")
    p.add_argument("--batch", action="store_true", help="process what is queued, then exit")
    p.add_argument("--queues", default="*", help="comma-separated queue names (default: all)")

    p = add("user", cmd_user, "create or update a user")
    p.add_argument("username")
    p.add_argument("--role", choices=["salesperson", "manager", "finance", "admin"], required=True)
    p.add_argument("--password", help="password (default: read from HUIKUAN_PASSWORD)")
    p.add_argument("--team", help="team name (salesperson: member; manager: manages it)")
    p.add_argument("--name", default="", help="display name")

    p = add("handover", cmd_handover, "离职交接: move a salesperson's customers and contracts to another")
    p.add_argument("from_user")
    p.add_argument("to_user")
    p.add_argument("--reason", required=True)

    p = add(
        "import",
        cmd_import,
        "import customers, contacts, receivables, invoices, payments or a bank statement",
    )
    from huikuan.imports.command import add_arguments

    add_arguments(p)

    p = add("daily", cmd_daily, "the daily run: every open receivable, worklists, KPIs (DESIGN §2)")
    p.add_argument("--as-of", help="evaluate as of this date (YYYY-MM-DD; default today)")
    p.add_argument("--json", metavar="FILE", help="write the result as JSON (FORMATS.md)")
    p.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
    p.set_defaults(quick_exit=True)

    p = add("predict", cmd_predict, "payment-date prediction: train on the database, evaluate on a file")
    from huikuan.prediction.command import add_arguments as add_predict_arguments

    add_predict_arguments(p)

    p = add("report", cmd_report, "export a report of the latest daily run (xlsx or csv)")
    p.add_argument("kind", choices=["aging", "statutory-aging", "commission", "worklist"])
    p.add_argument("--out", required=True, help="FILE.xlsx or FILE.csv")
    p.add_argument("--as-of", help="the run's date (default: the latest finished run)")
    p.add_argument("--month", help="commission month YYYY-MM (default: the run's month)")

    from huikuan.letters.command import add_evidence_arguments, add_letter_arguments

    p = add("letter", cmd_letter, "Word/PDF letters: confirmation, dunning, plan, lawyer (FORMATS.md)")
    add_letter_arguments(p)
    p = add("evidence", cmd_evidence, "F5 evidence bundle for a customer or contract (zip)")
    add_evidence_arguments(p)

    p = add("token", cmd_token, "API tokens for users and integrations: create (printed once), revoke, list")
    from huikuan.api.cli import add_token_arguments

    add_token_arguments(p)

    from huikuan.backup.command import add_backup_arguments, add_restore_arguments

    p = add(
        "backup", cmd_backup, "back up the database and uploaded documents to one file (manifest, checksums)"
    )
    add_backup_arguments(p)
    p = add("restore", cmd_restore, "restore a backup file into an empty instance")
    add_restore_arguments(p)

    p = add("privacy", cmd_privacy, "personal data (PIPL): export or erase one contact, purge old notes")
    from huikuan.privacy.command import add_arguments as add_privacy_arguments

    add_privacy_arguments(p)

    p = add("demo", cmd_demo, "set up the demo (database, portfolio, users) and serve it")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true", help="prepare only")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    return run(build_parser().parse_args(argv))


def run(args: argparse.Namespace) -> int:
    setup_django()
    from django.db import DatabaseError

    from huikuan.ledger.services import LedgerError

    try:
        result: Any = args.func(args)
    except (CommandError, LedgerError) as exc:
        print(f"huikuan {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    except DatabaseError:
        # A database from before an upgrade (or never set up) fails with "no such column/table".
        if args.command != "init" and _migrations_pending():
            print(
                f"huikuan {args.command}: 数据库结构不是当前版本，请先运行 huikuan init（会保留数据并升级结构）。"
                " / The database is not up to date: run `huikuan init` first (it keeps the data).",
                file=sys.stderr,
            )
            return EXIT_BAD_INPUT
        raise
    return int(result or 0)


def _migrations_pending() -> bool:
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    try:
        executor = MigrationExecutor(connection)
        return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))
    except DatabaseError:
        return True


def entry() -> None:
    """The `huikuan` program. A command marked ``quick_exit`` that succeeded ends the process as soon
    as its work is committed and its output flushed: tearing the interpreter down after a daily run
    (every module, the frames' memory) only makes the user wait longer for the prompt."""
    args = build_parser().parse_args()
    code = run(args)
    if code == EXIT_OK and getattr(args, "quick_exit", False):
        _quick_exit(code)
    sys.exit(code)


def _quick_exit(code: int) -> None:
    import logging

    from django.db import connections

    connections.close_all()  # SQLite checkpoints its write-ahead log on close; PostgreSQL sees a clean end
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    entry()
