"""回款目标: set a salesperson's or a team's collection target for a month.

Who may set what (DESIGN §2 "Collection target"; issue 6 "set by the manager"):

- a sales manager: the salespeople of the teams they manage, and those teams;
- an admin (or superuser): anyone and any team;
- nobody else (finance reads targets, it does not set them).

``set_target`` creates or replaces the target of that month in one transaction, with the row
locked, and writes one audit entry with the amount before and after. Raises ``TargetError`` with
a message safe to show.

>>> first_of_month(date(2026, 5, 20))
datetime.date(2026, 5, 1)
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from huikuan.accounts.models import Role, Team, User
from huikuan.audit.log import log_action
from huikuan.collection.models import CollectionTarget
from huikuan.core.money import ZERO, AmountError, parse_amount
from huikuan.ledger.services import LedgerError

MAX_TARGET = Decimal("99999999999999.99")


class TargetError(LedgerError):
    """A target that cannot be set; the message is safe to show (Chinese)."""


def first_of_month(day: date) -> date:
    return day.replace(day=1)


def _is_admin(actor: Any) -> bool:
    return bool(getattr(actor, "is_superuser", False) or getattr(actor, "role", None) == Role.ADMIN)


def _active(actor: Any) -> bool:
    return bool(getattr(actor, "is_authenticated", False) and getattr(actor, "is_active", False))


def can_set_targets(actor: Any) -> bool:
    """Whether ``actor`` may set any target at all (managers and admins)."""
    return _active(actor) and (_is_admin(actor) or getattr(actor, "role", None) == Role.MANAGER)


def settable_teams(actor: Any) -> QuerySet[Team]:
    """The teams whose target ``actor`` may set."""
    if not can_set_targets(actor):
        return Team.objects.none()
    if _is_admin(actor):
        return Team.objects.all()
    return Team.objects.filter(managers=actor)


def settable_users(actor: Any) -> QuerySet[User]:
    """The salespeople whose target ``actor`` may set."""
    if not can_set_targets(actor):
        return User.objects.none()
    people = User.objects.filter(is_active=True, role=Role.SALESPERSON)
    if _is_admin(actor):
        return people
    return people.filter(team__managers=actor).distinct()


def _amount(value: Decimal | str) -> Decimal:
    try:
        amount = parse_amount(value)
    except AmountError as exc:
        raise TargetError(f"目标金额无法识别：{value}", "target_amount_invalid") from exc
    if amount < ZERO:
        raise TargetError("目标金额不能为负数", "target_negative")
    if amount > MAX_TARGET:
        raise TargetError("目标金额过大", "target_too_large")
    return amount


def set_target(
    actor: Any,
    month: date,
    amount: Decimal | str,
    *,
    user: User | None = None,
    team: Team | None = None,
) -> CollectionTarget:
    """Set the target of ``user`` or ``team`` (exactly one) for ``month`` (any day of it)."""
    if (user is None) == (team is None):
        raise TargetError("请选择一位销售或一个团队", "target_subject")
    if not can_set_targets(actor):
        raise TargetError("只有销售经理和管理员可以设置回款目标", "not_allowed")
    if user is not None and not settable_users(actor).filter(pk=user.pk).exists():
        raise TargetError("只能为自己团队的销售设置目标", "user_not_in_team")
    if team is not None and not settable_teams(actor).filter(pk=team.pk).exists():
        raise TargetError("只能为自己管理的团队设置目标", "team_not_managed")
    value = _amount(amount)
    month = first_of_month(month)
    subject = {"user": user} if user is not None else {"team": team}
    with transaction.atomic():
        target = CollectionTarget.objects.select_for_update().filter(month=month, **subject).first()
        before = str(target.amount) if target is not None else None
        if target is None:
            target = CollectionTarget.objects.create(month=month, amount=value, **subject)
        elif target.amount != value:
            target.amount = value
            target.save(update_fields=["amount", "updated_at"])
        log_action(
            "collection.target.set",
            actor=actor,
            obj=target,
            data={
                "month": month.isoformat(),
                "user_id": user.pk if user is not None else None,
                "team_id": team.pk if team is not None else None,
                "before": before,
                "after": str(value),
            },
        )
    return target
