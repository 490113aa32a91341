"""Payments (回款) with their allocations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema

from huikuan.api.common import (
    Currency,
    Day,
    Id,
    In,
    MoneyOut,
    PageParams,
    PositiveMoney,
    Text100,
    Text200,
    Text500,
)

Method = Literal["transfer", "bank_bill", "commercial_bill", "digital_voucher", "offset", "goods", "cash"]


class AllocationOut(Schema):
    id: int
    receivable_id: int
    amount: MoneyOut
    automatic: bool
    reversal_of_id: int | None


class PaymentOut(Schema):
    id: int
    customer_id: int
    paid_on: date
    amount: MoneyOut
    currency: str
    method: str
    payer_name: str
    payer_account: str
    reference: str
    memo: str
    named_contract_id: int | None
    bill_number: str
    bill_acceptor: str
    bill_maturity: date | None
    reversal_of_id: int | None
    allocations: list[AllocationOut]
    unallocated: MoneyOut
    created_at: datetime


class AllocationLine(In):
    receivable_id: Id
    amount: PositiveMoney


class PaymentIn(In):
    customer_id: Id | None = Field(None, description="客户 id（或用 customer_code）")
    customer_code: Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[^\x00-\x1f]*$")] | None = (
        None
    )
    paid_on: Day
    amount: PositiveMoney
    currency: Currency = "CNY"
    method: Method = "transfer"
    payer_name: Text200 = ""
    payer_account: Annotated[str, Field(max_length=40, pattern=r"^[^\x00-\x1f]*$")] = ""
    reference: Text100 = Field("", description="银行流水号：同一客户同一流水号只登记一次")
    memo: Text500 = ""
    named_contract_id: Id | None = None
    bill_number: Annotated[str, Field(max_length=60, pattern=r"^[^\x00-\x1f]*$")] = ""
    bill_acceptor: Text200 = ""
    bill_maturity: Day | None = None
    allocate: bool = Field(True, description="未给出 allocations 时按默认顺序自动核销")
    allocations: list[AllocationLine] | None = Field(None, max_length=200, description="手工核销明细")


class ReverseIn(In):
    on: Day
    reason: Annotated[str, Field(min_length=1, max_length=500, pattern=r"^[^\x00-\x1f]*$")]


class PaymentFilter(PageParams):
    customer: Id | None = None
    owner: Id | None = None
    paid_from: Day | None = None
    paid_to: Day | None = None
    reference: Text100 | None = None
