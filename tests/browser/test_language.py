"""Switching the interface to English with the language select, and back to Chinese."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import World
from factories import PASSWORD
from huikuan.analytics.run import run_daily

pytestmark = pytest.mark.django_db(transaction=True)


def test_switch_to_english_and_back(page: Page, live_server, world: World, shot) -> None:
    run_daily(timezone.localdate())
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("mgr_east")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("今日工作台")

    page.locator("select#language").select_option("en")  # submits itself
    expect(heading).to_contain_text("Today")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    menu = page.get_by_role("navigation", name="Main menu")
    for label in ("Today", "Customer", "Contract", "Reports", "Targets", "Approvals"):
        expect(menu.get_by_role("link", name=label, exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    expect(page.get_by_text("今日工作台")).to_have_count(0)
    expect(page.get_by_role("heading", name="Collection worklist")).to_be_visible()
    shot("english")

    menu.get_by_role("link", name="Reports", exact=True).click()
    expect(heading).to_have_text("Reports")
    expect(page.get_by_role("region", name="Key metrics")).to_be_visible()

    page.locator("select#language").select_option("zh-hans")
    expect(heading).to_have_text("报表")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    menu = page.get_by_role("navigation", name="主菜单")
    expect(menu.get_by_role("link", name="今日工作台", exact=True)).to_be_visible()
    expect(page.get_by_role("button", name="退出")).to_be_visible()
