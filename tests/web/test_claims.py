"""认领: the pool shows only the bank's facts; a salesperson claims for their own customer with an
allocation the service checks; finance approves or rejects with a reason; others get 404."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.test import Client

from conftest import World
from factories import PASSWORD
from huikuan.ledger.models import Payment, Receivable
from huikuan.receipts.models import BankReceipt, Claim
from huikuan.receipts.services import claim


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


@pytest.fixture
def receipt(world: World) -> BankReceipt:
    return BankReceipt.objects.create(
        reference="W001",
        received_on=date(2026, 5, 6),
        amount=Decimal("500.00"),
        counterparty_name="甲科技华东办事处",
        counterparty_account="6222000099990000",
        memo="货款",
        status=BankReceipt.Status.UNMATCHED,
        candidates=[{"customer_id": world.cust_c.pk, "confidence": 0.61, "reasons": []}],
    )


def receivables(customer) -> list[Receivable]:
    return list(Receivable.objects.filter(contract__customer=customer).order_by("sequence"))


def test_pool_shows_only_payer_account_date_amount_memo(world: World, receipt: BankReceipt) -> None:
    response = client_for("sales_a").get("/claims/")
    html = response.content.decode()
    for fact in ("甲科技华东办事处", "6222000099990000", "2026-05-06", "500.00", "货款"):
        assert fact in html
    assert world.cust_c.name not in html  # the matcher's candidate is not for salespeople
    [item] = response.context["page"]
    assert set(vars(item) if hasattr(item, "__dict__") else item.__slots__) == {
        "id", "payer_name", "account", "date", "amount", "memo"
    }  # fmt: skip


def test_claim_form_offers_only_my_customers(world: World, receipt: BankReceipt) -> None:
    html = client_for("sales_a").get(f"/claims/receipts/{receipt.pk}/").content.decode()
    assert world.cust_a.name in html
    assert world.cust_b.name not in html and world.cust_c.name not in html


def test_choosing_a_customer_over_htmx_returns_its_open_receivables(
    world: World, receipt: BankReceipt
) -> None:
    response = client_for("sales_a").get(
        f"/claims/receipts/{receipt.pk}/?customer={world.cust_a.pk}", HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert "<html" not in html  # a partial
    first, second = receivables(world.cust_a)
    assert f'name="amount_{first.pk}"' in html and f'name="amount_{second.pk}"' in html
    other = client_for("sales_a").get(f"/claims/receipts/{receipt.pk}/?customer={world.cust_b.pk}")
    assert world.cust_b.name not in other.content.decode()


def test_salesperson_claims_with_an_allocation(world: World, receipt: BankReceipt) -> None:
    first, second = receivables(world.cust_a)
    response = client_for("sales_a").post(
        f"/claims/receipts/{receipt.pk}/",
        {"customer": world.cust_a.pk, f"amount_{first.pk}": "300", f"amount_{second.pk}": "200.00", "note": "甲的分部"},
    )  # fmt: skip
    assert response.status_code == 302
    made = Claim.objects.get()
    assert (made.customer, made.claimant, made.note) == (world.cust_a, world.sales_a, "甲的分部")
    assert made.allocation == [
        {"receivable_id": first.pk, "amount": "300.00"},
        {"receivable_id": second.pk, "amount": "200.00"},
    ]
    receipt.refresh_from_db()
    assert receipt.status == BankReceipt.Status.CLAIMED
    assert "甲科技华东办事处" not in client_for("sales_b").get("/claims/").content.decode()


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        ({0: "300.01"}, "超过未收余额"),
        ({0: "300", 1: "201"}, "超过到账金额"),
        ({0: "1O0"}, "无法识别"),
    ],
)
def test_a_bad_allocation_is_refused_in_chinese(world: World, receipt: BankReceipt, amounts, message) -> None:
    rs = receivables(world.cust_a)
    data = {"customer": world.cust_a.pk, **{f"amount_{rs[i].pk}": v for i, v in amounts.items()}}
    response = client_for("sales_a").post(f"/claims/receipts/{receipt.pk}/", data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Claim.objects.exists()


def test_claiming_for_someone_elses_customer_is_refused(world: World, receipt: BankReceipt) -> None:
    response = client_for("sales_a").post(f"/claims/receipts/{receipt.pk}/", {"customer": world.cust_b.pk})
    assert response.status_code == 400
    assert "请选择客户" in response.content.decode()
    assert not Claim.objects.exists()


def test_review_queue_is_for_finance(world: World, receipt: BankReceipt) -> None:
    claim(receipt, world.sales_a, world.cust_a, [], "")
    assert client_for("sales_a").get("/claims/review/").status_code == 403
    assert client_for("mgr_east").get("/claims/review/").status_code == 403
    html = client_for("finance").get("/claims/review/").content.decode()
    assert world.cust_a.name in html and world.cust_c.name in html  # finance sees the candidates


def test_finance_approves(world: World, receipt: BankReceipt) -> None:
    first, _second = receivables(world.cust_a)
    made = claim(receipt, world.sales_a, world.cust_a, [(first, "300")], "")
    assert client_for("sales_a").post(f"/claims/{made.pk}/approve/").status_code == 403
    response = client_for("finance").post(f"/claims/{made.pk}/approve/")
    assert response.status_code == 302
    made.refresh_from_db()
    assert made.status == Claim.Status.APPROVED and made.decided_by == world.finance
    payment = Payment.objects.get(reference="W001")
    assert list(payment.allocations.values_list("receivable_id", "amount")) == [(first.pk, Decimal("300.00"))]


def test_reject_needs_a_reason_and_returns_the_receipt_to_the_pool(
    world: World, receipt: BankReceipt
) -> None:
    made = claim(receipt, world.sales_a, world.cust_a, [], "")
    finance = client_for("finance")
    response = finance.post(f"/claims/{made.pk}/reject/", {"reason": " "}, follow=True)
    assert "驳回必须说明理由" in response.content.decode()
    made.refresh_from_db()
    assert made.status == Claim.Status.PENDING
    finance.post(f"/claims/{made.pk}/reject/", {"reason": "不是甲的款"})
    made.refresh_from_db()
    assert (made.status, made.reason) == (Claim.Status.REJECTED, "不是甲的款")
    mine = client_for("sales_a").get("/claims/").content.decode()
    assert "不是甲的款" in mine and "甲科技华东办事处" in mine  # back in the pool, reason shown


def test_finance_cannot_approve_their_own_claim(world: World, receipt: BankReceipt) -> None:
    made = claim(receipt, world.finance, world.cust_a, [], "")
    response = client_for("finance").post(f"/claims/{made.pk}/approve/", follow=True)
    assert "不能审批自己提交的认领" in response.content.decode()
    made.refresh_from_db()
    assert made.status == Claim.Status.PENDING


def test_claim_of_another_salesperson_is_404(world: World, receipt: BankReceipt) -> None:
    made = claim(receipt, world.sales_b, world.cust_b, [], "")
    client = client_for("sales_a")
    assert client.get(f"/claims/{made.pk}/").status_code == 404
    assert client.post(f"/claims/{made.pk}/approve/").status_code == 404
    assert client.get(f"/claims/receipts/{receipt.pk}/").status_code == 404  # no longer in the pool
    assert client_for("sales_b").get(f"/claims/{made.pk}/").status_code == 200


def test_finance_dismisses_a_receipt(world: World, receipt: BankReceipt) -> None:
    assert (
        client_for("sales_a").post(f"/claims/receipts/{receipt.pk}/dismiss/", {"reason": "x"}).status_code
        == 403
    )
    client_for("finance").post(f"/claims/receipts/{receipt.pk}/dismiss/", {"reason": "银行利息"})
    receipt.refresh_from_db()
    assert receipt.status == BankReceipt.Status.REJECTED
