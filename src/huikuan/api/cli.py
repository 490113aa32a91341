"""`huikuan token create|revoke|list`: API tokens for users and integrations (the token is printed once)."""

from __future__ import annotations

import argparse

SCOPES_HELP = (
    "read, write, payments, credit-status, exposures"  # huikuan.api.models.Scope (no model import here)
)


def add_token_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="token_command", metavar="ACTION", required=True)
    create = sub.add_parser("create", help="create a token and print it once")
    owner = create.add_mutually_exclusive_group(required=True)
    owner.add_argument("--user", help="username: the token sees what this user sees")
    owner.add_argument("--integration", help="integration name, e.g. ERP (company-wide, limited by scopes)")
    create.add_argument(
        "--scopes",
        required=True,
        help=f"comma-separated: {SCOPES_HELP}",
    )
    create.add_argument("--name", default="", help="a label for the token (default: the owner)")
    revoke = sub.add_parser("revoke", help="revoke a token by its prefix (the part after hk_)")
    revoke.add_argument("prefix")
    sub.add_parser("list", help="list tokens (never the secrets)")


def run_token(args: argparse.Namespace) -> int:
    from huikuan.accounts.models import User
    from huikuan.api.models import ApiToken
    from huikuan.api.tokens import create_token, revoke_token
    from huikuan.cli import CommandError

    if args.token_command == "create":
        user = None
        if args.user:
            user = User.objects.filter(username=args.user).first()
            if user is None:
                raise CommandError(f"用户不存在：{args.user}")
        token, clear = create_token(
            scopes=args.scopes.split(","),
            user=user,
            integration=args.integration or "",
            name=args.name,
            created_by="cli",
        )
        print(clear)
        print(
            f"# {token.name} ({token.prefix}) scopes={','.join(token.scopes)} — 令牌只显示这一次，请妥善保存"
        )
        return 0
    if args.token_command == "revoke":
        token = revoke_token(args.prefix.removeprefix("hk_").split("_")[0], by="cli")
        print(f"已吊销 {token.name} ({token.prefix})")
        return 0
    for token in ApiToken.objects.select_related("user").order_by("created_at"):
        owner = token.user.username if token.user else f"integration:{token.integration}"
        state = "revoked" if token.revoked_at else "active"
        used = token.last_used_at.isoformat(timespec="seconds") if token.last_used_at else "-"
        print(f"{token.prefix}\t{state}\t{owner}\t{','.join(token.scopes)}\t{token.name}\tlast used {used}")
    return 0
