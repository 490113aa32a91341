"""Credit status (F1/F2) and the ERP's exposure postings."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import model_validator

from huikuan.api.common import Currency, Day, Id, In, Money, MoneyOut, PageParams
from huikuan.api.schemas.analytics import ReasonOut

Code = Annotated[str, Field(min_length=1, max_length=50, pattern=r"^[^\x00-\x1f]*$")]
DocumentNo = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]*$")]


class SanctionOut(Schema):
    id: int
    kind: str
    since: date | None
    reason: str


class ExposureParts(Schema):
    total: MoneyOut = Field(..., description="计入额度检查的敞口合计（本位币）")
    receivables: MoneyOut
    orders: MoneyOut
    deliveries: MoneyOut
    counted: list[str]


class CreditStatusOut(Schema):
    customer_id: int
    customer_code: str | None
    customer_name: str
    as_of: date
    currency: str
    on_hold: bool
    blocked_documents: list[str] = Field(..., description="order / delivery / invoice / service")
    checked_documents: list[str]
    since: date | None
    reasons: list[ReasonOut]
    sanctions: list[SanctionOut]
    exposure: ExposureParts
    credit_limit: MoneyOut | None
    available: MoneyOut | None
    over_limit: bool
    order_amount: MoneyOut | None
    order_passes: bool | None


class CreditQuery(Schema):
    order_amount: Money | None = Field(None, description="拟下订单金额（本位币）")


class BulkItem(In):
    id: Id | None = None
    code: Code | None = None
    order_amount: Money | None = None

    @model_validator(mode="after")
    def one_key(self) -> BulkItem:
        if (self.id is None) == (self.code is None):
            raise ValueError("每项须给出 id 或 code 之一")
        return self


class BulkIn(In):
    items: list[BulkItem] = Field(..., min_length=1, max_length=500)


class BulkResult(Schema):
    id: int | None
    code: str | None
    found: bool
    status: CreditStatusOut | None
    error: str | None


class BulkOut(Schema):
    results: list[BulkResult]


class ExposureIn(In):
    customer_id: Id | None = None
    customer_code: Code | None = None
    kind: Literal["open_order", "uninvoiced_delivery"]
    document_no: DocumentNo
    amount: Money = Field(..., description="当前未结金额；0 表示已结清")
    currency: Currency = "CNY"
    document_date: Day | None = None
    is_open: bool = True

    @model_validator(mode="after")
    def one_customer(self) -> ExposureIn:
        if (self.customer_id is None) == (self.customer_code is None):
            raise ValueError("须给出 customer_id 或 customer_code 之一")
        return self


class ExposureBatch(In):
    items: list[ExposureIn] = Field(..., min_length=1, max_length=1000)


class ExposureOut(Schema):
    id: int
    customer_id: int
    kind: str
    document_no: str
    amount: MoneyOut
    currency: str
    document_date: date | None
    is_open: bool
    source: str
    updated_at: datetime


class ExposureBatchOut(Schema):
    created: int
    updated: int
    items: list[ExposureOut]


class ExposureFilter(PageParams):
    customer: Id | None = None
    kind: Literal["open_order", "uninvoiced_delivery"] | None = None
    open_only: bool = True
