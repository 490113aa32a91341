"""The NinjaAPI instance: /api/v1/… endpoints, OpenAPI 3 at /api/openapi.json, docs at /api/docs."""

from __future__ import annotations

from ninja import NinjaAPI

from huikuan.api import errors
from huikuan.api.auth import TokenAuth
from huikuan.api.docs import LocalSwagger
from huikuan.api.routers import analytics, collection, contracts, credit, customers, payments

api = NinjaAPI(
    title="huikuan 回款 API",
    version="1",
    description=(
        "应收款催收系统的 REST 接口：客户、合同、应收、回款、催款活动、承诺、每日运行结果、KPI 和信用状态。"
        "认证：`Authorization: Bearer <令牌>`。错误均为 JSON `{code, message}`。详见 docs/api.md。"
    ),
    auth=TokenAuth(),
    urls_namespace="api",
    docs=LocalSwagger(),
    docs_url="/docs",
    openapi_url="/openapi.json",
)
errors.install(api)
for module in (customers, contracts, payments, collection, analytics, credit):
    api.add_router("/v1", module.router)
