"""催款活动: record what happened with a customer, and the promises it produced (E5).

One call records one contact (call, visit, letter, e-mail, WeCom/DingTalk message, meeting) about a
receivable: the channel, whom we spoke to, the outcome, notes, the signals the debt-nature rules read
(D1: evasion, refusing to stamp, denying the debt, paying others), the D7 stages of a meeting, the
next step's date, and any promises (one, or several instalments), each a pending `Promise` linked to
the receivable. Everything is written in one transaction with one audit entry per object; the daily
run (and `huikuan.analytics.customer.customer_statuses`) then reads the new facts — a pending
promise pauses dunning of its receivable until its date.

Raises `ActivityError` (a `LedgerError`, message in Chinese) for anything the user must correct.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from huikuan.accounts.access import visible_contracts
from huikuan.audit.log import log_action, snapshot
from huikuan.collection.models import Activity, Channel, Outcome, Promise, PromiseStatus, Strategy
from huikuan.core.money import ZERO, cents
from huikuan.ledger.models import Contact, Receivable
from huikuan.ledger.services import LedgerError
from huikuan.ledger.services.balances import open_amounts

SIGNALS = ("evasion", "refused_to_stamp", "denied_debt", "pays_others")
STAGES = ("stage_opening", "stage_topic", "stage_bargaining", "stage_actions", "stage_follow_up")
MAX_INSTALMENTS = 12


class ActivityError(LedgerError):
    """An activity that cannot be recorded; the message is safe to show (Chinese)."""


@dataclass(frozen=True, slots=True)
class PromiseInput:
    """A promise to pay ``amount`` by ``on`` (one instalment when there are several)."""

    amount: Decimal
    on: date


@dataclass(frozen=True)
class ActivityInput:
    """What the salesperson tells us about one contact with the customer."""

    channel: str
    contact: Contact | None = None
    outcome: str = ""
    notes: str = ""
    strategy: str = ""
    signals: frozenset[str] = frozenset()
    stages: dict[str, str] = field(default_factory=dict)
    promises: Sequence[PromiseInput] = ()
    next_action_on: date | None = None
    occurred_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class Logged:
    activity: Activity
    promises: tuple[Promise, ...]


def _check(actor: Any, receivable: Receivable, data: ActivityInput, today: date) -> None:
    if not visible_contracts(actor).filter(pk=receivable.contract_id).exists():
        raise ActivityError("无权记录这笔应收款的跟进", "not_visible")
    if data.channel not in Channel.values:
        raise ActivityError("请选择沟通方式", "channel_required")
    if data.outcome and data.outcome not in Outcome.values:
        raise ActivityError("沟通结果无效", "outcome_invalid")
    if data.strategy and data.strategy not in Strategy.values:
        raise ActivityError("策略无效", "strategy_invalid")
    unknown = set(data.signals) - set(SIGNALS)
    if unknown:
        raise ActivityError("无效的欠款性质信号", "signal_invalid")
    if set(data.stages) - set(STAGES):
        raise ActivityError("无效的面谈阶段", "stage_invalid")
    if data.stages and data.channel != Channel.MEETING:
        raise ActivityError("只有面谈记录包含五个阶段", "stages_need_meeting")
    contact = data.contact
    if contact is not None and (contact.customer_id != receivable.contract.customer_id or contact.erased_at):
        raise ActivityError("联系人不属于该客户", "contact_not_of_customer")
    if data.occurred_at is not None and data.occurred_at > timezone.now():
        raise ActivityError("沟通时间不能晚于现在", "occurred_in_future")
    if data.next_action_on is not None and data.next_action_on < today:
        raise ActivityError("下次跟进日期不能早于今天", "next_action_in_past")
    if len(data.promises) > MAX_INSTALMENTS:
        raise ActivityError(f"一次最多记录 {MAX_INSTALMENTS} 期承诺", "too_many_instalments")
    total = ZERO
    for promise in data.promises:
        if promise.amount is None or cents(promise.amount) <= ZERO:
            raise ActivityError("承诺金额必须大于零", "promise_amount_positive")
        if promise.on < today:
            raise ActivityError("承诺付款日期不能早于今天", "promise_in_past")
        total += cents(promise.amount)
    if data.promises:
        open_now = open_amounts([receivable.pk])[receivable.pk]
        if total > open_now:
            raise ActivityError(f"承诺金额合计 {total} 超过未收余额 {open_now}", "promise_over_open")


def log_activity(
    actor: Any, receivable: Receivable, data: ActivityInput, *, today: date | None = None
) -> Logged:
    """Record one contact about ``receivable`` and its promises, atomically and audited.

    ``today`` is the day promises and the next step are checked against (default: the local date).
    """
    today = today or timezone.localdate()
    receivable = Receivable.objects.select_related("contract").get(pk=receivable.pk)
    _check(actor, receivable, data, today)
    customer_id = receivable.contract.customer_id
    outcome = data.outcome or (Outcome.PROMISED if data.promises else "")
    with transaction.atomic():
        activity = Activity.objects.create(
            customer_id=customer_id,
            contract_id=receivable.contract_id,
            contact=data.contact,
            user=actor if getattr(actor, "is_authenticated", False) else None,
            channel=data.channel,
            occurred_at=data.occurred_at or timezone.now(),
            strategy=data.strategy,
            outcome=outcome,
            notes=data.notes.strip(),
            next_action_on=data.next_action_on,
            **{name: name in data.signals for name in SIGNALS},
            **{name: text.strip() for name, text in data.stages.items()},
        )
        activity.receivables.add(receivable)
        log_action(
            "collection.activity.logged",
            actor=actor,
            obj=activity,
            data={"after": snapshot(activity), "receivables": [receivable.pk]},
            customer_id=customer_id,
        )
        promises = []
        several = len(data.promises) > 1
        for n, item in enumerate(sorted(data.promises, key=lambda p: p.on), start=1):
            promise = Promise.objects.create(
                customer_id=customer_id,
                amount=cents(item.amount),
                promised_on=item.on,
                contact=data.contact,
                activity=activity,
                sequence=n if several else None,
                status=PromiseStatus.PENDING,
            )
            promise.receivables.add(receivable)
            log_action(
                "collection.promise.created",
                actor=actor,
                obj=promise,
                data={"after": snapshot(promise), "receivables": [receivable.pk], "activity": activity.pk},
                customer_id=customer_id,
            )
            promises.append(promise)
    return Logged(activity, tuple(promises))
