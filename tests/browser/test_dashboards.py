"""报表 in a real browser: every chart is drawn (a canvas with pixels), on a desktop and on a phone."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import Page, expect

from factories import PASSWORD
from huikuan.accounts.models import User
from huikuan.analytics.run import run_daily
from huikuan.demo.generate import Scale, generate
from huikuan.imports import tasks
from huikuan.ledger.models import Customer
from huikuan.receipts.models import BankReceipt

pytestmark = pytest.mark.django_db(transaction=True)

AS_OF = date(2026, 11, 27)
TINY = Scale(customers=30, contracts=120, receivables=330, payments=300, activities=900, name="tiny")
CHARTS = ("aging", "rates", "trend", "forecast", "promises", "completeness")

DRAWN = """id => {
  const el = document.getElementById(id);
  const chart = el && window.echarts && window.echarts.getInstanceByDom(el);
  if (!chart || chart.getOption().series.length === 0) return null;
  const canvas = el.querySelector("canvas");
  if (!canvas || canvas.width === 0 || canvas.height === 0) return null;
  const blank = document.createElement("canvas");
  blank.width = canvas.width; blank.height = canvas.height;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  let inked = 0;
  for (let i = 3; i < pixels.length; i += 4) { if (pixels[i] !== 0) inked++; }
  return {
    series: chart.getOption().series.length,
    width: canvas.width,
    height: canvas.height,
    url: canvas.toDataURL().length,
    blank: blank.toDataURL().length,
    inked: inked,
  };
}"""


@pytest.fixture
def portfolio(db: None) -> None:
    generate(TINY, seed=3, as_of=AS_OF)
    for user in User.objects.all():
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    run_daily(date(2026, 11, 20))
    run_daily(AS_OF)


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()


def assert_charts_drawn(page: Page) -> None:
    for name in CHARTS:
        page.wait_for_function(f"() => ({DRAWN})('chart-{name}') !== null", timeout=10_000)
        info = page.evaluate(DRAWN, f"chart-{name}")
        assert info["series"] > 0, name
        assert info["width"] > 0 and info["height"] > 0, name
        assert info["url"] > info["blank"], f"{name}: canvas is blank"
        assert info["inked"] > 500, f"{name}: only {info['inked']} pixels drawn"


def test_manager_dashboard_draws_every_chart(page: Page, live_server, portfolio: None, shot) -> None:
    log_in(page, live_server.url, "wangfang")
    page.get_by_role("link", name="报表").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("报表")
    assert_charts_drawn(page)
    shot("dashboards-manager")
    page.get_by_role("link", name="缺付款责任人的客户").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("缺付款责任人的客户")
    shot("dashboards-drill-down")


def test_finance_dashboard_and_a_table(page: Page, live_server, portfolio: None, shot) -> None:
    log_in(page, live_server.url, "zhaomin")
    page.goto(f"{live_server.url}/dashboards/")
    assert_charts_drawn(page)
    expect(page.get_by_text("DSO（天）").first).to_be_visible()
    shot("dashboards-finance")
    page.goto(f"{live_server.url}/dashboards/aging/")
    expect(page.get_by_role("heading", level=1)).to_have_text("账龄（按销售）")
    shot("dashboards-aging-table")


def test_salesperson_dashboard_on_a_phone(browser, live_server, portfolio: None, shot) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "zhangsan")
    page.goto(f"{live_server.url}/dashboards/")
    assert_charts_drawn(page)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone: {width}px"
    shot("dashboards-390px", page)
    context.close()


def no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"], f"page scrolls sideways: {width}px"


@pytest.fixture
def receipts(portfolio: None) -> None:
    for n, (payer, amount) in enumerate([("杭州某某科技有限公司", "12000.00"), ("=某代付方", "3500.50")]):
        BankReceipt.objects.create(
            reference=f"WEB{n}",
            received_on=date(2026, 11, 25),
            amount=Decimal(amount),
            counterparty_name=payer,
            counterparty_account=f"62220000111{n}",
            memo="货款",
            status=BankReceipt.Status.UNMATCHED,
        )


def test_salesperson_claims_a_receipt_and_finance_approves(
    browser, live_server, receipts: None, shot
) -> None:
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server.url, "zhangsan")
        page.goto(f"{live_server.url}/claims/")
        expect(page.get_by_text("杭州某某科技有限公司")).to_be_visible()
        no_sideways_scroll(page)
        shot(f"claims-pool-{width}px", page)
        context.close()
    page = browser.new_context(locale="zh-CN").new_page()
    log_in(page, live_server.url, "zhangsan")
    page.goto(f"{live_server.url}/claims/")
    page.get_by_role("link", name="认领 杭州某某科技有限公司 的 12,000.00").click()
    customer = Customer.objects.filter(owner__username="zhangsan").order_by("name").first()
    page.get_by_label("这是哪位客户的回款？").select_option(str(customer.pk))
    expect(page.get_by_role("button", name="提交认领")).to_be_visible()  # loaded over htmx
    shot("claims-form", page)
    page.get_by_label("说明（选填）").fill("客户的分公司付款")
    page.get_by_role("button", name="提交认领").click()
    expect(page.get_by_text("已提交认领，等待财务审批")).to_be_visible()
    finance = browser.new_context(locale="zh-CN").new_page()
    log_in(finance, live_server.url, "zhaomin")
    finance.goto(f"{live_server.url}/claims/review/")
    expect(finance.get_by_text(customer.name).first).to_be_visible()
    shot("claims-review", finance)
    finance.get_by_role("button", name="批准").click()
    expect(finance.get_by_text("回款已入账并分配")).to_be_visible()


def test_targets_page(browser, live_server, portfolio: None, shot) -> None:
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server.url, "wangfang")
        page.goto(f"{live_server.url}/targets/")
        expect(page.get_by_role("heading", level=1)).to_have_text("回款目标")
        no_sideways_scroll(page)
        shot(f"targets-{width}px", page)
        if width == 1280:
            field = page.get_by_label("张三 的本月目标")
            field.fill("650,000")
            field.press("Enter")
            expect(page.get_by_text("已设置 张三")).to_be_visible()
            page.goto(f"{live_server.url}/targets/commission/")
            shot("targets-commission", page)
        context.close()


def test_import_preview_shows_row_errors(
    browser, live_server, portfolio: None, monkeypatch, tmp_path, shot
) -> None:
    monkeypatch.setattr(tasks, "folder", lambda: tmp_path)
    bad = "客户名称,客户编码,扎账日\n厦门己科技有限公司,XM01,25\n,FZ02,月末\n福州辛有限公司,FZ03,40\n"
    for width in (1280, 390):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        page = context.new_page()
        log_in(page, live_server.url, "zhaomin")
        page.goto(f"{live_server.url}/imports/")
        page.get_by_label("文件（CSV 或 Excel）").set_input_files(
            files=[{"name": "客户清单.csv", "mimeType": "text/csv", "buffer": bad.encode()}]
        )
        page.get_by_label("导入类型").select_option("customers")
        page.get_by_role("button", name="上传并检查").click()
        expect(page.get_by_role("heading", name="发现 3 处错误，未写入任何数据")).to_be_visible()
        no_sideways_scroll(page)
        shot(f"imports-errors-{width}px", page)
        context.close()
    assert not Customer.objects.filter(code="XM01").exists()
