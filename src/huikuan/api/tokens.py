"""Creating, finding and revoking API tokens (the CLI and the admin call these).

A token reads ``hk_<prefix>_<secret>``: the prefix finds the row, the SHA-256 of the whole token
must match the stored digest (compared in constant time).

>>> token = "hk_abcd1234_" + "x" * 43
>>> parse(token)
'abcd1234'
>>> parse("Bearer nonsense") is None
True
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from huikuan.api.models import ApiToken, Scope
from huikuan.audit.log import log_action
from huikuan.ledger.services import LedgerError

TOKEN_RE = re.compile(r"^hk_([a-z0-9]{8})_([A-Za-z0-9_-]{20,100})$")
TOUCH_EVERY = timedelta(minutes=5)  # last_used_at is refreshed at most this often (no write per request)


class TokenError(LedgerError):
    """A token that cannot be created or revoked; the message is safe to show."""


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def parse(token: str) -> str | None:
    """The prefix of a well-formed token, else None."""
    match = TOKEN_RE.match(token.strip())
    return match.group(1) if match else None


def check_scopes(scopes: Iterable[str]) -> list[str]:
    wanted = sorted({s.strip() for s in scopes if s.strip()})
    unknown = [s for s in wanted if s not in Scope.values]
    if unknown:
        raise TokenError(
            f"未知的权限范围：{', '.join(unknown)}（可选：{', '.join(Scope.values)}）", "bad_scope"
        )
    if not wanted:
        raise TokenError("至少需要一个权限范围", "no_scope")
    return wanted


def create_token(
    *, scopes: Iterable[str], user: Any = None, integration: str = "", name: str = "", created_by: str = ""
) -> tuple[ApiToken, str]:
    """A new token for ``user`` or ``integration``; returns the row and the clear token (shown once)."""
    if (user is None) == (not integration.strip()):
        raise TokenError("令牌必须属于一个用户或一个集成系统（二选一）", "owner_required")
    if user is not None and not user.is_active:
        raise TokenError("用户已停用", "inactive_user")
    wanted = check_scopes(scopes)
    with transaction.atomic():
        while True:
            prefix = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8))
            if not ApiToken.objects.filter(prefix=prefix).exists():
                break
        clear = f"hk_{prefix}_{secrets.token_urlsafe(32)}"
        token = ApiToken.objects.create(
            name=name or (user.username if user is not None else integration.strip()),
            prefix=prefix,
            hashed=digest(clear),
            user=user,
            integration=integration.strip(),
            scopes=wanted,
            created_by=created_by,
        )
        log_action(
            "api.token.created",
            data={"prefix": prefix, "owner": token.principal, "scopes": wanted, "by": created_by},
        )
    return token, clear


def revoke_token(prefix: str, *, by: str = "") -> ApiToken:
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().filter(prefix=prefix.strip()).first()
        if token is None:
            raise TokenError(f"令牌不存在：{prefix}", "token_missing")
        if token.revoked_at is None:
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            log_action("api.token.revoked", data={"prefix": token.prefix, "owner": token.principal, "by": by})
    return token


def find_token(clear: str) -> ApiToken | None:
    """The live token for ``clear`` (not revoked, its user active), or None."""
    prefix = parse(clear)
    if prefix is None:
        return None
    token = ApiToken.objects.select_related("user").filter(prefix=prefix, revoked_at__isnull=True).first()
    if token is None or not hmac.compare_digest(token.hashed, digest(clear.strip())):
        return None
    if token.user is not None and not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
