"""The contract page in a browser: 知己 checklist, the plan preview live to the cent, a phone's width."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from conftest import World
from factories import PASSWORD
from huikuan.ledger.models import Contract, Document

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def test_contract_page_and_a_live_plan_preview(page: Page, live_server, world: World, shot) -> None:
    contract = Contract.objects.get(customer=world.cust_a)
    Document.objects.create(customer=world.cust_a, contract=contract, kind="demand", title="催款函（示例）")
    log_in(page, live_server.url, "sales_a")
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="合同").click()
    page.get_by_role("link", name="HT-A-001").click()
    expect(page.get_by_role("heading", name="知己清单（A1–A3）")).to_be_visible()
    expect(page.get_by_text("验收条款不清：验收标准、验收方式")).to_be_visible()
    page.get_by_role("group", name="涉及款项").get_by_label("1 · 预付款").check()
    shot("contract")

    page.get_by_role("link", name="制定回款方案").click()
    page.get_by_label("期数").fill("3")
    page.get_by_label("方案总金额").fill("1000.00")
    expect(page.locator("#plan-sum")).to_have_text("1,000.00")
    expect(page.locator("#plan-preview")).to_contain_text("333.34")
    page.get_by_label("期数").fill("7")
    expect(page.locator("#plan-preview")).to_contain_text("142.90")  # 1000/7: 142.90 + 6 × 142.85
    expect(page.locator("#plan-sum")).to_have_text("1,000.00")
    shot("contract-plan")
    page.get_by_role("button", name="保存并提交审批").click()
    expect(page.get_by_role("status")).to_contain_text("回款方案已提交审批")


def test_contract_page_on_a_phone(browser, live_server, world: World, shot) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "sales_a")
    contract = Contract.objects.get(customer=world.cust_a)
    page.goto(f"{live_server.url}/contracts/{contract.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("HT-A-001")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone: {width}px"
    shot("contract-390px", page)
    page.goto(f"{live_server.url}/contracts/{contract.pk}/split/")
    expect(page.locator("#split-preview")).to_contain_text("HT-A-001-2")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone: {width}px"
    shot("contract-split-390px", page)
    context.close()
