"""One page of a list: ``{"items": [...], "count": total rows, "limit", "offset"}``."""

from __future__ import annotations

from ninja import Schema

from huikuan.api.schemas.analytics import StatusRowOut
from huikuan.api.schemas.collection import ActivityOut, PromiseOut
from huikuan.api.schemas.credit import ExposureOut
from huikuan.api.schemas.ledger import ContactOut, ContractOut, CustomerOut, ReceivableOut
from huikuan.api.schemas.money import PaymentOut


class _Page(Schema):
    count: int
    limit: int
    offset: int


class CustomerPage(_Page):
    items: list[CustomerOut]


class ContactPage(_Page):
    items: list[ContactOut]


class ContractPage(_Page):
    items: list[ContractOut]


class ReceivablePage(_Page):
    items: list[ReceivableOut]


class PaymentPage(_Page):
    items: list[PaymentOut]


class ActivityPage(_Page):
    items: list[ActivityOut]


class PromisePage(_Page):
    items: list[PromiseOut]


class ExposurePage(_Page):
    items: list[ExposureOut]


class StatusRowPage(_Page):
    run_id: int
    as_of: str
    items: list[StatusRowOut]
