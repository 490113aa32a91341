"""Customers, contacts, contracts and receivables as the API reads and writes them."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from ninja import Field, Schema

from huikuan.api.common import (
    Currency,
    Day,
    Id,
    In,
    LongText,
    Moment,
    Money,
    MoneyOut,
    Name200,
    PageParams,
    PositiveMoney,
    Text50,
    Text100,
    Text200,
)

CustomerType = Literal["government", "public_institution", "state_owned", "large", "sme", "other"]
RelationshipKind = Literal["strategic", "normal", "one_off"]
Funds = Literal["", "ample", "normal", "tight", "distressed"]
Role = Literal["decision_maker", "acceptor", "payer", "finance", "other"]
MilestoneKind = Literal["advance", "delivery", "acceptance", "retention", "other"]
Trigger = Literal["signing", "delivery", "acceptance", "invoice", "warranty_end", "date"]
ContractStatus = Literal["active", "completed", "split", "cancelled"]
CloseDay = Annotated[int, Field(ge=0, le=31, description="1–31；0 表示月末")]
Code = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[^\x00-\x1f]*$")]
Uscc = Annotated[str, Field(min_length=18, max_length=18, pattern=r"^[0-9A-Z]{18}$")]
Rate = Annotated[Decimal, Field(max_digits=10, decimal_places=6, ge=0)]


class CustomerOut(Schema):
    id: int
    code: str | None
    name: str
    uscc: str | None
    group_id: int | None
    customer_type: str
    relationship: str
    owner_id: int | None
    needs_budget: bool | None
    budget_month: int | None
    invoice_before_payment: bool
    invoice_requirements: str
    book_close_day: int | None
    bank_name: str
    bank_close_day: int | None
    transfer_days: int | None
    funds_status: str
    credit_rating: str
    credit_limit: MoneyOut | None
    created_at: datetime
    updated_at: datetime


class CustomerFields(In):
    """Fields a client may set on a customer (all optional in a PATCH)."""

    code: Code | None = None
    uscc: Uscc | None = None
    customer_type: CustomerType | None = None
    relationship: RelationshipKind | None = None
    needs_budget: bool | None = None
    budget_month: Annotated[int, Field(ge=1, le=12)] | None = None
    invoice_before_payment: bool | None = None
    invoice_requirements: LongText | None = None
    book_close_day: CloseDay | None = None
    bank_name: Text100 | None = None
    bank_close_day: CloseDay | None = None
    transfer_days: Annotated[int, Field(ge=0, le=30)] | None = None
    funds_status: Funds | None = None
    credit_rating: Text50 | None = None
    credit_limit: Money | None = None


class CustomerIn(CustomerFields):
    name: Name200
    owner_id: Id | None = Field(None, description="默认：令牌所属用户")


class CustomerPatch(CustomerFields):
    name: Name200 | None = None


class CustomerFilter(PageParams):
    owner: Id | None = Field(None, description="销售（用户 id）")
    code: Code | None = None
    q: Text100 | None = Field(None, description="名称或编码包含")
    updated_since: Moment | None = None


class ContactOut(Schema):
    id: int
    customer_id: int
    name: str
    roles: list[str]
    title: str
    phone: str
    email: str
    availability: str
    erased: bool = Field(False)
    updated_at: datetime

    @staticmethod
    def resolve_erased(obj: object) -> bool:
        return getattr(obj, "erased_at", None) is not None


class ContactFields(In):
    roles: list[Role] | None = Field(None, max_length=5)
    title: Text50 | None = None
    phone: Annotated[str, Field(max_length=30, pattern=r"^[0-9+()\- ]*$")] | None = None
    email: (
        Annotated[str, Field(max_length=254, pattern=r"^$|^[^@\s\x00]+@[^@\s\x00]+\.[^@\s\x00]+$")] | None
    ) = None
    availability: Text200 | None = None


class ContactIn(ContactFields):
    customer_id: Id
    name: Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[^\x00-\x1f]*$")]


class ContactPatch(ContactFields):
    name: Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[^\x00-\x1f]*$")] | None = None


class ContactFilter(PageParams):
    customer: Id | None = None


class ContractOut(Schema):
    id: int
    customer_id: int
    number: str
    project_name: str
    spec: str
    quantity: Decimal | None
    amount: MoneyOut | None
    currency: str
    signed_on: date | None
    owner_id: int | None
    acceptance_standard: str
    acceptance_method: str
    payment_terms: str
    partial_payment_clause: bool
    suspension_clause: bool
    late_rate: Decimal | None
    late_rate_basis: str
    parent_id: int | None
    status: str
    updated_at: datetime


class ContractFields(In):
    project_name: Text200 | None = None
    spec: Text200 | None = None
    quantity: Annotated[Decimal, Field(max_digits=14, decimal_places=3, ge=0)] | None = None
    amount: PositiveMoney | None = None
    currency: Currency | None = None
    signed_on: Day | None = None
    acceptance_standard: LongText | None = None
    acceptance_method: LongText | None = None
    payment_terms: LongText | None = None
    partial_payment_clause: bool | None = None
    suspension_clause: bool | None = None
    late_rate: Rate | None = None
    late_rate_basis: Literal["", "per_day", "per_year"] | None = None


class ContractIn(ContractFields):
    customer_id: Id
    number: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]*$")]
    owner_id: Id | None = Field(None, description="默认：客户的销售")


class ContractFilter(PageParams):
    owner: Id | None = None
    customer: Id | None = None
    status: ContractStatus | None = None
    signed_from: Day | None = None
    signed_to: Day | None = None


class ReceivableOut(Schema):
    id: int
    contract_id: int
    customer_id: int
    sequence: int
    kind: str
    doc_no: str | None
    amount: MoneyOut
    open_amount: MoneyOut
    currency: str
    trigger_event: str
    trigger_offset_days: int
    recognised_on: date | None
    due_on: date
    budget_year: int | None
    dunning_days_overdue: int
    dunning_min_amount: MoneyOut
    pause_until: date | None
    pause_reason: str
    is_void: bool
    updated_at: datetime

    @staticmethod
    def resolve_customer_id(obj: object) -> int:
        return obj.contract.customer_id  # type: ignore[attr-defined,no-any-return]

    @staticmethod
    def resolve_open_amount(obj: object) -> Decimal:
        return getattr(obj, "open_amount", None) or Decimal("0.00")


class ReceivableFields(In):
    doc_no: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]*$")] | None = None
    recognised_on: Day | None = None
    due_on: Day | None = None
    budget_year: Annotated[int, Field(ge=1990, le=2200)] | None = None
    dunning_days_overdue: Annotated[int, Field(ge=-3650, le=3650)] | None = None
    dunning_min_amount: Money | None = None
    pause_until: Day | None = None
    pause_reason: Text200 | None = None


class ReceivableIn(ReceivableFields):
    contract_id: Id
    sequence: Annotated[int, Field(ge=1, le=999)] = 1
    kind: MilestoneKind = "other"
    amount: PositiveMoney
    currency: Currency | None = None
    trigger_event: Trigger = "date"
    trigger_offset_days: Annotated[int, Field(ge=-3650, le=3650)] = 0
    due_on: Day  # type: ignore[assignment]


class ReceivableFilter(PageParams):
    owner: Id | None = None
    customer: Id | None = None
    contract: Id | None = None
    status: Literal["open", "settled", "void", "all"] = "all"
    due_from: Day | None = None
    due_to: Day | None = None
