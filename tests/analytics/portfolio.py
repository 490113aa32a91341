"""Random small portfolios written through the ORM, for the bulk = scalar tests.

Every feature the daily run reads appears with some probability: contacts and their roles,
finance profiles, invoices (issued, delivered, red-reversed), documents (contract, 签收单, 验收单,
对账确认函 with any seal, demands), partial payments, commercial bills counted at maturity,
reversals, adjustments, promises (kept, partly kept, broken, pending), disputes and blocking issues,
activities with the nature signals, a manager's malicious confirmation, targets and commission rates.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from huikuan.accounts.models import Role, Team, User
from huikuan.collection.models import (
    Activity,
    BlockingIssue,
    CollectionTarget,
    NatureReview,
    Promise,
    Sanction,
)
from huikuan.ledger.models import (
    Adjustment,
    Allocation,
    CommissionRate,
    CompanySettings,
    Contact,
    Contract,
    Customer,
    Document,
    Invoice,
    Payment,
    Receivable,
)

KINDS = ["advance", "delivery", "acceptance", "retention", "other"]
TYPES = ["government", "public_institution", "state_owned", "large", "sme", "other"]
SEALS = ["company", "finance", "contract", "department", "signature", "none"]
AVAILABILITY = ["", "", "周二、周四 9:00-11:30", "周一至周五 下午", "Mon, Wed 9:00-12:00", "周三"]


def _money(rng: random.Random, low: int, high: int) -> Decimal:
    return Decimal(rng.randint(low * 100, high * 100)) / 100


def _maybe(rng: random.Random, p: float) -> bool:
    return rng.random() < p


def build_portfolio(seed: int, as_of: date, customers: int = 12) -> dict[str, int]:
    """Write a random portfolio around ``as_of``; returns row counts."""
    rng = random.Random(seed)
    settings = CompanySettings.current()
    settings.we_are_sme = _maybe(rng, 0.5)
    settings.save()
    team = Team.objects.create(name=f"团队{seed}")
    manager = User.objects.create(username=f"mgr{seed}", role=Role.MANAGER)
    team.managers.add(manager)
    sales = [User.objects.create(username=f"s{seed}_{i}", role=Role.SALESPERSON, team=team) for i in range(3)]
    if not CommissionRate.objects.exists():
        CommissionRate.objects.create(min_days_late=-100000, rate=Decimal("0.010000"))
        CommissionRate.objects.create(min_days_late=1, rate=Decimal("0.008000"))
        CommissionRate.objects.create(min_days_late=91, rate=Decimal("0.004000"))
    month = as_of.replace(day=1)
    for user in sales:
        CollectionTarget.objects.create(user=user, month=month, amount=_money(rng, 1000, 90000))
    CollectionTarget.objects.create(team=team, month=month, amount=_money(rng, 10000, 200000))
    counts = {"receivables": 0, "payments": 0, "promises": 0}
    for c in range(customers):
        _customer(rng, seed, c, as_of, sales, manager, counts)
    return counts


def _customer(
    rng: random.Random,
    seed: int,
    c: int,
    as_of: date,
    sales: list[User],
    manager: User,
    counts: dict[str, int],
) -> None:
    owner = rng.choice(sales)
    funds = rng.choice(["", "ample", "normal", "tight", "distressed"])
    needs_budget = rng.choice([None, False, True])
    customer = Customer.objects.create(
        name=f"随机客户{seed}-{c}",
        owner=owner,
        customer_type=rng.choice(TYPES),
        relationship=rng.choice(["strategic", "normal", "one_off"]),
        needs_budget=needs_budget,
        budget_month=rng.choice([None, 3, 9, 11]) if needs_budget else None,
        invoice_before_payment=_maybe(rng, 0.5),
        invoice_requirements=rng.choice(["", "专票"]),
        book_close_day=rng.choice([None, 0, 20, 25, 28]),
        bank_close_day=rng.choice([None, None, 26]),
        transfer_days=rng.choice([None, 1, 3, 5]),
        funds_status=funds,
    )
    contacts: list[Contact] = []
    for k in range(rng.randint(0, 3)):
        roles = rng.sample(["decision_maker", "acceptor", "payer", "finance", "other"], rng.randint(1, 2))
        contact = Contact(customer=customer, name=f"联系人{c}-{k}", availability=rng.choice(AVAILABILITY))
        contact.roles = roles
        contact.save()
        contacts.append(contact)
    receivables: list[Receivable] = []
    for n in range(rng.randint(1, 3)):
        contract = Contract.objects.create(
            customer=customer,
            number=f"HT-{seed}-{c}-{n}",
            project_name=rng.choice(["", "项目"]),
            amount=_money(rng, 5000, 90000) if _maybe(rng, 0.9) else None,
            signed_on=as_of - timedelta(days=rng.randint(100, 1500)) if _maybe(rng, 0.9) else None,
            owner=rng.choice([owner, owner, rng.choice(sales), None]),
            acceptance_standard=rng.choice(["", "技术协议"]),
            acceptance_method=rng.choice(["", "现场验收"]),
            payment_terms=rng.choice(["", "转账"]),
            status=rng.choice(["active", "active", "completed"]),
        )
        if _maybe(rng, 0.7):
            Document.objects.create(
                customer=customer, contract=contract, kind="contract", seal_kind="company"
            )
        for seq in range(1, rng.randint(1, 4) + 1):
            receivables.append(_receivable(rng, contract, seq, as_of, customer, counts))
    _papers(rng, customer, receivables, as_of)
    _payments(rng, customer, receivables, as_of, counts)
    _collection(rng, customer, receivables, contacts, as_of, sales, manager, counts)


def _receivable(
    rng: random.Random, contract: Contract, seq: int, as_of: date, customer: Customer, counts: dict[str, int]
) -> Receivable:
    # Due dates around the aging boundaries and far back (expired limitation) or ahead.
    offset = rng.choice(
        [0, 1, 30, 31, 60, 61, 90, 91, 180, 181, 365, 366, -5, -40, rng.randint(-200, 1300), 1096, 1000]
    )
    due_on = as_of - timedelta(days=offset)
    fired = _maybe(rng, 0.9)
    kind = rng.choice(KINDS)
    currency = "USD" if _maybe(rng, 0.04) else "CNY"
    receivable = Receivable.objects.create(
        contract=contract,
        sequence=seq,
        kind=kind,
        amount=_money(rng, 100, 50000),
        currency=currency,
        recognised_on=due_on - timedelta(days=rng.randint(0, 60)) if fired else None,
        due_on=due_on,
        budget_year=rng.choice([None, as_of.year, as_of.year + 1, as_of.year - 1]),
        pause_until=as_of + timedelta(days=5) if _maybe(rng, 0.05) else None,
        pause_reason="客户内部调整" if _maybe(rng, 0.5) else "",
        is_void=_maybe(rng, 0.02),
    )
    counts["receivables"] += 1
    if _maybe(rng, 0.75):
        status = rng.choice(["issued", "delivered", "accepted", "red_reversed"])
        invoice = Invoice.objects.create(
            number=f"{receivable.pk:020d}",
            customer=customer,
            amount=receivable.amount if _maybe(rng, 0.8) else receivable.amount / 2,
            issued_on=due_on - timedelta(days=10),
            status=status,
        )
        invoice.receivables.add(receivable)
    return receivable


def _papers(rng: random.Random, customer: Customer, receivables: list[Receivable], as_of: date) -> None:
    for r in receivables:
        for kind, p in (("delivery_receipt", 0.6), ("acceptance_certificate", 0.6)):
            if _maybe(rng, p):
                doc = Document.objects.create(
                    customer=customer,
                    contract=r.contract,
                    kind=kind,
                    issued_on=r.due_on - timedelta(days=20),
                    seal_kind="company",
                )
                doc.receivables.add(r)
        if _maybe(rng, 0.15):
            demand = Document.objects.create(
                customer=customer,
                kind="demand",
                issued_on=as_of - timedelta(days=rng.randint(0, 1500)),
                delivered_on=as_of - timedelta(days=rng.randint(0, 1400)),
            )
            demand.receivables.add(r)
    for _ in range(rng.randint(0, 3)):
        whole = _maybe(rng, 0.6)
        returned = as_of - timedelta(days=rng.randint(-20, 1500))
        doc = Document.objects.create(
            customer=customer,
            kind="balance_confirmation",
            covers_whole_balance=whole,
            issued_on=returned - timedelta(days=5),
            returned_on=returned if _maybe(rng, 0.8) else None,
            seal_kind=rng.choice(SEALS),
        )
        if not whole and receivables:
            doc.receivables.add(*rng.sample(receivables, rng.randint(1, len(receivables))))


def _payments(
    rng: random.Random, customer: Customer, receivables: list[Receivable], as_of: date, counts: dict[str, int]
) -> None:
    for r in receivables:
        remaining = r.amount
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            if remaining <= 0:
                break
            share = remaining if _maybe(rng, 0.5) else (remaining * Decimal(rng.randint(1, 90)) / 100)
            share = share.quantize(Decimal("0.01"))
            if share <= 0:
                continue
            paid_on = r.due_on + timedelta(days=rng.randint(-30, 200))
            bill = _maybe(rng, 0.1)
            payment = Payment.objects.create(
                customer=customer,
                paid_on=paid_on,
                amount=share + (Decimal("10.00") if _maybe(rng, 0.1) else 0),
                method="commercial_bill" if bill else "transfer",
                bill_maturity=paid_on + timedelta(days=rng.randint(10, 180)) if bill else None,
            )
            Allocation.objects.create(payment=payment, receivable=r, amount=share)
            counts["payments"] += 1
            remaining -= share
            if _maybe(rng, 0.05):
                reversal = Payment.objects.create(
                    customer=customer,
                    paid_on=paid_on + timedelta(days=3),
                    amount=-payment.amount,
                    reversal_of=payment,
                )
                first = payment.allocations.get()
                Allocation.objects.create(payment=reversal, receivable=r, amount=-share, reversal_of=first)
                remaining += share
        if _maybe(rng, 0.08) and remaining > 1:
            Adjustment.objects.create(
                receivable=r,
                kind="small_difference",
                amount=Decimal("1.00"),
                adjusted_on=r.due_on + timedelta(days=rng.randint(-10, 100)),
                reason="抹零",
                status=rng.choice(["approved", "approved", "pending"]),
            )


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10, 0)))


def _collection(
    rng: random.Random,
    customer: Customer,
    receivables: list[Receivable],
    contacts: list[Contact],
    as_of: date,
    sales: list[User],
    manager: User,
    counts: dict[str, int],
) -> None:
    outcomes = ["answered", "no_answer", "promised", "paid", "refused", "dispute", "evaded", ""]
    for _ in range(rng.randint(0, 5)):
        Activity.objects.create(
            customer=customer,
            user=customer.owner,
            channel=rng.choice(["call", "visit", "email"]),
            occurred_at=_at(as_of - timedelta(days=rng.randint(-3, 300))),
            outcome=rng.choice(outcomes),
            evasion=_maybe(rng, 0.15),
            refused_to_stamp=_maybe(rng, 0.1),
            denied_debt=_maybe(rng, 0.1),
            pays_others=_maybe(rng, 0.1),
        )
    for _ in range(rng.randint(0, 3)):
        if not receivables:
            break
        named = rng.sample(receivables, rng.randint(1, min(2, len(receivables))))
        made = as_of - timedelta(days=rng.randint(0, 200))
        activity = Activity.objects.create(
            customer=customer, channel="call", occurred_at=_at(made), outcome="promised"
        )
        promise = Promise.objects.create(
            customer=customer,
            amount=_money(rng, 100, 20000),
            promised_on=made + timedelta(days=rng.randint(0, 40)),
            activity=activity if _maybe(rng, 0.7) else None,
            status=rng.choice(["pending", "pending", "kept"]),
        )
        promise.receivables.add(*named)
        counts["promises"] += 1
    if _maybe(rng, 0.25) and receivables:
        issue = BlockingIssue.objects.create(
            customer=customer,
            kind=rng.choice(["quality", "dispute"]),
            is_dispute=_maybe(rng, 0.5),
            description="问题",
            opened_on=as_of - timedelta(days=rng.randint(-5, 100)),
            resolved_on=as_of - timedelta(days=rng.randint(-10, 5)) if _maybe(rng, 0.3) else None,
            status=rng.choice(["open", "resolved"]),
        )
        issue.receivables.add(rng.choice(receivables))
    if _maybe(rng, 0.15):
        NatureReview.objects.create(
            customer=customer, confirmed_malicious=True, reviewed_by=manager, reason="多次回避"
        )
    if _maybe(rng, 0.1):
        Sanction.objects.create(
            customer=customer, kind="credit_hold", reason="逾期", status="active", proposed_by=manager
        )
