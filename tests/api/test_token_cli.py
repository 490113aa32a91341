"""`huikuan token create|revoke|list` prints a token once and revokes it by prefix."""

from __future__ import annotations

import pytest

from api.conftest import ApiClient
from conftest import World
from huikuan.api.models import ApiToken
from huikuan.cli import main

pytestmark = pytest.mark.django_db


def test_create_use_and_revoke_an_integration_token(
    api: ApiClient, world: World, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["token", "create", "--integration", "金蝶ERP", "--scopes", "credit-status,exposures"]) == 0
    token = capsys.readouterr().out.splitlines()[0]
    stored = ApiToken.objects.get()
    assert stored.integration == "金蝶ERP" and stored.scopes == ["credit-status", "exposures"]
    assert token not in stored.hashed
    assert api.get(f"/customers/{world.cust_a.pk}/credit-status", token).status == 200
    assert main(["token", "list"]) == 0
    listing = capsys.readouterr().out
    assert stored.prefix in listing and token not in listing
    assert main(["token", "revoke", stored.prefix]) == 0
    assert api.get(f"/customers/{world.cust_a.pk}/credit-status", token).status == 401


def test_a_user_token_and_bad_input(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["token", "create", "--user", "sales_a", "--scopes", "read"]) == 0
    assert ApiToken.objects.get().user == world.sales_a
    assert main(["token", "create", "--user", "nobody", "--scopes", "read"]) == 1
    assert main(["token", "create", "--user", "sales_a", "--scopes", "everything"]) == 1
    assert "未知的权限范围" in capsys.readouterr().err
