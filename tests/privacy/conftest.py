"""A person with every kind of data the system holds about people, at sales_a's customer 杭州甲科技.

欧阳娜娜 is the payer, decision maker and acceptor; she was created through the master-data use case (audited),
has working hours and a consented activity-pattern note, two activities (a call with a promise and a
meeting with its five stages), a document addressed to her, and is mentioned by name and phone in an
activity with somebody else, in a blocking issue and in a payment plan's notes. The customer also has
money: a payment allocated to its receivables and a write-off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import World
from huikuan.api import masterdata
from huikuan.collection.models import Activity, BlockingIssue, PaymentPlan, Promise
from huikuan.collection.services.activities import ActivityInput, PromiseInput, log_activity
from huikuan.ledger.models import Adjustment, Contact, Contract, Document, Receivable
from huikuan.ledger.services.allocation import PaymentInput, record_payment
from huikuan.privacy.consent import record_activity_pattern

NAME = "欧阳娜娜"
PHONE = "139-1234-5678"
DIGITS = "13912345678"
EMAIL = "ouyang.nana@jia-tech.example.cn"
PATTERN = "每周五下午在城西工地，周末常在公司附近健身房"


@dataclass
class Person:
    contact: Contact
    other: Contact
    call: Activity
    meeting: Activity
    mention: Activity
    promise: Promise
    document: Document
    receivables: list[Receivable]


def _receivables(world: World) -> list[Receivable]:
    return list(Receivable.objects.filter(contract__customer=world.cust_a).order_by("sequence"))


@pytest.fixture
def person(world: World) -> Person:
    today = timezone.localdate()
    contact = masterdata.create_contact(
        world.cust_a,
        {
            "name": NAME,
            "roles": ["payer", "decision_maker", "acceptor"],
            "title": "财务总监",
            "phone": PHONE,
            "email": EMAIL,
            "availability": "周二、周四 9:00-11:30",
        },
        actor=world.sales_a,
    )
    contact = record_activity_pattern(world.sales_a, contact.pk, PATTERN, consent=True)
    other = Contact.objects.create(customer=world.cust_a, name="钱多多", is_other=True, phone="0571-55556666")
    receivables = _receivables(world)
    logged = log_activity(
        world.sales_a,
        receivables[1],
        ActivityInput(
            channel="call",
            contact=contact,
            outcome="promised",
            notes=f"{NAME}说月底前付款，手机{DIGITS}，有事可发{EMAIL}",
            promises=[PromiseInput(Decimal("300.00"), today + timedelta(days=10))],
        ),
    )
    meeting = log_activity(
        world.sales_a,
        receivables[1],
        ActivityInput(
            channel="meeting",
            contact=contact,
            outcome="answered",
            notes="面谈纪要",
            stages={
                "stage_opening": "寒暄，谈到她孩子升学",
                "stage_topic": "验收款",
                "stage_bargaining": "要求九五折",
                "stage_actions": "下周三前盖章对账",
                "stage_follow_up": "未盖章则找总经理",
            },
        ),
    ).activity
    mention = log_activity(
        world.sales_a,
        receivables[1],
        ActivityInput(channel="visit", contact=other, notes=f"钱多多说付款要等{NAME}签字（电话 {PHONE}）"),
    ).activity
    contract = Contract.objects.get(customer=world.cust_a)
    document = Document.objects.create(
        customer=world.cust_a,
        contract=contract,
        kind=Document.Kind.DEMAND,
        title=f"致{NAME}的催款函",
        delivery_proof=f"EMS 1180 签收人{NAME}",
        issued_on=today - timedelta(days=3),
        contact=contact,
    )
    BlockingIssue.objects.create(
        customer=world.cust_a, kind="quality", opened_on=today, description=f"{NAME}反映设备噪音，{DIGITS}"
    )
    PaymentPlan.objects.create(customer=world.cust_a, total=Decimal("700.00"), notes=f"经{NAME}同意分两期")
    record_payment(
        PaymentInput(
            customer=world.cust_a,
            paid_on=today - timedelta(days=5),
            amount=Decimal("250.00"),
            reference="P-1",
        ),
        actor=world.finance,
    )
    Adjustment.objects.create(
        receivable=receivables[0],
        kind="small_difference",
        amount=Decimal("5.00"),
        adjusted_on=today - timedelta(days=4),
        reason=f"{NAME}电话确认抹零",
        requested_by=world.finance,
    )
    return Person(
        contact, other, logged.activity, meeting, mention, logged.promises[0], document, receivables
    )
