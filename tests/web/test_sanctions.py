"""惩戒 / Sanctions: propose → a manager approves (never the proposer) → active → lifted; the credit hold
shows wherever the customer appears."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import Client
from django.utils import timezone

from conftest import World
from factories import PASSWORD
from huikuan.audit.models import AuditEntry
from huikuan.collection.models import Approval, Sanction
from huikuan.collection.services import sanctions
from huikuan.ledger.models import Contract, Document
from huikuan.ledger.services.allocation import PaymentInput, record_payment

D = Decimal


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def propose(world: World, kind: str = "credit_hold", by=None, **fields) -> Sanction:
    proposal = sanctions.Proposal(
        kind=kind, reason=fields.pop("reason", "两次承诺未兑现，逾期 90 天"), **fields
    )
    return sanctions.propose(world.cust_a, proposal, actor=by or world.sales_a)


def post_proposal(client: Client, world: World, **data) -> object:
    return client.post(
        f"/sanctions/propose/{world.cust_a.pk}/",
        {"kind": "credit_hold", "reason": "逾期未付，多次失约", **data},
    )


# ---------------------------------------------------------------- propose


def test_propose_page_shows_the_ladder_for_the_customer(world: World) -> None:
    page = client_for("sales_a").get(f"/sanctions/propose/{world.cust_a.pk}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert "惩戒阶梯评估" in text and "暂不适用停止供货" in text  # credit_hold_conditions_unmet, with params
    assert "不构成法律意见" in text


def test_assessment_follows_the_chosen_rung(world: World) -> None:
    url = f"/sanctions/propose/{world.cust_a.pk}/assess/"
    client = client_for("sales_a")
    text = client.post(url, {"kind": "suspend_performance"}, HTTP_HX_REQUEST="true").content.decode()
    assert "中止履行现有合同须有法律依据" in text and "<html" not in text
    text = client.post(url, {"kind": "suspend_performance", "legal_basis": "art_527"}).content.decode()
    assert "须及时书面通知对方" in text
    text = client.post(url, {"kind": "reputation", "legal_review": "on"}).content.decode()
    assert "只陈述事实，已经法务审核" in text


def test_a_salesperson_proposes_a_credit_hold(world: World) -> None:
    response = post_proposal(client_for("sales_a"), world)
    sanction = Sanction.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/sanctions/{sanction.pk}/"
    assert (sanction.kind, sanction.status, sanction.proposed_by) == (
        "credit_hold",
        "proposed",
        world.sales_a,
    )
    approval = Approval.objects.get()
    assert (approval.kind, approval.status, approval.subject_model, approval.subject_id) == (
        "sanction", "pending", "collection.sanction", sanction.pk,
    )  # fmt: skip
    assert AuditEntry.objects.filter(action="collection.sanction.proposed", actor=world.sales_a).count() == 1


@pytest.mark.parametrize(
    "data,message",
    [
        ({"kind": "suspend_performance"}, "中止履行现有合同必须记录法律依据"),
        ({"kind": "reputation"}, "须先经法务审核"),
        ({"reason": ""}, "这个字段是必填项"),
        ({"kind": "nonsense"}, "选择一个有效的选项"),
    ],
)
def test_proposals_that_break_a_rule_are_refused(world: World, data: dict, message: str) -> None:
    response = post_proposal(client_for("sales_a"), world, **data)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Sanction.objects.exists() and not Approval.objects.exists()


def test_a_suspension_with_a_legal_basis_may_be_proposed(world: World) -> None:
    contract = Contract.objects.get(customer=world.cust_a)
    response = post_proposal(
        client_for("sales_a"), world, kind="suspend_performance", legal_basis="contract_clause",
        contract=str(contract.pk), legal_basis_note="合同第 9 条",
    )  # fmt: skip
    assert response.status_code == 302
    assert Sanction.objects.get().legal_basis == "contract_clause"


def test_the_same_measure_is_not_proposed_twice(world: World) -> None:
    propose(world)
    response = post_proposal(client_for("mgr_east"), world)
    assert response.status_code == 400 and "已有同类措施" in response.content.decode()


def test_another_teams_customer_cannot_be_proposed_against(world: World) -> None:
    assert client_for("mgr_north").get(f"/sanctions/propose/{world.cust_a.pk}/").status_code == 404
    assert post_proposal(client_for("sales_b"), world).status_code == 404
    assert not Sanction.objects.exists()


# ---------------------------------------------------------------- approve (maker-checker)


def decide(username: str, sanction: Sanction, decision: str = "approve", note: str = "") -> object:
    return client_for(username).post(
        f"/sanctions/{sanction.pk}/decide/", {"decision": decision, "note": note}, follow=True
    )


def test_the_manager_approves_and_the_credit_hold_is_active(world: World) -> None:
    sanction = propose(world)
    response = decide("mgr_east", sanction, note="同意")
    sanction.refresh_from_db()
    assert (sanction.status, sanction.approved_by, sanction.activated_on) == (
        "active", world.mgr_east, timezone.localdate(),
    )  # fmt: skip
    assert "生效中" in response.content.decode()
    approval = Approval.objects.get()
    assert (approval.status, approval.decided_by, approval.decision_note) == (
        "approved",
        world.mgr_east,
        "同意",
    )
    assert AuditEntry.objects.filter(action="collection.sanction.approved", actor=world.mgr_east).count() == 1
    assert AuditEntry.objects.filter(action="collection.approval.approved").count() == 1
    customer_page = client_for("sales_a").get(f"/customers/{world.cust_a.pk}/").content.decode()
    assert "信用冻结中" in customer_page


@pytest.mark.parametrize("username", ["sales_a", "finance"])
def test_only_a_manager_of_the_team_or_an_admin_approves(world: World, username: str) -> None:
    sanction = propose(world, by=world.mgr_east)  # the owner and finance both see it, neither may approve
    response = decide(username, sanction)
    assert "只有该客户所在团队的销售经理或管理员可以审批" in response.content.decode()
    assert Sanction.objects.get().status == "proposed"
    assert (
        "批准"
        not in client_for(username).get(f"/sanctions/{sanction.pk}/").content.decode().split("审批记录")[0]
    )


def test_a_manager_of_another_team_gets_404(world: World) -> None:
    sanction = propose(world)
    assert client_for("mgr_north").get(f"/sanctions/{sanction.pk}/").status_code == 404
    assert decide("mgr_north", sanction).status_code == 404
    assert Sanction.objects.get().status == "proposed"


def test_nobody_approves_their_own_proposal(world: World) -> None:
    sanction = propose(world, by=world.mgr_east)
    response = decide("mgr_east", sanction)
    assert "不能审批自己提议的惩戒措施" in response.content.decode()
    assert Sanction.objects.get().status == "proposed"
    assert not AuditEntry.objects.filter(action="collection.sanction.approved").exists()
    decide("admin", sanction)
    assert Sanction.objects.get().status == "active"


def test_a_rejection_needs_a_note(world: World) -> None:
    sanction = propose(world)
    assert "驳回请填写审批意见" in decide("mgr_east", sanction, "reject").content.decode()
    decide("mgr_east", sanction, "reject", note="证据不足")
    sanction.refresh_from_db()
    assert sanction.status == "rejected" and Approval.objects.get().status == "rejected"
    assert AuditEntry.objects.filter(action="collection.sanction.rejected").count() == 1


# ---------------------------------------------------------------- suspension notice, lifting


def test_a_suspension_waits_for_its_written_notice(world: World) -> None:
    sanction = propose(world, kind="suspend_performance", legal_basis="art_527")
    decide("mgr_east", sanction)
    sanction.refresh_from_db()
    assert sanction.status == "approved" and sanction.activated_on is None
    client = client_for("sales_a")
    url = f"/sanctions/{sanction.pk}/activate/"
    assert "请填写中止履行通知" in client.post(url, {"sent_on": "2026-05-01"}, follow=True).content.decode()
    client.post(url, {"sent_on": timezone.localdate().isoformat(), "proof": "EMS 9"})
    sanction.refresh_from_db()
    assert sanction.status == "active" and sanction.notice.kind == Document.Kind.SUSPENSION_NOTICE
    assert sanction.notice.delivery_proof == "EMS 9"
    assert AuditEntry.objects.filter(action="collection.sanction.activated").count() == 1


def test_lifting_is_one_click_once_paid(world: World) -> None:
    sanction = propose(world)
    decide("mgr_east", sanction)
    refused = client_for("sales_a").post(f"/sanctions/{sanction.pk}/lift/", follow=True)
    assert "客户尚未结清" in refused.content.decode() and Sanction.objects.get().status == "active"
    record_payment(PaymentInput(world.cust_a, date(2026, 5, 1), D("1000.00")), actor=world.finance)
    page = client_for("sales_a").get(f"/sanctions/{sanction.pk}/").content.decode()
    assert "已结清：解除" in page and "可一键解除" in page
    client_for("sales_a").post(f"/sanctions/{sanction.pk}/lift/")
    sanction.refresh_from_db()
    assert sanction.status == "lifted" and sanction.lifted_on == timezone.localdate()
    entry = AuditEntry.objects.get(action="collection.sanction.lifted")
    assert entry.data["paid"] is True and entry.actor == world.sales_a


def test_a_manager_may_lift_before_payment(world: World) -> None:
    sanction = propose(world)
    decide("mgr_east", sanction)
    client_for("mgr_east").post(f"/sanctions/{sanction.pk}/lift/", {"note": "客户已提供担保"})
    assert Sanction.objects.get().status == "lifted"


def test_the_list_shows_only_visible_sanctions(world: World) -> None:
    propose(world)
    sanctions.propose(
        world.cust_c, sanctions.Proposal(kind="credit_hold", reason="逾期"), actor=world.sales_c
    )
    text = client_for("mgr_east").get("/sanctions/?show=all").content.decode()
    assert world.cust_a.name in text and world.cust_c.name not in text


# ---------------------------------------------------------------- the credit hold everywhere


def test_credit_hold_badge_and_bulk_helper(world: World, django_assert_num_queries) -> None:
    sanction = propose(world)
    sanctions.approve(sanction, actor=world.mgr_east, today=timezone.localdate())
    template = Template("{% load sanctions_tags %}{% credit_hold_badge customer %}")
    assert "信用冻结" in template.render(Context({"customer": world.cust_a}))
    assert "信用冻结" not in template.render(Context({"customer": world.cust_b}))
    customers = [world.cust_a, world.cust_b, world.cust_c]
    assert sanctions.held_customer_ids(c.pk for c in customers) == {world.cust_a.pk}
    rows = Template(
        "{% load sanctions_tags %}{% credit_hold_ids customers as held %}"
        "{% for c in customers %}[{{ c.name }}{% credit_hold_badge c held %}]{% endfor %}"
    )
    with django_assert_num_queries(1):  # one query for the whole list
        text = rows.render(Context({"customers": customers}))
    assert text.count("hold-badge") == 1


def test_contract_pages_show_the_hold(world: World) -> None:
    sanction = propose(world)
    sanctions.approve(sanction, actor=world.mgr_east, today=timezone.localdate())
    contract = Contract.objects.get(customer=world.cust_a)
    assert "hold-badge" in client_for("sales_a").get(f"/contracts/{contract.pk}/").content.decode()
    assert "hold-badge" in client_for("sales_a").get("/contracts/").content.decode()
