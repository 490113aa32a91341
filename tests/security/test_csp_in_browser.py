"""The Content-Security-Policy in a real browser: pages, htmx, charts and the API docs work, and Chromium
reports no violation (it logs every blocked script, style or handler to the console)."""

from __future__ import annotations

import os

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from browser.conftest import browser_context_args, browser_type_launch_args  # noqa: F401  (Chromium set-up)
from conftest import World
from factories import PASSWORD
from huikuan.analytics.run import run_daily
from huikuan.ledger.models import Receivable

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.path.exists(os.environ.get("HUIKUAN_CHROMIUM", "/usr/bin/chromium"))
        and os.environ.get("CI") != "true",
        reason="no Chromium (apt-get install chromium)",
    ),
]


@pytest.fixture
def violations(page: Page) -> list[str]:
    seen: list[str] = []
    page.on(
        "console",
        lambda message: seen.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return seen


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1).first).to_be_visible()


def test_pages_work_under_the_policy(page: Page, live_server, world: World, violations: list[str]) -> None:
    run_daily(timezone.localdate())
    base = live_server.url
    log_in(page, base, "mgr_east")
    receivable = Receivable.objects.filter(contract__customer=world.cust_a).order_by("sequence").first()
    for path in ("/", "/customers/", f"/customers/{world.cust_a.pk}/", "/dashboards/", "/promises/"):
        response = page.goto(base + path)
        assert response is not None and response.ok, path
        assert "default-src 'self'" in response.headers["content-security-policy"]

    # htmx swaps the follow-up form into the row; its cancel button (static script, no inline handler) closes it.
    page.goto(base + "/")
    row = page.locator(f"#work-{receivable.pk}")
    row.get_by_role("link", name="记录跟进").click()
    expect(row.locator("form.log-form")).to_be_visible()
    row.get_by_role("button", name="取消").click()
    expect(row.locator("form.log-form")).to_have_count(0)

    # The language select submits itself on change (static script).
    page.locator("#language").select_option("en")
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    page.locator("#language").select_option("zh-hans")
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    assert violations == []


def test_the_api_docs_render_under_the_policy(page: Page, live_server, violations: list[str]) -> None:
    page.goto(live_server.url + "/api/docs")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible(timeout=15_000)
    assert page.locator(".swagger-ui .opblock").count() >= 30
    assert violations == []
