"""Results of the latest finished daily run: status rows, worklist, KPIs."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Schema

from huikuan.api.common import Id, MoneyOut, PageParams


class ReasonOut(Schema):
    code: str
    params: dict[str, Any]
    message: str


class GapOut(Schema):
    code: str
    severity: Literal["block", "warn"]


class StatusRowOut(Schema):
    receivable_id: int
    customer_id: int
    customer_name: str
    owner_id: int | None
    rank: int
    open: MoneyOut
    currency: str
    days_overdue: int
    bucket: str
    nature: str
    risk: float
    priority: float
    strategy: str
    action_kind: str
    action_on: date | None
    contact_role: str
    contact_id: int | None
    pause_until: date | None
    limitation_expires_on: date | None
    gaps: list[GapOut]
    rank_reasons: list[str]
    reasons: list[ReasonOut]


class WorklistFilter(PageParams):
    owner: Id | None = Field(None, description="销售（用户 id）；默认全部可见的")
    due_only: bool = Field(False, description="只列出今天或之前应做的动作")


class ResultFilter(PageParams):
    customer: Id | None = None
    owner: Id | None = None
    strategy: (
        Literal[
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
            "remind",
        ]
        | None
    ) = None
    overdue_only: bool = False


class RunOut(Schema):
    id: int
    as_of: date
    status: str
    started_at: datetime
    finished_at: datetime | None
    calendar_note: str
    totals: dict[str, Any] | None = Field(None, description="全公司合计（仅限可见全部客户的令牌）")
    aging: dict[str, Any] | None = None


class KpiOut(Schema):
    run_id: int
    as_of: date
    company: dict[str, Any] | None = Field(None, description="全公司 KPI（仅限可见全部客户的令牌）")
    by_owner: dict[str, dict[str, Any]]
    teams: dict[str, dict[str, Any]]
