"""The `huikuan` command line (contract in FORMATS.md).

Exit status: 0 success, 1 bad input, 2 usage error.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
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
    from huikuan.demo.generate import generate

    result = generate(args.scale, seed=args.seed, progress=sys.stderr.isatty() and not args.quiet)
    print(result.summary())
    return EXIT_OK


def cmd_serve(args: argparse.Namespace) -> int:
    from huikuan.ops import serve

    serve(host=args.host, port=args.port, workers=args.workers)
    return EXIT_OK


def cmd_worker(args: argparse.Namespace) -> int:
    from huikuan.ops import run_worker

    run_worker(batch=args.batch, queues=args.queues)
    return EXIT_OK


def cmd_demo(args: argparse.Namespace) -> int:
    from huikuan.demo.setup import run_demo

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
    p.add_argument("--quiet", action="store_true")

    p = add("serve", cmd_serve, "serve the web application (gunicorn)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument(
        "--workers", type=int, default=None, help="worker processes (default: 2 × cores + 1, at most 9)"
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

    p = add("demo", cmd_demo, "set up the demo (database, portfolio, users) and serve it")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--no-serve", action="store_true", help="prepare only")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    setup_django()
    from huikuan.ledger.services import LedgerError

    try:
        result: Any = args.func(args)
    except (CommandError, LedgerError) as exc:
        print(f"huikuan {args.command}: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130
    return int(result or 0)


if __name__ == "__main__":
    sys.exit(main())
