"""Master data written through the API: customers, contacts, contracts and receivables.

Plain create/change with the model's own validation (``full_clean``: USCC check digit, ranges,
uniqueness) and one audit entry with before/after. Money never changes here: a receivable's amount
is fixed once recorded (adjustments and payments change what is open), and owners change only by
handover (huikuan.ledger.services.handover), which keeps the history.
"""

from __future__ import annotations

from typing import Any

from django.db import models, transaction

from huikuan.accounts.access import owners_visible_to
from huikuan.accounts.models import User
from huikuan.audit.log import diff, log_action, snapshot
from huikuan.ledger.models import Contact, Contract, Customer, Receivable
from huikuan.ledger.services import LedgerError


def _owner(actor: Any, owner_id: int | None, default: Any) -> Any:
    """The owner to record: one the actor may give work to (their own portfolio, or anyone for finance)."""
    if owner_id is None:
        return default
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        raise LedgerError("指定的销售不存在或已停用", "owner_missing")
    if actor is not None:
        visible = owners_visible_to(actor)
        if visible is not None and not visible.filter(pk=owner.pk).exists():
            raise LedgerError("不能把客户或合同指派给您权限以外的销售", "owner_not_visible")
    return owner


def _save(obj: models.Model, changes: dict[str, Any], *, actor: Any, action: str, created: bool) -> Any:
    before = {} if created else snapshot(obj)
    for name, value in changes.items():
        field = obj._meta.get_field(name)
        if value is None and not field.null and isinstance(field, models.CharField | models.TextField):
            value = ""  # "no value" for a text field is the empty text
        setattr(obj, name, value)
    obj.full_clean()
    obj.save()
    after = snapshot(obj)
    data = {"after": after} if created else {"changes": diff(before, after)}
    log_action(action, actor=actor, obj=obj, data={**data, "via": "api"})
    return obj


def _clean(changes: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in changes.items() if k not in ("owner_id",)}


def create_customer(data: dict[str, Any], *, actor: Any) -> Customer:
    owner = _owner(actor, data.get("owner_id"), actor)
    fields = _clean(data)
    with transaction.atomic():
        customer = Customer(owner=owner)
        return _save(customer, fields, actor=actor, action="ledger.customer.created", created=True)  # type: ignore[no-any-return]


def update_customer(customer: Customer, changes: dict[str, Any], *, actor: Any) -> Customer:
    return _save(customer, _clean(changes), actor=actor, action="ledger.customer.changed", created=False)  # type: ignore[no-any-return]


def create_contact(customer: Customer, data: dict[str, Any], *, actor: Any) -> Contact:
    roles = data.pop("roles", None) or []
    fields = data
    with transaction.atomic():
        contact = Contact(customer=customer)
        contact.roles = roles
        return _save(contact, fields, actor=actor, action="ledger.contact.created", created=True)  # type: ignore[no-any-return]


def update_contact(contact: Contact, changes: dict[str, Any], *, actor: Any) -> Contact:
    if contact.erased_at is not None:
        raise LedgerError("该联系人的个人信息已删除，不能修改", "contact_erased")
    roles = changes.pop("roles", None)
    if roles is not None:
        changes = {**changes, **{field: role in roles for role, field in Contact.ROLE_FIELDS.items()}}
    return _save(contact, changes, actor=actor, action="ledger.contact.changed", created=False)  # type: ignore[no-any-return]


def create_contract(customer: Customer, data: dict[str, Any], *, actor: Any) -> Contract:
    owner = _owner(actor, data.get("owner_id"), customer.owner)
    fields = _clean(data)
    fields["currency"] = fields.get("currency") or "CNY"
    with transaction.atomic():
        contract = Contract(customer=customer, owner=owner)
        return _save(contract, fields, actor=actor, action="ledger.contract.created", created=True)  # type: ignore[no-any-return]


def update_contract(contract: Contract, changes: dict[str, Any], *, actor: Any) -> Contract:
    return _save(contract, _clean(changes), actor=actor, action="ledger.contract.changed", created=False)  # type: ignore[no-any-return]


def create_receivable(contract: Contract, data: dict[str, Any], *, actor: Any) -> Receivable:
    fields = {k: v for k, v in data.items() if v is not None or k in ("doc_no", "recognised_on")}
    fields["currency"] = fields.get("currency") or contract.currency
    if contract.status in (Contract.Status.CANCELLED, Contract.Status.SPLIT):
        raise LedgerError("已作废或已拆分的合同不能新增应收款", "contract_closed")
    with transaction.atomic():
        receivable = Receivable(contract=contract)
        return _save(receivable, fields, actor=actor, action="ledger.receivable.created", created=True)  # type: ignore[no-any-return]


def update_receivable(receivable: Receivable, changes: dict[str, Any], *, actor: Any) -> Receivable:
    if receivable.is_void:
        raise LedgerError("已作废的应收款不能修改", "receivable_void")
    return _save(receivable, changes, actor=actor, action="ledger.receivable.changed", created=False)  # type: ignore[no-any-return]
