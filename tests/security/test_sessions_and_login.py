"""Sessions expire (absolute and idle), rotate at login and end at logout; logins are rate-limited."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.test import Client, RequestFactory
from django.utils import timezone

from conftest import World
from factories import PASSWORD
from huikuan.accounts.ratelimit import client_ip, unlock
from huikuan.accounts.sessions import LOGIN_AT, SEEN_AT
from huikuan.api.tokens import create_token
from huikuan.ops import create_user

pytestmark = pytest.mark.django_db


def log_in(client: Client, username: str, password: str = PASSWORD, **extra: str):
    return client.post("/login/", {"username": username, "password": password, "next": "/"}, **extra)


def shift_session(client: Client, **seconds_ago: float) -> None:
    session = client.session
    for key, ago in seconds_ago.items():
        session[{"login": LOGIN_AT, "seen": SEEN_AT}[key]] = time.time() - ago
    session.save()


# --- sessions -----------------------------------------------------------------------------------------------------


def test_login_rotates_the_session_and_logout_ends_it(world: World) -> None:
    client = Client()
    client.get("/login/")
    client.session.save()
    before = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert log_in(client, "sales_a").status_code == 302
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before and not SessionStore().exists(before)
    assert client.get("/").status_code == 200

    assert client.post("/logout/").status_code == 302
    assert not SessionStore().exists(after)
    response = client.get("/customers/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_session_past_its_absolute_lifetime_is_sent_to_login(world: World) -> None:
    client = Client()
    log_in(client, "sales_a")
    shift_session(client, login=settings.SESSION_MAX_SECONDS + 5, seen=1)
    response = client.get("/customers/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/customers/"
    page = client.get(response["Location"])
    assert "登录已过期，请重新登录。" in page.content.decode()


def test_an_idle_session_is_sent_to_login_and_an_active_one_is_kept(world: World) -> None:
    client = Client()
    log_in(client, "sales_a")
    shift_session(client, login=settings.SESSION_IDLE_SECONDS, seen=settings.SESSION_IDLE_SECONDS - 30)
    assert client.get("/customers/").status_code == 200  # active within the idle limit: the clock moves on
    assert time.time() - client.session[SEEN_AT] < 5
    shift_session(client, seen=settings.SESSION_IDLE_SECONDS + 5)
    response = client.get("/customers/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_session_limits_are_the_documented_defaults() -> None:
    assert settings.SESSION_MAX_SECONDS == 12 * 3600 == settings.SESSION_COOKIE_AGE
    assert settings.SESSION_IDLE_SECONDS == 120 * 60
    assert settings.SESSION_COOKIE_HTTPONLY and settings.SESSION_COOKIE_SAMESITE == "Lax"


# --- login rate limit ---------------------------------------------------------------------------------------------


def fail_five_times(client: Client, username: str, **extra: str) -> None:
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = log_in(client, username, "wrong-password", **extra)
        # The form again with its error; the fifth failure already answers with the lock-out page.
        assert response.status_code == (429 if attempt == settings.AXES_FAILURE_LIMIT else 200)
    assert AccessAttempt.objects.filter(username=username).exists()


def test_five_failures_lock_the_user_out_even_with_the_right_password(world: World) -> None:
    client = Client()
    fail_five_times(client, "sales_a")
    locked = log_in(client, "sales_a")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "登录已暂时锁定" in html and "15 分钟" in html
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302  # still not logged in


def test_the_lock_is_per_user_name_and_address(world: World) -> None:
    fail_five_times(Client(), "sales_a", REMOTE_ADDR="203.0.113.7")
    assert log_in(Client(), "sales_a", REMOTE_ADDR="203.0.113.7").status_code == 429
    # Another user from the same address, and the same user from elsewhere, are not locked.
    assert log_in(Client(), "sales_b", REMOTE_ADDR="203.0.113.7").status_code == 302
    assert log_in(Client(), "sales_a", REMOTE_ADDR="198.51.100.9").status_code == 302


def test_after_the_cool_off_the_user_can_log_in_again(world: World) -> None:
    client = Client()
    fail_five_times(client, "sales_a")
    assert log_in(client, "sales_a").status_code == 429
    # Travel past the cool-off: the failures are now older than AXES_COOLOFF_TIME.
    past = timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(seconds=1)
    AccessAttempt.objects.filter(username="sales_a").update(attempt_time=past)
    assert log_in(client, "sales_a").status_code == 302
    assert client.get("/").status_code == 200


def test_the_admin_login_is_rate_limited_too(world: World) -> None:
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post("/admin/login/", {"username": "admin", "password": "nope", "next": "/admin/"})
    response = client.post("/admin/login/", {"username": "admin", "password": PASSWORD, "next": "/admin/"})
    assert response.status_code == 429


def test_api_tokens_are_not_affected_by_a_login_lock_out(world: World) -> None:
    token = create_token(scopes=["read"], user=world.sales_a)[1]
    fail_five_times(Client(), "sales_a")
    response = Client().get("/api/v1/customers", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def test_the_lock_page_speaks_english_when_asked(world: World) -> None:
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    fail_five_times(client, "sales_a")
    html = log_in(client, "sales_a").content.decode()
    assert "Login temporarily locked" in html and "15 minutes" in html
    assert "登录已暂时锁定" not in html


def test_an_administrator_unlocks_a_user(world: World) -> None:
    fail_five_times(Client(), "sales_a")
    assert unlock("sales_a") >= 1
    assert log_in(Client(), "sales_a").status_code == 302


def test_setting_a_new_password_also_unlocks(world: World) -> None:
    fail_five_times(Client(), "sales_a")
    create_user("sales_a", role="salesperson", password="Xin-Mima-2026-Qiu")
    assert log_in(Client(), "sales_a", "Xin-Mima-2026-Qiu").status_code == 302


def test_the_client_address_behind_a_trusted_proxy(settings) -> None:
    factory = RequestFactory()
    spoofed = factory.get("/", REMOTE_ADDR="198.51.100.9", HTTP_X_FORWARDED_FOR="1.2.3.4")
    settings.TRUSTED_PROXIES = []
    assert client_ip(spoofed) == "198.51.100.9"  # no proxy configured: the header is ignored
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    assert client_ip(spoofed) == "198.51.100.9"  # not from the proxy: still ignored
    via_proxy = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(via_proxy) == "203.0.113.7"  # the hop the proxy saw, not what the client wrote
    garbage = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")
    assert client_ip(garbage) == "10.0.0.2"


def test_the_lock_follows_the_address_the_proxy_reports(world: World, settings) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.2"]
    proxy = {"REMOTE_ADDR": "10.0.0.2"}
    fail_five_times(Client(), "sales_a", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy)
    assert log_in(Client(), "sales_a", HTTP_X_FORWARDED_FOR="203.0.113.7", **proxy).status_code == 429
    assert log_in(Client(), "sales_a", HTTP_X_FORWARDED_FOR="198.51.100.9", **proxy).status_code == 302
