"""A manager approves a sanction in the inbox; the customer then shows the credit hold (browser)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import World
from factories import PASSWORD
from huikuan.collection.models import Sanction
from huikuan.collection.services import sanctions

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def test_manager_approves_a_sanction_and_the_customer_shows_the_credit_hold(
    page: Page, live_server, world: World, shot
) -> None:
    proposal = sanctions.Proposal("credit_hold", "两次承诺未兑现，逾期 90 天，暂停赊销新订单")
    sanctions.propose(world.cust_a, proposal, actor=world.sales_a)
    log_in(page, live_server.url, "mgr_east")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="审批").click()
    card = page.locator("article.item", has_text=world.cust_a.name)
    expect(card).to_contain_text("方法给出的理由")
    expect(card).to_contain_text("需销售经理审批并留痕")
    shot("approvals-inbox")
    card.get_by_label("审批意见（驳回必填）").fill("同意")
    card.get_by_role("button", name="批准").click()
    expect(page.get_by_role("status").filter(has_text="已批准")).to_be_visible()  # htmx swapped the card
    assert Sanction.objects.get().status == "active"

    page.goto(f"{live_server.url}/customers/{world.cust_a.pk}/")
    expect(page.get_by_role("alert")).to_contain_text("信用冻结中")
    shot("customer-credit-hold")
    page.goto(f"{live_server.url}/contracts/")
    expect(page.locator(".hold-badge")).to_have_count(1)
    page.goto(f"{live_server.url}/sanctions/")
    expect(page.get_by_text("生效中").first).to_be_visible()
    shot("sanctions-list")


def test_propose_page_on_a_phone(browser, live_server, world: World, shot) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "sales_a")
    page.goto(f"{live_server.url}/sanctions/propose/{world.cust_a.pk}/")
    page.get_by_role("combobox", name="措施").select_option("suspend_performance")
    rung = page.locator("#assessment .rung-check")
    expect(rung).to_contain_text("中止履行现有合同（F1）：前提条件不满足")  # live, htmx
    expect(rung).to_contain_text("中止履行现有合同须有法律依据")
    page.get_by_role("combobox", name="法律依据").select_option("contract_clause")
    expect(rung).to_contain_text("法律依据：合同条款")
    expect(rung).to_contain_text("前提条件满足")
    page.get_by_label("理由（陈述事实）").fill("合同第 9 条约定逾期 60 日可中止供货")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone: {width}px"
    shot("sanction-propose-390px", page)
    page.get_by_role("button", name="提交经理审批").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("中止履行")
    expect(page.get_by_text("这是您提议的措施，需由其他经理审批")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone: {width}px"
    shot("sanction-detail-390px", page)
    context.close()
