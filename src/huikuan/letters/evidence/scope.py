"""What belongs to an evidence bundle: a customer's records, or one contract's (plus the customer-level
documents that cover it, such as a confirmation of the whole balance)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import F, Q, QuerySet

from huikuan.collection.models import BlockingIssue, Promise
from huikuan.ledger.models import Adjustment, Allocation, Contract, Customer, Document, Invoice, Receivable


@dataclass(frozen=True)
class Scope:
    customer: Customer
    contract: Contract | None = None

    @property
    def label(self) -> str:
        return f"{self.customer.name} {self.contract.number}" if self.contract else self.customer.name

    def contracts(self) -> QuerySet[Contract]:
        if self.contract is not None:
            return Contract.objects.filter(pk=self.contract.pk)
        return Contract.objects.filter(customer=self.customer).order_by("number")

    def receivables(self) -> QuerySet[Receivable]:
        qs = Receivable.objects.filter(contract__customer=self.customer)
        if self.contract is not None:
            qs = qs.filter(contract=self.contract)
        return qs.select_related("contract").order_by("contract__number", "sequence", "pk")

    def _receivable_ids(self) -> QuerySet[Receivable]:
        return self.receivables().values("pk")

    def documents(self, as_of: date | None = None) -> QuerySet[Document]:
        """Documents of the scope, those issued after ``as_of`` left out (undated ones kept)."""
        qs = Document.objects.filter(customer=self.customer)
        if as_of is not None:
            qs = qs.filter(Q(issued_on__isnull=True) | Q(issued_on__lte=as_of))
        if self.contract is not None:
            qs = qs.filter(
                Q(contract=self.contract)
                | Q(receivables__in=self._receivable_ids())
                | Q(contract__isnull=True, receivables__isnull=True)
                | Q(covers_whole_balance=True)
            )
        # Undated documents last on every database (SQLite and PostgreSQL sort NULLs differently).
        return Document.objects.filter(pk__in=qs.values("pk")).order_by(
            F("issued_on").asc(nulls_last=True), "pk"
        )

    def invoices(self) -> QuerySet[Invoice]:
        qs = Invoice.objects.filter(customer=self.customer)
        if self.contract is not None:
            qs = qs.filter(receivables__in=self._receivable_ids())
        return Invoice.objects.filter(pk__in=qs.values("pk")).order_by("issued_on", "number")

    def allocations(self) -> QuerySet[Allocation]:
        return Allocation.objects.filter(receivable__in=self._receivable_ids()).select_related(
            "payment", "receivable__contract"
        )

    def adjustments(self) -> QuerySet[Adjustment]:
        return Adjustment.objects.filter(
            receivable__in=self._receivable_ids(), status="approved"
        ).select_related("receivable__contract")

    def promises(self) -> QuerySet[Promise]:
        qs = Promise.objects.filter(customer=self.customer)
        if self.contract is not None:
            qs = qs.filter(receivables__in=self._receivable_ids())
        return (
            Promise.objects.filter(pk__in=qs.values("pk")).select_related("activity").order_by("promised_on")
        )

    def issues(self) -> QuerySet[BlockingIssue]:
        qs = BlockingIssue.objects.filter(customer=self.customer)
        if self.contract is not None:
            qs = qs.filter(Q(contract=self.contract) | Q(receivables__in=self._receivable_ids()))
        return BlockingIssue.objects.filter(pk__in=qs.values("pk")).order_by("opened_on")
