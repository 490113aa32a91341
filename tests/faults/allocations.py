"""Many payments and allocations through the ledger services, one after another, as a clerk would.

    python tests/faults/allocations.py SEED COUNT

Each step is one use-case call (its own transaction): record a payment with automatic allocation,
record one and allocate parts of it by hand, take an allocation back, or reverse a payment.
A refusal of the ledger (LedgerError: over-allocation, already reversed) is a normal answer and
is counted; anything else ends the script with an error.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from datetime import date, timedelta
from decimal import Decimal

import django

django.setup()

from huikuan.accounts.models import User  # noqa: E402
from huikuan.ledger.models import Allocation, Customer, Payment, Receivable  # noqa: E402
from huikuan.ledger.services import LedgerError  # noqa: E402
from huikuan.ledger.services.allocation import (  # noqa: E402
    PaymentInput,
    allocate,
    record_payment,
    reverse_payment,
    unallocate,
)

START = date(2026, 1, 5)


def main(seed: int, count: int) -> None:
    rng = random.Random(seed)
    clerk = User.objects.get(username="finance")
    customers = list(Customer.objects.order_by("pk"))
    done: Counter[str] = Counter()
    for step in range(count):
        customer = rng.choice(customers)
        paid_on = START + timedelta(days=rng.randint(0, 320))
        amount = Decimal(rng.randint(100_00, 60_000_00)) / 100
        roll = rng.random()
        try:
            if roll < 0.55:
                data = PaymentInput(customer, paid_on, amount, reference=f"A{seed}-{step}")
                record_payment(data, actor=clerk)
                done["auto"] += 1
            elif roll < 0.8:
                data = PaymentInput(customer, paid_on, amount, reference=f"M{seed}-{step}")
                payment = record_payment(data, actor=clerk, allocate=False)
                targets = list(
                    Receivable.objects.filter(contract__customer=customer).values_list("pk", flat=True)
                )
                lines = [(rid, amount / 3) for rid in rng.sample(targets, min(2, len(targets)))]
                allocate(payment, lines, actor=clerk)
                done["manual"] += 1
            elif roll < 0.9:
                live = Allocation.objects.filter(reversal_of__isnull=True, reversed_by__isnull=True)
                ids = list(live.order_by("pk").values_list("pk", flat=True))
                if ids:
                    unallocate(Allocation.objects.get(pk=rng.choice(ids)), reason="分配错误", actor=clerk)
                    done["unallocate"] += 1
            else:
                live = Payment.objects.filter(reversal_of__isnull=True, reversed_by__isnull=True)
                ids = list(live.order_by("pk").values_list("pk", flat=True))
                if ids:
                    payment = Payment.objects.get(pk=rng.choice(ids))
                    reverse_payment(payment, on=payment.paid_on, reason="误入账", actor=clerk)
                    done["reverse"] += 1
        except LedgerError as exc:
            done[f"refused:{exc.code}"] += 1
        print(step, flush=True)
    print(dict(done), flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
