"""知己知彼 completeness across the open portfolio, from the readiness gaps the daily run found.

The run decides each open receivable's gaps (`huikuan.core.readiness`) and stores them as keys in
its status rows (``gap_key``, decoded by ``summary["codes"]["gaps"]``). A contract lacks acceptance
terms when one of its open receivables has the gap ``missing_acceptance_terms``; a customer lacks a
payer or a book-close day likewise — so the dashboard counts exactly what the worklist warns about.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise as LazyText
from django.utils.translation import gettext_lazy as _

from huikuan.accounts.access import visible_contracts, visible_customers
from huikuan.analytics.models import DailyRun
from huikuan.web.areas.dashboards.data import scoped_statuses
from huikuan.web.areas.dashboards.scope import Scope


@dataclass(frozen=True)
class Check:
    key: str  # the URL name's suffix
    gap: str  # the readiness gap code
    level: str  # "contract" or "customer"
    label: LazyText  # what is missing
    title: LazyText  # the drill-down list's title


CHECKS = (
    Check("acceptance", "missing_acceptance_terms", "contract", _("验收条款"), _("缺验收条款的合同")),
    Check("payment_terms", "missing_payment_terms", "contract", _("付款条件"), _("缺付款条件的合同")),
    Check("payer", "missing_payer", "customer", _("付款责任人"), _("缺付款责任人的客户")),
    Check("decision_maker", "missing_decision_maker", "customer", _("决策人"), _("缺决策人的客户")),
    Check("book_close", "unknown_book_close_day", "customer", _("扎账日"), _("扎账日未知的客户")),
)
BY_KEY = {c.key: c for c in CHECKS}


def gap_keys(run: DailyRun, code: str) -> list[int]:
    """The run's gap-list keys that contain ``code``."""
    gaps = run.summary.get("codes", {}).get("gaps", {})
    return [int(key) for key, items in gaps.items() if any(item[0] == code for item in items)]


def _ids(run: DailyRun, scope: Scope, check: Check, gap: bool) -> Any:
    rows = scoped_statuses(run, scope)
    if gap:
        rows = rows.filter(gap_key__in=gap_keys(run, check.gap))
    field = "receivable__contract_id" if check.level == "contract" else "customer_id"
    return rows.values_list(field, flat=True).distinct().order_by()


def summary(run: DailyRun, scope: Scope) -> list[dict[str, Any]]:
    """Per check: how many contracts/customers of the open portfolio lack it, of how many."""
    totals = {
        level: _ids(run, scope, next(c for c in CHECKS if c.level == level), gap=False).count()
        for level in ("contract", "customer")
    }
    return [
        {
            "check": check,
            "missing": _ids(run, scope, check, gap=True).count(),
            "total": totals[check.level],
        }
        for check in CHECKS
    ]


def drill_down(run: DailyRun, scope: Scope, user: Any, check: Check) -> Any:
    """The contracts or customers lacking ``check`` (through the access rules, so only the user's)."""
    ids = _ids(run, scope, check, gap=True)
    if check.level == "contract":
        return (
            visible_contracts(user)
            .filter(pk__in=ids)
            .select_related("customer", "owner")
            .order_by("customer__name", "number")
        )
    return visible_customers(user).filter(pk__in=ids).select_related("owner").order_by("name")
