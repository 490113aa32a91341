"""面谈准备 in a real browser: the five D7 stages, the live wording check, recording the meeting."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from conftest import World
from factories import PASSWORD
from huikuan.collection.models import Activity, Promise
from huikuan.ledger.models import Contact, Receivable

pytestmark = pytest.mark.django_db(transaction=True)

STAGES = ("开场", "切入主题", "讨价还价", "明确具体行动", "未达成时的后续行动")


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_planner_shows_five_stages_and_lints_live(page: Page, live_server, world: World, shot) -> None:
    Contact.objects.create(customer=world.cust_a, name="甲总", is_decision_maker=True, is_payer=True)
    receivable = Receivable.objects.filter(contract__customer=world.cust_a).order_by("sequence").last()
    log_in(page, live_server.url, "sales_a")
    page.goto(f"{live_server.url}/meetings/receivables/{receivable.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("面谈准备")
    stages = page.locator("ol.stages > li.stage")
    expect(stages).to_have_count(5)
    for n, title in enumerate(STAGES):
        expect(stages.nth(n).get_by_role("heading")).to_have_text(title)

    draft = page.get_by_role("textbox", name="消息草稿")
    draft.fill("王总您好，请按合同约定安排付款。")
    result = page.locator("#lint-result")
    expect(result.locator("mark").first).to_have_text("合同")
    expect(result).to_contain_text("双方约定")
    shot("meeting-lint")
    draft.fill("王总您好，请按我们的约定安排付款。")
    expect(result).to_contain_text("措辞检查通过")

    first = timezone.localdate() + timedelta(days=7)
    page.get_by_label("结果", exact=True).select_option("promised")
    page.get_by_label("第 1 期金额（元）").fill("400.00")
    page.get_by_label("第 1 期付款日期").fill(first.isoformat())
    page.get_by_label("第 2 期金额（元）").fill("300.00")
    page.get_by_label("第 2 期付款日期").fill((first + timedelta(days=30)).isoformat())
    page.get_by_role("button", name="保存面谈记录").click()
    expect(page.get_by_role("status").first).to_contain_text("面谈已记录，含 2 期付款承诺")
    activity = Activity.objects.get()
    assert activity.channel == "meeting" and "感谢贵司" in activity.stage_opening
    assert Promise.objects.filter(activity=activity).count() == 2


def test_planner_is_readable_on_a_phone(browser, live_server, world: World, shot) -> None:
    receivable = Receivable.objects.filter(contract__customer=world.cust_a).order_by("sequence").first()
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live_server.url, "sales_a")
    page.goto(f"{live_server.url}/meetings/receivables/{receivable.pk}/")
    expect(page.locator("ol.stages > li.stage")).to_have_count(5)
    page.get_by_role("textbox", name="消息草稿").fill("再不付款我们就起诉，追究法律责任。")
    expect(page.locator("#lint-result mark").first).to_be_visible()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"page scrolls sideways on a phone: {width}px"
    shot("meeting-390px", page)
    context.close()
