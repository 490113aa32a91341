"""Who is calling: a token's principal, its scopes, and the same row-level rules as the web.

A user token acts as its user: it sees what the user sees (huikuan.accounts.access) and may change
only what the user's role may change (the role's Django permissions). An integration token sees the
whole company but only through its scopes: with only ``credit-status`` it reads nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja.security import HttpBearer

from huikuan.accounts.access import owners_visible_to, scope_queryset
from huikuan.api.errors import ApiError
from huikuan.api.models import ApiToken
from huikuan.api.tokens import find_token


@dataclass(frozen=True)
class Principal:
    token: ApiToken
    user: Any  # huikuan.accounts.models.User, or None for an integration
    scopes: frozenset[str]

    @property
    def actor(self) -> Any:
        """Who the use-case functions record (None = the system, for integrations)."""
        return self.user

    @property
    def sees_everything(self) -> bool:
        return self.user is None or bool(self.user.sees_everything)

    @property
    def label(self) -> str:
        return self.token.principal


class TokenAuth(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Principal | None:
        found = find_token(token)
        if found is None:
            return None
        return Principal(found, found.user, frozenset(found.scopes))


def principal(request: HttpRequest) -> Principal:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def need(request: HttpRequest, *scopes: str, perm: str | None = None, user_only: bool = False) -> Principal:
    """The caller, if its token has one of ``scopes`` (and its user the Django permission ``perm``)."""
    who = principal(request)
    if not who.scopes.intersection(scopes):
        raise ApiError(403, "scope_missing", f"令牌没有所需的权限范围：{' 或 '.join(scopes)}")
    if who.user is None and user_only:
        raise ApiError(403, "user_token_required", "此操作须使用个人令牌（记录到具体的销售人员）")
    if who.user is not None and perm is not None and not who.user.has_perm(perm):
        raise ApiError(403, "permission_denied", "当前用户的角色无权执行此操作")
    return who


def scoped(queryset: QuerySet, who: Principal) -> QuerySet:
    """``queryset`` narrowed to the rows the caller may see."""
    if who.user is None:
        return queryset
    return scope_queryset(queryset, who.user)


def visible_owner_ids(who: Principal) -> set[int] | None:
    """Ids of the users whose portfolio the caller sees; None means everybody's."""
    if who.user is None:
        return None
    owners = owners_visible_to(who.user)
    return None if owners is None else set(owners.values_list("pk", flat=True))
