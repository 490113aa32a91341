"""API test helpers: tokens for the `world` personas and a JSON client that sends them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client

from conftest import World
from huikuan.api.tokens import create_token

ALL = ["read", "write", "payments", "credit-status", "exposures"]


@dataclass
class Response:
    status: int
    body: Any
    headers: Any


class ApiClient:
    def __init__(self, client: Client) -> None:
        self.client = client

    def call(self, method: str, path: str, token: str | None, body: Any = None, **headers: str) -> Response:
        extra = dict(headers)
        if token:
            extra["Authorization"] = f"Bearer {token}"
        kwargs: dict[str, Any] = {"headers": extra}
        if body is not None:
            kwargs.update(data=json.dumps(body, default=str), content_type="application/json")
        response = getattr(self.client, method.lower())(f"/api/v1{path}", **kwargs)
        data = json.loads(response.content) if response.content else None
        return Response(response.status_code, data, response.headers)

    def get(self, path: str, token: str | None, **headers: str) -> Response:
        return self.call("GET", path, token, **headers)

    def post(self, path: str, token: str | None, body: Any, **headers: str) -> Response:
        return self.call("POST", path, token, body, **headers)

    def patch(self, path: str, token: str | None, body: Any, **headers: str) -> Response:
        return self.call("PATCH", path, token, body, **headers)


@pytest.fixture
def api(client: Client) -> ApiClient:
    return ApiClient(client)


@dataclass
class Tokens:
    sales_a: str
    sales_b: str
    mgr_east: str
    finance: str
    erp_credit: str  # integration with only the credit-status scope
    erp: str  # integration with every scope


@pytest.fixture
def tokens(world: World) -> Tokens:
    def user(u: Any) -> str:
        return create_token(scopes=ALL, user=u)[1]

    return Tokens(
        sales_a=user(world.sales_a),
        sales_b=user(world.sales_b),
        mgr_east=user(world.mgr_east),
        finance=user(world.finance),
        erp_credit=create_token(scopes=["credit-status"], integration="ERP-credit")[1],
        erp=create_token(scopes=ALL, integration="ERP")[1],
    )
