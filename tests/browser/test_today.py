"""今日工作台 in a real browser: own rows only, logging a visit with a promise in place, a phone screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import World
from factories import PASSWORD
from huikuan.analytics.run import run_daily
from huikuan.collection.models import Activity, Promise
from huikuan.ledger.models import Contact, Receivable

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


@pytest.fixture
def worklists(world: World) -> World:
    for customer, mark in ((world.cust_a, "甲"), (world.cust_b, "乙"), (world.cust_c, "丙")):
        Contact.objects.create(
            customer=customer,
            name=f"{mark}总",
            is_decision_maker=True,
            is_payer=True,
            title="总经理",
            phone="13800000000",
            availability="周二、周四 9:00-11:30",
        )
    run_daily(timezone.localdate())
    return world


def test_salesperson_sees_only_own_rows(page: Page, live_server, worklists: World, shot) -> None:
    log_in(page, live_server.url, "sales_a")
    expect(page.get_by_role("heading", level=1)).to_have_text("今日工作台")
    rows = page.locator("ol.worklist > li.work")
    expect(rows).to_have_count(2)
    expect(rows.first.get_by_role("link", name=worklists.cust_a.name)).to_be_visible()
    expect(page.get_by_text(worklists.cust_b.name)).to_have_count(0)
    expect(page.get_by_text(worklists.cust_c.name)).to_have_count(0)
    expect(page.locator('ol.worklist a[href^="tel:13800000000"]').first).to_be_visible()
    shot("today")


def test_logging_a_visit_with_a_promise_updates_the_row(
    page: Page, live_server, worklists: World, shot
) -> None:
    receivable = Receivable.objects.filter(contract__customer=worklists.cust_a).order_by("sequence").first()
    promised_on = timezone.localdate() + timedelta(days=12)
    log_in(page, live_server.url, "sales_a")
    row = page.locator(f"#work-{receivable.pk}")
    expect(row.get_by_text("等待")).to_have_count(0)
    row.get_by_role("link", name="记录跟进").click()
    form = row.locator("form.log-form")
    expect(form).to_be_visible()
    form.get_by_label("方式").select_option("visit")
    form.get_by_label("联系人").select_option(label="甲总（决策人、付款责任人）")
    form.get_by_label("结果").select_option("promised")
    form.get_by_label("记录", exact=True).fill("上门拜访甲总，答应按期付款")
    form.get_by_label("承诺金额（元）").fill("300.00")
    form.get_by_label("承诺付款日期").fill(promised_on.isoformat())
    shot("today-log-form")
    url_before = page.url
    form.get_by_role("button", name="保存记录").click()
    row = page.locator(f"#work-{receivable.pk}")
    expect(row.get_by_role("status")).to_contain_text("承诺 300.00 元")
    expect(row.locator(".strategy")).to_have_text("等待")
    expect(row.locator(".reasons")).to_contain_text("暂停催款至")
    expect(row.locator(".reasons")).to_contain_text("付款承诺")
    assert page.url == url_before  # never left the page
    assert Activity.objects.get().channel == "visit"
    assert Promise.objects.get().status == "pending"
    shot("today-after-log")
    page.reload()
    expect(page.locator(f"#work-{receivable.pk} .strategy")).to_have_text("等待")


def test_worklist_is_readable_on_a_phone(browser, live_server, worklists: World, shot) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "mgr_east")
    expect(page.locator("ol.worklist > li.work")).to_have_count(4)
    page.locator("li.work").first.get_by_role("link", name="记录跟进").click()
    expect(page.locator("form.log-form")).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone: {width}px"
    shot("today-390px", page)
    page.goto(f"{live_server.url}/promises/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot("promises-390px", page)
    context.close()


def test_manager_switches_to_one_salesperson(page: Page, live_server, worklists: World) -> None:
    log_in(page, live_server.url, "mgr_east")
    expect(page.locator("ol.worklist > li.work")).to_have_count(4)
    page.get_by_label("查看").select_option(label="sales_b")
    page.get_by_role("button", name="切换").click()
    expect(page.locator("ol.worklist > li.work")).to_have_count(2)
    expect(page.get_by_text(worklists.cust_a.name)).to_have_count(0)
