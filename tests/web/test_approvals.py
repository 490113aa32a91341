"""审批 / Approvals inbox: the checker's scope, maker-checker refusals, decisions applied and audited,
and the method's reasons beside each request."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from conftest import World
from factories import PASSWORD
from huikuan.audit.models import AuditEntry
from huikuan.collection.models import Approval, NatureReview, PaymentPlan, Sanction
from huikuan.collection.services import approvals, sanctions
from huikuan.collection.services.plans import PlanRequest, create_plan
from huikuan.ledger.models import Adjustment, Contract, Receivable
from huikuan.ledger.services.adjustments import request_adjustment

D = Decimal


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def plan_for(world: World, by=None) -> PaymentPlan:
    contract = Contract.objects.get(customer=world.cust_a)
    req = PlanRequest(
        [r.pk for r in contract.receivables.all()],
        D("1000.00"),
        timezone.localdate() + timedelta(days=2),
        count=2,
    )
    return create_plan(contract, req, actor=by or world.sales_a, today=timezone.localdate())


def ask(world: World, kind: str, by=None, customer=None, **fields) -> Approval:
    return Approval.objects.create(
        customer=customer or world.cust_a,
        kind=kind,
        requested_by=by or world.sales_a,
        reason="申请理由",
        **fields,
    )


def post_decision(username: str, url: str, decision: str = "approve", note: str = "", **extra) -> object:
    return client_for(username).post(url, {"decision": decision, "note": note}, follow=True, **extra)


# ---------------------------------------------------------------- who sees what


def test_the_inbox_lists_requests_of_the_managers_team_only(world: World) -> None:
    ask(world, "discount", rate=D("0.03"), amount=D("1000.00"))
    ask(world, "discount", customer=world.cust_c, by=world.sales_c)
    east = client_for("mgr_east").get("/approvals/").content.decode()
    assert world.cust_a.name in east and world.cust_c.name not in east
    north = client_for("mgr_north").get("/approvals/").content.decode()
    assert world.cust_c.name in north and world.cust_a.name not in north


def test_own_requests_are_not_in_ones_inbox(world: World) -> None:
    ask(world, "promise_extension", by=world.mgr_east)
    assert approvals.inbox(world.mgr_east) == []
    page = client_for("mgr_east").get("/approvals/").content.decode()
    assert "没有待审批的申请" in page and "我提交的申请" in page and "承诺延期" in page


def test_finance_sees_adjustments_but_not_plans_or_sanctions(world: World) -> None:
    plan_for(world)
    sanctions.propose(world.cust_a, sanctions.Proposal("credit_hold", "逾期"), actor=world.sales_a)
    receivable = Receivable.objects.filter(contract__customer=world.cust_a).first()
    request_adjustment(
        receivable,
        kind="write_off",
        amount=D("100.00"),
        on=date(2026, 5, 1),
        reason="无法收回",
        actor=world.sales_a,
    )
    kinds = sorted(i.kind for i in approvals.inbox(world.finance))
    assert kinds == ["write_off"]
    assert sorted(i.kind for i in approvals.inbox(world.mgr_east)) == [
        "payment_plan",
        "sanction",
        "write_off",
    ]


def test_a_salesperson_has_no_inbox_only_their_requests(world: World) -> None:
    plan_for(world)
    page = client_for("sales_a").get("/approvals/").content.decode()
    assert "回款方案" in page and "批准</button>" not in page
    assert approvals.inbox(world.sales_a) == []


@pytest.mark.parametrize("username", ["sales_a", "mgr_north"])
def test_another_customers_request_is_404(world: World, username: str) -> None:
    approval = ask(world, "discount", customer=world.cust_b, by=world.sales_b)
    assert post_decision(username, f"/approvals/{approval.pk}/decide/").status_code == 404
    assert Approval.objects.get(pk=approval.pk).status == "pending"


# ---------------------------------------------------------------- decisions


def test_approving_a_plan_activates_it(world: World) -> None:
    plan = plan_for(world)
    approval = Approval.objects.get(kind="payment_plan")
    response = post_decision("mgr_east", f"/approvals/{approval.pk}/decide/", note="同意分两期")
    assert "已批准" in response.content.decode()
    plan.refresh_from_db()
    approval.refresh_from_db()
    assert plan.status == "active"
    assert (approval.status, approval.decided_by, approval.decision_note) == (
        "approved",
        world.mgr_east,
        "同意分两期",
    )
    assert (
        AuditEntry.objects.filter(action="collection.payment_plan.approved", actor=world.mgr_east).count()
        == 1
    )
    assert AuditEntry.objects.filter(action="collection.approval.approved", actor=world.mgr_east).count() == 1


def test_rejecting_a_plan_cancels_it_and_needs_a_note(world: World) -> None:
    plan = plan_for(world)
    approval = Approval.objects.get(kind="payment_plan")
    url = f"/approvals/{approval.pk}/decide/"
    assert "驳回请填写审批意见" in post_decision("mgr_east", url, "reject").content.decode()
    assert PaymentPlan.objects.get().status == "pending"
    post_decision("mgr_east", url, "reject", note="期数太长")
    plan.refresh_from_db()
    assert plan.status == "cancelled" and Approval.objects.get().status == "rejected"


def test_nobody_approves_their_own_request(world: World) -> None:
    plan_for(world, by=world.mgr_east)
    approval = Approval.objects.get()
    with pytest.raises(approvals.ApprovalError, match="不能审批自己提交的申请"):
        approvals.decide(approval, approve=True, actor=world.mgr_east, today=timezone.localdate())
    response = post_decision("mgr_east", f"/approvals/{approval.pk}/decide/")
    assert "不能审批自己提交的申请" in response.content.decode()
    assert Approval.objects.get().status == "pending" and PaymentPlan.objects.get().status == "pending"
    assert not AuditEntry.objects.filter(action__startswith="collection.approval").exists()


def test_finance_may_not_decide_a_discount(world: World) -> None:
    approval = ask(world, "discount", rate=D("0.03"))
    response = post_decision("finance", f"/approvals/{approval.pk}/decide/")
    assert "您无权审批此类申请" in response.content.decode()
    assert Approval.objects.get().status == "pending"


def test_a_decided_request_cannot_be_decided_again(world: World) -> None:
    approval = ask(world, "promise_extension")
    url = f"/approvals/{approval.pk}/decide/"
    post_decision("mgr_east", url)
    assert "该申请已处理" in post_decision("admin", url, "reject", note="x").content.decode()
    assert Approval.objects.get().decided_by == world.mgr_east


def test_finance_decides_a_write_off(world: World) -> None:
    receivable = Receivable.objects.filter(contract__customer=world.cust_a).first()
    adjustment = request_adjustment(
        receivable,
        kind="write_off",
        amount=D("100.00"),
        on=date(2026, 5, 1),
        reason="无法收回",
        actor=world.sales_a,
    )
    page = client_for("finance").get("/approvals/").content.decode()
    assert "坏账核销" in page and "无法收回" in page
    post_decision("finance", f"/approvals/adjustments/{adjustment.pk}/decide/", note="核销")
    adjustment.refresh_from_db()
    assert adjustment.status == "approved" and adjustment.decided_by == world.finance
    assert AuditEntry.objects.filter(action="ledger.adjustment.approved", actor=world.finance).count() == 1


def test_an_adjustment_request_is_decided_through_its_approval(world: World) -> None:
    receivable = Receivable.objects.filter(contract__customer=world.cust_a).first()
    adjustment = request_adjustment(
        receivable,
        kind="small_difference",
        amount=D("0.50"),
        on=date(2026, 5, 1),
        reason="抹零",
        actor=world.sales_a,
    )
    approval = ask(world, "adjustment", subject_model="ledger.adjustment", subject_id=adjustment.pk)
    assert [i.key for i in approvals.inbox(world.finance)] == [f"approval-{approval.pk}"]  # no duplicate
    post_decision("finance", f"/approvals/{approval.pk}/decide/", "reject", note="无需抹零")
    assert Adjustment.objects.get().status == "rejected" and Approval.objects.get().status == "rejected"


def test_a_self_requested_adjustment_is_refused(world: World) -> None:
    receivable = Receivable.objects.filter(contract__customer=world.cust_a).first()
    adjustment = request_adjustment(
        receivable, kind="write_off", amount=D("10.00"), on=date(2026, 5, 1), reason="x", actor=world.finance
    )
    response = post_decision("finance", f"/approvals/adjustments/{adjustment.pk}/decide/")
    assert "不能审批自己提交的调整" in response.content.decode()
    assert Adjustment.objects.get().status == "pending"


def test_confirming_malicious_records_a_nature_review(world: World) -> None:
    approval = ask(world, "malicious")
    post_decision("mgr_east", f"/approvals/{approval.pk}/decide/", note="多次回避，付他人不付我们")
    review = NatureReview.objects.get()
    assert (review.customer, review.confirmed_malicious, review.reviewed_by) == (
        world.cust_a,
        True,
        world.mgr_east,
    )
    assert AuditEntry.objects.filter(action="collection.nature_review.recorded").count() == 1


def test_a_sanction_in_the_inbox_is_approved_through_the_ladder(world: World) -> None:
    sanction = sanctions.propose(world.cust_a, sanctions.Proposal("credit_hold", "逾期"), actor=world.sales_a)
    approval = Approval.objects.get()
    page = client_for("mgr_east").get("/approvals/").content.decode()
    assert "暂不适用停止供货" in page  # the ladder's precondition beside the request
    post_decision("mgr_east", f"/approvals/{approval.pk}/decide/")
    sanction.refresh_from_db()
    assert sanction.status == "active" and Approval.objects.get().status == "approved"


def test_a_proposed_sanction_without_a_request_still_reaches_the_inbox(world: World) -> None:
    sanction = Sanction.objects.create(
        customer=world.cust_a, kind="credit_hold", reason="逾期", proposed_by=world.sales_a
    )
    assert [i.key for i in approvals.inbox(world.mgr_east)] == [f"sanction-{sanction.pk}"]
    response = post_decision(
        "mgr_east", f"/approvals/sanctions/{sanction.pk}/decide/", HTTP_HX_REQUEST="true"
    )
    assert "<html" not in response.content.decode() and "生效中" in response.content.decode()
    assert Sanction.objects.get().status == "active" and Approval.objects.get().decided_by == world.mgr_east


# ---------------------------------------------------------------- reasons beside each request


def test_a_discount_shows_its_break_even(world: World) -> None:
    receivable = Receivable.objects.filter(contract__customer=world.cust_a).last()
    ask(world, "discount", rate=D("0.03"), amount=D("700.00"), subject_model="ledger.receivable",
        subject_id=receivable.pk)  # fmt: skip
    page = client_for("mgr_east").get("/approvals/").content.decode()
    assert "盈亏平衡折扣" in page and "最多给" in page


def test_a_malicious_confirmation_shows_the_nature_points(world: World) -> None:
    from huikuan.collection.models import Activity

    Activity.objects.create(
        customer=world.cust_a, channel="visit", occurred_at=timezone.now() - timedelta(days=3), user=world.sales_a,
        outcome="evaded", evasion=True, denied_debt=True,
    )  # fmt: skip
    ask(world, "malicious")
    page = client_for("mgr_east").get("/approvals/").content.decode()
    assert "销售记录了客户回避（+3）" in page and "无理由否认欠款（+3）" in page
    assert "待经理确认" in page
