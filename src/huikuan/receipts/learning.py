"""Learning from an approved claim: the payer's name becomes an alias of the customer and its
account one of the customer's bank accounts, so the next statement matches by itself.

Nothing is learned that is already known for this customer, nor anything known for another
customer (that would make every later receipt from this payer ambiguous): the audit entry of
the approval says what was skipped and why.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from huikuan.audit.log import log_action
from huikuan.core.matching import account_key, name_key
from huikuan.ledger.models import BankAccount, Customer, CustomerAlias
from huikuan.receipts.matcher import load_directory
from huikuan.receipts.models import BankReceipt


@dataclass
class Learned:
    alias: CustomerAlias | None = None
    account: BankAccount | None = None
    skipped: dict[str, str] = field(default_factory=dict)  # what → why

    def as_dict(self) -> dict[str, Any]:
        return {
            "alias": self.alias.alias if self.alias else None,
            "account": self.account.account_no if self.account else None,
            "skipped": self.skipped,
        }


def learn(receipt: BankReceipt, customer: Customer, *, actor: Any) -> Learned:
    learned = Learned()
    directory = load_directory()
    name = receipt.counterparty_name.strip()[:200]
    key = name_key(name)
    if key:
        owners = {k.customer_id for k in directory.names.get(key, ())}
        if customer.pk in owners:
            learned.skipped["alias"] = "known"
        elif owners or CustomerAlias.objects.filter(alias=name).exists():
            learned.skipped["alias"] = "another_customer"
        else:
            learned.alias = CustomerAlias.objects.create(customer=customer, alias=name)
            log_action(
                "receipts.alias.learned",
                actor=actor,
                obj=learned.alias,
                data={"alias": name, "receipt_id": receipt.pk},
            )
    account = account_key(receipt.counterparty_account)
    if account:
        holders = {k.customer_id for k in directory.accounts.get(account, ())}
        if customer.pk in holders:
            learned.skipped["account"] = "known"
        elif holders:
            learned.skipped["account"] = "another_customer"
        else:
            learned.account = BankAccount.objects.create(
                customer=customer, account_no=account[:40], account_name=name
            )
            log_action(
                "receipts.account.learned",
                actor=actor,
                obj=learned.account,
                data={"account_no": learned.account.account_no, "receipt_id": receipt.pk},
            )
    return learned
