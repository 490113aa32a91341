"""Logging in through a real browser, in Chinese, on a phone-sized screen too."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import World
from factories import PASSWORD
from huikuan.analytics.run import run_daily

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_salesperson_logs_in_and_sees_only_own_customers(page: Page, live_server, world: World, shot) -> None:
    run_daily(timezone.localdate())  # the home page is the worklist of the latest daily run
    page.goto(f"{live_server.url}/")
    expect(page).to_have_url(f"{live_server.url}/login/?next=/")
    shot("login")
    log_in(page, live_server.url, "sales_a")
    expect(page.get_by_role("heading", level=1)).to_contain_text("今日工作台")
    expect(page.get_by_role("link", name=world.cust_a.name).first).to_be_visible()
    expect(page.get_by_text(world.cust_b.name)).to_have_count(0)
    shot("home")


def test_wrong_password_shows_a_chinese_error(page: Page, live_server, world: World) -> None:
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("sales_a")
    page.get_by_label("密码").fill("wrong")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("用户名或密码不正确")).to_be_visible()


def test_home_is_readable_on_a_phone(browser, live_server, world: World, shot) -> None:
    run_daily(timezone.localdate())
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "mgr_east")
    expect(page.get_by_role("link", name=world.cust_b.name).first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone: {width}px"
    shot("home-390px", page)
    context.close()
