"""Outside demo mode `serve` and `worker` need a real secret key and no debug pages; passwords are validated."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from conftest import World
from factories import PASSWORD
from huikuan.accounts.models import User
from huikuan.accounts.startup import weak_key_reason
from huikuan.cli import CommandError, main
from huikuan.ops import create_user

STRONG = "tT7dX0kq2Vw-9sLrP3bN_cYh8ZmE4uJfG6aQ1iOxK5nRzWvBp7yHsDe2LgMjC0oU"


def huikuan(home: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "HUIKUAN_HOME": str(home), **env}
    environment.pop("HUIKUAN_DATABASE_URL", None)
    for name in ("HUIKUAN_SECRET_KEY", "HUIKUAN_DEMO", "HUIKUAN_DEBUG"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [sys.executable, "-m", "huikuan", *args], capture_output=True, text=True, env=environment, timeout=300
    )


@pytest.mark.parametrize("command", [["serve", "--port", "9"], ["worker", "--batch"]])
def test_serve_and_worker_refuse_to_start_without_a_secret_key(tmp_path: Path, command: list[str]) -> None:
    result = huikuan(tmp_path, *command)
    assert result.returncode == 1
    assert "未设置 HUIKUAN_SECRET_KEY" in result.stderr and "HUIKUAN_SECRET_KEY is not set" in result.stderr
    assert "serving" not in result.stdout


@pytest.mark.parametrize(
    "key", ["changeme", "x" * 60, "django-insecure-" + STRONG, "please-changeme-" + STRONG]
)
def test_a_weak_or_placeholder_key_is_refused(tmp_path: Path, key: str) -> None:
    result = huikuan(tmp_path, "worker", "--batch", HUIKUAN_SECRET_KEY=key)
    assert result.returncode == 1 and "HUIKUAN_SECRET_KEY 太弱" in result.stderr, result.stderr


def test_debug_pages_are_refused_outside_demo_mode(tmp_path: Path) -> None:
    result = huikuan(tmp_path, "worker", "--batch", HUIKUAN_SECRET_KEY=STRONG, HUIKUAN_DEBUG="1")
    assert result.returncode == 1 and "HUIKUAN_DEBUG=1" in result.stderr


def test_a_strong_key_or_demo_mode_lets_the_worker_start(tmp_path: Path) -> None:
    assert huikuan(tmp_path, "init", "--quiet", HUIKUAN_SECRET_KEY=STRONG).returncode == 0
    assert huikuan(tmp_path, "worker", "--batch", HUIKUAN_SECRET_KEY=STRONG).returncode == 0
    # Demo mode accepts the key generated in var/secret_key.
    demo = huikuan(tmp_path, "worker", "--batch", HUIKUAN_DEMO="1")
    assert demo.returncode == 0, demo.stderr
    assert (tmp_path / "var" / "secret_key").stat().st_mode & 0o077 == 0  # readable by its owner only


def test_weak_key_rules() -> None:
    assert weak_key_reason(STRONG) is None
    assert weak_key_reason("short")
    assert weak_key_reason("ab" * 40)  # long but only two distinct characters
    assert weak_key_reason("django-insecure-" + STRONG)
    assert weak_key_reason(STRONG[:30] + "CHANGEME" + STRONG[30:])


# --- passwords ------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "validator"),
    [
        ("Ab1!", "MinimumLengthValidator"),
        ("password123", "CommonPasswordValidator"),
        ("83749205617", "NumericPasswordValidator"),
        ("wanglei2026", "UserAttributeSimilarityValidator"),
    ],
)
def test_the_user_command_runs_the_password_validators(
    capsys: pytest.CaptureFixture[str], password: str, validator: str
) -> None:
    from django.contrib.auth import password_validation
    from django.core.exceptions import ValidationError

    check = next(
        v for v in password_validation.get_default_password_validators() if type(v).__name__ == validator
    )
    with pytest.raises(ValidationError) as refused:
        check.validate(password, User(username="wanglei2026"))
    status = main(["user", "wanglei2026", "--role", "salesperson", "--password", password])
    assert status == 1
    assert refused.value.messages[0] in capsys.readouterr().err  # the validator's own message
    user = User.objects.filter(username="wanglei2026").first()
    assert user is None or not user.check_password(password)


@pytest.mark.django_db
def test_a_strong_password_is_accepted_by_the_command() -> None:
    create_user("wanglei", role="salesperson", password="Hang-Zhou-Kehu-2026")
    assert User.objects.get(username="wanglei").check_password("Hang-Zhou-Kehu-2026")
    with pytest.raises(CommandError, match="密码"):
        create_user("wanglei", role="salesperson", password="12345678")
    assert User.objects.get(username="wanglei").check_password("Hang-Zhou-Kehu-2026")


@pytest.mark.django_db
def test_the_admin_password_form_runs_the_validators(world: World) -> None:
    client = Client()
    assert client.login(username="admin", password=PASSWORD)
    url = f"/admin/accounts/user/{world.sales_a.pk}/password/"
    weak = client.post(url, {"password1": "12345678", "password2": "12345678", "usable_password": "true"})
    html = weak.content.decode()
    from django.contrib.auth.password_validation import CommonPasswordValidator
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(Exception) as refused:
        CommonPasswordValidator().validate("12345678")
    assert weak.status_code == 200 and refused.value.messages[0] in html
    assert "12345678" not in html  # the form does not echo the password
    world.sales_a.refresh_from_db()
    assert world.sales_a.check_password(PASSWORD)
    strong = "Bei-Jing-Kehu-2026"
    done = client.post(url, {"password1": strong, "password2": strong, "usable_password": "true"})
    assert done.status_code == 302
    world.sales_a.refresh_from_db()
    assert world.sales_a.check_password(strong)
