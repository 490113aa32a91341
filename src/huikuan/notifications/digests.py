"""What the morning digests say, from the latest finished daily run (no sending here).

- salesperson: today's actions (action date on or before the run's day), in worklist order;
- manager: the team's status per salesperson (open, overdue, collected this month against target),
  promises broken in the last week, and limitation alerts (expiring within 90 days or expired).

A digest is plain data — a title and sections of lines — that `formats` renders per platform.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q

from huikuan.accounts.models import Role, User
from huikuan.analytics.models import DailyRun
from huikuan.collection.models import Promise, PromiseStatus
from huikuan.core.reasons import registry
from huikuan.ledger.models import Customer, Receivable

MAX_LINES = 15
LIMITATION_ALERT_DAYS = 90
BROKEN_PROMISE_DAYS = 7


@dataclass
class Digest:
    kind: str  # DigestKind value
    user_id: int
    title: str
    sections: list[tuple[str, list[str]]] = field(default_factory=list)
    link: str = ""

    def as_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "sections": [[h, lines] for h, lines in self.sections],
            "link": self.link,
        }


def label(value: str) -> str:
    pair = registry().labels.get(value)
    return pair[0] if pair else value


def _link(path: str) -> str:
    base = os.environ.get("HUIKUAN_BASE_URL", "").rstrip("/")
    return f"{base}{path}" if base else ""


def _names(rows: list[Any]) -> tuple[dict[int, str], dict[int, str]]:
    customers = dict(Customer.objects.filter(pk__in={r.customer_id for r in rows}).values_list("pk", "name"))
    receivables = {
        pk: f"{number}#{seq}"
        for pk, number, seq in Receivable.objects.filter(pk__in={r.receivable_id for r in rows}).values_list(
            "pk", "contract__number", "sequence"
        )
    }
    return customers, receivables


def salesperson_digest(run: DailyRun, user: User) -> Digest | None:
    """Today's actions for ``user``; None when there is nothing to do today."""
    due = (
        run.statuses()
        .filter(owner_id=user.pk, action_on__lte=run.as_of)
        .exclude(action_kind__in=["", "none"])
        .order_by("rank")
    )
    total = due.count()
    if not total:
        return None
    rows = list(due[:MAX_LINES])
    customers, receivables = _names(rows)
    lines = []
    for row in rows:
        who = f"（{label(row.contact_role)}）" if row.contact_role else ""
        overdue = f"，逾期 {row.days_overdue} 天" if row.days_overdue > 0 else ""
        lines.append(
            f"{row.rank}. {customers.get(row.customer_id, '')} {receivables.get(row.receivable_id, '')}："
            f"未收 {row.open} {row.currency}{overdue} → {label(row.action_kind)}{who}，策略：{label(row.strategy)}"
        )
    if total > len(rows):
        lines.append(f"……另有 {total - len(rows)} 项，请在工作清单中查看")
    name = user.display_name or user.username
    return Digest(
        kind="salesperson",
        user_id=user.pk,
        title=f"{name}：{run.as_of:%Y-%m-%d} 今日回款待办 {total} 项",
        sections=[("今日待办（按优先级）", lines)],
        link=_link("/"),
    )


def team_members(manager: User) -> list[User]:
    return list(
        User.objects.filter(team__managers=manager, is_active=True)
        .exclude(pk=manager.pk)
        .order_by("username")
    )


def manager_digest(run: DailyRun, manager: User) -> Digest | None:
    """The team's status, broken promises and limitation alerts; None for a manager without a team."""
    members = team_members(manager)
    if not members:
        return None
    by_owner: dict[str, dict[str, Any]] = run.summary.get("kpis", {}).get("by_owner", {})
    status_lines = []
    for member in members:
        k = by_owner.get(member.username)
        name = member.display_name or member.username
        if k is None:
            status_lines.append(f"{name}：无未收应收")
            continue
        target = f" / 目标 {k['target_month']}" if k.get("target_month") else ""
        status_lines.append(
            f"{name}：未收 {k['amount_open']}，逾期 {k['amount_overdue']}，本月回款 {k['collected_month']}{target}"
        )
    owner_ids = [m.pk for m in members] + [manager.pk]
    team_customers = Customer.objects.filter(Q(owner_id__in=owner_ids) | Q(contracts__owner_id__in=owner_ids))
    broken = (
        Promise.objects.filter(
            customer__in=team_customers.values("pk"),
            status=PromiseStatus.BROKEN,
            decided_on__gt=run.as_of - timedelta(days=BROKEN_PROMISE_DAYS),
            decided_on__lte=run.as_of,
        )
        .select_related("customer")
        .order_by("-decided_on", "pk")
    )
    broken_lines = [
        f"{p.customer.name}：承诺 {p.promised_on:%m-%d} 付 {p.amount}，已付 {p.kept_amount}"
        for p in broken[:MAX_LINES]
    ]
    alerts = (
        run.statuses()
        .filter(
            owner_id__in=owner_ids,
            limitation_expires_on__lte=run.as_of + timedelta(days=LIMITATION_ALERT_DAYS),
        )
        .order_by("limitation_expires_on", "receivable_id")
    )
    alert_rows = list(alerts[:MAX_LINES])
    customers, receivables = _names(alert_rows)
    alert_lines = [
        _alert(
            run.as_of,
            r.limitation_expires_on,
            customers.get(r.customer_id, ""),
            receivables.get(r.receivable_id, ""),
            r.open,
        )
        for r in alert_rows
    ]
    name = manager.display_name or manager.username
    return Digest(
        kind="manager",
        user_id=manager.pk,
        title=f"{name}：{run.as_of:%Y-%m-%d} 团队回款日报",
        sections=[
            ("团队状态", status_lines),
            (f"近 {BROKEN_PROMISE_DAYS} 天未兑现的承诺（{broken.count()}）", broken_lines or ["无"]),
            (f"诉讼时效提醒（{alerts.count()}）", alert_lines or ["无"]),
        ],
        link=_link("/"),
    )


def _alert(as_of: date, expires: date | None, customer: str, receivable: str, amount: Any) -> str:
    if expires is None:
        return f"{customer} {receivable}"
    if expires < as_of:
        return f"{customer} {receivable}：诉讼时效已于 {expires} 届满（未收 {amount}），请争取重新确认"
    return (
        f"{customer} {receivable}：诉讼时效 {expires} 届满，还剩 {(expires - as_of).days} 天（未收 {amount}）"
    )


def digests_for(run: DailyRun) -> list[Digest]:
    """Every digest of the morning: each active salesperson's and each active manager's."""
    out: list[Digest] = []
    for user in User.objects.filter(is_active=True, role__in=[Role.SALESPERSON, Role.MANAGER]).order_by("pk"):
        digest = salesperson_digest(run, user) if user.role == Role.SALESPERSON else manager_digest(run, user)
        if digest is not None:
            out.append(digest)
        if user.role == Role.MANAGER:  # a manager who also sells gets their own list too
            own = salesperson_digest(run, user)
            if own is not None:
                out.append(own)
    return out
