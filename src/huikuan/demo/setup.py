"""`huikuan demo` (what `make demo` runs): a ready-to-use instance with a demo portfolio.

Running it again reuses the database: nothing is generated twice and changed passwords stay.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from huikuan.ops import describe_database, init_database


@dataclass(frozen=True)
class DemoUser:
    username: str
    role_zh: str
    role_en: str


DEMO_USERS = [
    DemoUser("wangfang", "销售经理", "sales manager"),
    DemoUser("zhangsan", "销售", "salesperson"),
    DemoUser("lisi", "销售", "salesperson"),
    DemoUser("zhaomin", "财务", "finance clerk"),
]
DEMO_PASSWORD = "huikuan-demo"


def prepare_demo(seed: int = 1) -> list[DemoUser]:
    """Database, small portfolio and demo passwords; returns the demo users."""
    from django.utils import timezone

    from huikuan.accounts.models import User
    from huikuan.analytics.models import DailyRun
    from huikuan.analytics.run import run_daily
    from huikuan.demo.generate import generate
    from huikuan.ledger.models import Customer

    init_database(verbose=False)
    today = timezone.localdate()
    if not Customer.objects.exists():
        print("正在生成演示数据 / generating the demo portfolio …", flush=True)
        result = generate("small", seed=seed, as_of=today, progress=sys.stderr.isatty())
        print(result.summary(), flush=True)
    if DailyRun.latest() is None:
        # The worklists and dashboards read the latest daily run: make the first one now.
        outcome = run_daily(today, trigger="demo")
        print(
            f"每日运行完成 / daily run done: {outcome.summary['totals']['receivables_open']} 笔未结清应收",
            flush=True,
        )
    for demo in DEMO_USERS:
        user = User.objects.get(username=demo.username)
        if not user.has_usable_password():
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
    return DEMO_USERS


def credentials_text(host: str, port: int) -> str:
    lines = [
        "",
        "回款 huikuan 演示已就绪 / demo ready",
        f"  数据库 / database: {describe_database()}",
        f"  打开 / open:       http://{host}:{port}/",
        f"  密码 / password:   {DEMO_PASSWORD}",
        "  用户 / users:",
    ]
    lines += [f"    {u.username:<10} {u.role_zh}  ({u.role_en})" for u in DEMO_USERS]
    return "\n".join(lines) + "\n"


def run_demo(host: str, port: int, serve_after: bool = True) -> None:
    from huikuan.ops import serve

    prepare_demo()
    print(credentials_text(host, port), flush=True)
    if serve_after:
        serve(host=host, port=port)
