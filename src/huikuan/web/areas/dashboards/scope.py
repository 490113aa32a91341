"""Whose figures a dashboard may show, and money of the run's rows in the base currency.

A manager sees the salespeople of the teams they manage (and themselves), finance and admin
everybody, a salesperson only themselves — the same rule as `huikuan.accounts.access`, applied to
the run's per-salesperson figures (keyed by username in ``DailyRun.summary``) and status rows
(keyed by ``owner_id``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils.translation import gettext as _

from huikuan.accounts.access import owners_visible_to
from huikuan.accounts.models import Role, Team, User
from huikuan.core.analytics.summary import UNASSIGNED
from huikuan.ledger.models import CompanySettings, ExchangeRate

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Scope:
    everything: bool
    owner_ids: frozenset[int]  # empty when ``everything``
    usernames: frozenset[str]
    team_names: frozenset[str] | None  # None: every team
    names: dict[str, str]  # username → name to show

    def sees(self, username: str) -> bool:
        return self.everything or username in self.usernames

    def name(self, username: str | None) -> str:
        if username in (None, UNASSIGNED):
            return _("未分配")
        return self.names.get(username, username)


def scope_of(user: Any) -> Scope:
    owners = owners_visible_to(user)
    if owners is None:
        people = dict(User.objects.values_list("username", "display_name"))
        return Scope(True, frozenset(), frozenset(people), None, _names(people))
    rows = list(owners.values_list("pk", "username", "display_name"))
    teams: frozenset[str] = frozenset()
    if getattr(user, "role", None) == Role.MANAGER:
        teams = frozenset(Team.objects.filter(managers=user).values_list("name", flat=True))
    return Scope(
        False,
        frozenset(pk for pk, _u, _d in rows),
        frozenset(u for _pk, u, _d in rows),
        teams,
        _names({u: d for _pk, u, d in rows}),
    )


def _names(people: dict[str, str]) -> dict[str, str]:
    return {username: display or username for username, display in people.items()}


def usernames_by_id(ids: set[int | None]) -> dict[int | None, str]:
    found: dict[int | None, str] = dict(
        User.objects.filter(pk__in=[i for i in ids if i is not None]).values_list("pk", "username")
    )
    found[None] = UNASSIGNED
    return found


class BaseMoney:
    """Amounts in a currency → the base currency at the last rate on or before ``as_of`` (the run's
    rule); a currency without a rate is left out of totals and named in ``missing``."""

    def __init__(self, as_of: date) -> None:
        self.base = CompanySettings.current().base_currency
        self.rates: dict[str, Decimal] = {}
        for currency, rate in (
            ExchangeRate.objects.filter(effective_on__lte=as_of)
            .order_by("currency", "effective_on")
            .values_list("currency", "rate_to_base")
        ):
            self.rates[currency] = rate
        self.missing: set[str] = set()

    def rate(self, currency: str) -> Decimal | None:
        if currency == self.base:
            return Decimal(1)
        return self.rates.get(currency)

    def convert(self, amount: Decimal, currency: str) -> Decimal:
        rate = self.rate(currency)
        if rate is None:
            self.missing.add(currency)
            return Decimal("0.00")
        return (amount * rate).quantize(CENT, rounding=ROUND_HALF_UP)
