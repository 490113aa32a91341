"""Activities (催款活动) and promises (承诺)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from huikuan.api.common import Day, Id, In, LongText, Moment, MoneyOut, PageParams, PositiveMoney

Channel = Literal["call", "visit", "letter", "email", "im", "meeting"]
Outcome = Literal["", "answered", "no_answer", "promised", "paid", "refused", "dispute", "evaded"]
Strategy = Literal[
    "",
    "secure_limitation",
    "wait",
    "resolve_issue_first",
    "fix_gap",
    "secure_evidence",
    "escalate",
    "payment_plan",
    "timing",
    "exchange",
    "discount",
    "sympathy",
    "remind",
]
Signal = Literal["evasion", "refused_to_stamp", "denied_debt", "pays_others"]
Stage = Literal["stage_opening", "stage_topic", "stage_bargaining", "stage_actions", "stage_follow_up"]


class ActivityOut(Schema):
    id: int
    customer_id: int
    contract_id: int | None
    receivable_ids: list[int]
    contact_id: int | None
    user_id: int | None
    channel: str
    occurred_at: datetime
    strategy: str
    outcome: str
    notes: str
    signals: list[str]
    next_action_on: date | None

    @staticmethod
    def resolve_receivable_ids(obj: object) -> list[int]:
        return sorted(r.pk for r in obj.receivables.all())  # type: ignore[attr-defined]

    @staticmethod
    def resolve_signals(obj: object) -> list[str]:
        return [s for s in ("evasion", "refused_to_stamp", "denied_debt", "pays_others") if getattr(obj, s)]


class PromiseLine(In):
    amount: PositiveMoney
    on: Day


class ActivityIn(In):
    receivable_id: Id
    channel: Channel
    contact_id: Id | None = None
    outcome: Outcome = ""
    strategy: Strategy = ""
    notes: LongText = ""
    signals: list[Signal] = Field(default_factory=list, max_length=4)
    stages: dict[Stage, LongText] = Field(default_factory=dict)
    promises: list[PromiseLine] = Field(default_factory=list, max_length=12)
    next_action_on: Day | None = None
    occurred_at: Moment | None = None


class ActivityCreated(ActivityOut):
    promise_ids: list[int] = Field(default_factory=list)


class ActivityFilter(PageParams):
    customer: Id | None = None
    owner: Id | None = Field(None, description="记录人（用户 id）")
    since: Day | None = None
    until: Day | None = None


class PromiseOut(Schema):
    id: int
    customer_id: int
    receivable_ids: list[int]
    amount: MoneyOut
    promised_on: date
    contact_id: int | None
    activity_id: int | None
    plan_id: int | None
    sequence: int | None
    status: str
    kept_amount: MoneyOut
    decided_on: date | None
    written: bool

    @staticmethod
    def resolve_receivable_ids(obj: object) -> list[int]:
        return sorted(r.pk for r in obj.receivables.all())  # type: ignore[attr-defined]


class PromiseIn(In):
    receivable_id: Id
    amount: PositiveMoney
    promised_on: Day
    channel: Channel = Field(..., description="承诺是在哪次沟通中作出的")
    contact_id: Id | None = None
    notes: LongText = ""


class PromiseFilter(PageParams):
    customer: Id | None = None
    status: Literal["pending", "kept", "partly_kept", "broken"] | None = None
    due_from: Day | None = None
    due_to: Day | None = None


Limit = Annotated[int, Field(ge=1, le=500)]
