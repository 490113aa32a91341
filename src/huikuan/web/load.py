"""`python -m huikuan.web.load`: 50 users doing the daily mix against the production server, for
`make bench` (not part of the tests).

PostgreSQL only: when ``HUIKUAN_DATABASE_URL`` is not a PostgreSQL URL the command runs itself again
under ``scripts/with-postgres.sh`` (a throw-away cluster). It builds the mid portfolio like
``huikuan.web.bench`` (generate, daily run, demo passwords for the manager ``wangfang`` and her
team), gives the finance clerk a password and an API token, serves the app with ``huikuan serve``
(gunicorn, production settings) on 127.0.0.1 and runs the users as asyncio tasks with httpx, each
with its own session, a short think time between actions and at most ``--in-flight`` requests
on the wire at once:

* salespeople open 今日工作台, one of their customers, log an activity with a promise (the form's
  GET, then a POST with its CSRF token) and open 承诺;
* managers open the team's 今日工作台, 报表 and 审批;
* finance records a payment (``POST /api/payments`` with an Idempotency-Key) or opens 认领审核.

Reports per action: requests, errors, p50/p95/p99 in ms and throughput; prints JSON, writes
``var/bench/load.json`` and exits 1 when any request failed (a status other than the expected one,
or no answer).

    python -m huikuan.web.load [--seconds 120] [--users 50] [--in-flight 20] [--think 1.0]
    (HUIKUAN_LOAD_SECONDS overrides the default duration)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import secrets
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx

from huikuan.ops import SERVE_THREADS
from huikuan.web.bench import (
    AS_OF,
    HOST,
    PASSWORD,
    _env,
    _percentile,
    _run,
    bench_home,
    prepare,
    serving,
    write_report,
)

WORKERS = 2
REQUEST_TIMEOUT = 60.0
SEED = 7
# (action, weight) per role: what each kind of user does in a working day, roughly.
MIX = {
    "salesperson": (("today", 4), ("customer", 3), ("log_promise", 2), ("promises", 1)),
    "manager": (("team_today", 3), ("dashboard", 3), ("approvals", 2)),
    "finance": (("payment", 3), ("claims", 1)),
}
SHARE = {"manager": 0.12, "finance": 0.08}  # the rest are salespeople

FINANCE_CODE = """
import json, sys
import django
django.setup()
from huikuan.accounts.models import User
from huikuan.api.tokens import create_token
from huikuan.ledger.models import Customer
clerk = User.objects.filter(role="finance", is_active=True).order_by("pk").first()
clerk.set_password(sys.argv[1])
clerk.save(update_fields=["password"])
_row, token = create_token(scopes=["payments", "read"], user=clerk, created_by="load test")
customers = list(Customer.objects.order_by("pk").values_list("pk", flat=True)[:500])
print(json.dumps({"username": clerk.username, "token": token, "customers": customers}))
"""
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
LOG_LINK = re.compile(r"/today/receivables/(\d+)/log/")


@dataclass
class Stats:
    samples: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)
    refused: dict[str, int] = field(default_factory=dict)  # the app said no, as it should (not errors)

    def add(self, action: str, seconds: float, ok: bool, detail: str = "") -> None:
        self.samples.setdefault(action, [])
        self.errors.setdefault(action, 0)
        if ok:
            self.samples[action].append(seconds)
        else:
            self.errors[action] += 1
            if len(self.examples) < 10:
                self.examples.append(f"{action}: {detail}")


@dataclass
class User:
    """One person at a browser: a session of their own, and what they work on."""

    username: str
    role: str
    customers: list[int]
    client: httpx.AsyncClient
    rng: random.Random
    receivables: list[int] = field(default_factory=list)
    token: str = ""
    n: int = 0


class Run:
    def __init__(self, base: str, seconds: float, in_flight: int, think: float) -> None:
        self.base = base
        self.deadline = 0.0
        self.seconds = seconds
        self.gate = asyncio.Semaphore(in_flight)
        self.think = think
        self.stats = Stats()
        self.day = datetime.now(ZoneInfo("Asia/Shanghai")).date()  # the server's TIME_ZONE

    async def request(
        self,
        user: User,
        action: str,
        method: str,
        path: str,
        expect: tuple[int, ...] = (200,),
        refusal: str = "",
        **kw: Any,
    ) -> httpx.Response | None:
        """One timed request; counted under ``action`` unless ``action`` is empty (set-up). A 400
        whose page says ``refusal`` is the app declining as its rules say: counted, not an error."""
        refused = False
        async with self.gate:
            started = time.perf_counter()
            try:
                response = await user.client.request(method, path, **kw)
                refused = bool(refusal) and response.status_code == 400 and refusal in response.text
                ok, detail = response.status_code in expect or refused, f"HTTP {response.status_code} {path}"
            except httpx.HTTPError as exc:
                response, ok, detail = None, False, f"{type(exc).__name__} {path}"
            elapsed = time.perf_counter() - started
        if action and time.perf_counter() < self.deadline:
            self.stats.add(action, elapsed, ok, detail)
            if refused:
                self.stats.refused[action] = self.stats.refused.get(action, 0) + 1
        return response if ok and not refused else None

    async def login(self, user: User) -> None:
        page = await self.request(user, "", "GET", "/login/")
        match = CSRF.search(page.text) if page is not None else None
        if match is None:
            raise RuntimeError(f"login page for {user.username} failed")
        form = {"username": user.username, "password": PASSWORD, "csrfmiddlewaretoken": match.group(1)}
        done = await self.request(user, "", "POST", "/login/", (302,), data=form)
        if done is None or "/login/" in done.headers.get("location", ""):
            raise RuntimeError(f"login of {user.username} failed")

    # --- actions ---------------------------------------------------------------------------------

    async def today(self, user: User, action: str = "today") -> None:
        page = await self.request(user, action, "GET", "/")
        if page is not None and user.role == "salesperson":
            found = [int(pk) for pk in LOG_LINK.findall(page.text)]
            if found:
                user.receivables = list(dict.fromkeys(found))

    async def customer(self, user: User) -> None:
        await self.request(user, "customer", "GET", f"/customers/{user.rng.choice(user.customers)}/")

    async def log_promise(self, user: User) -> None:
        if not user.receivables:
            await self.today(user)
        if not user.receivables:
            return
        pk = user.rng.choice(user.receivables)
        path = f"/today/receivables/{pk}/log/"
        form_page = await self.request(user, "log_form", "GET", f"{path}?action=call")
        match = CSRF.search(form_page.text) if form_page is not None else None
        if match is None:
            return
        prefix = f"log{pk}"
        promise_on = self.day + timedelta(days=user.rng.randint(3, 30))
        form = {
            "csrfmiddlewaretoken": match.group(1),
            f"{prefix}-channel": "call",
            f"{prefix}-outcome": "promised",
            f"{prefix}-notes": "负载测试：客户答应月底前付款",
            # Small enough to be below any open amount, so the form has no reason to refuse it.
            f"{prefix}-promise_amount": f"{user.rng.randint(1, 50)}.00",
            f"{prefix}-promise_on": promise_on.isoformat(),
        }
        # A receivable on the worklist may owe less than the promise (partly paid, or paid by a
        # finance user a moment ago): the form then refuses it (…超过未收余额), which is right.
        await self.request(
            user,
            "log_promise",
            "POST",
            path,
            (302,),
            refusal="超过未收余额",
            data=form,
            headers={"Referer": self.base + path},
        )

    async def payment(self, user: User) -> None:
        user.n += 1
        body = {
            "customer_id": user.rng.choice(user.customers),
            "paid_on": AS_OF,
            "amount": f"{user.rng.randint(1000, 200000)}.00",
            "reference": f"LOAD-{user.username}-{id(user)}-{user.n}",
            "memo": "负载测试回款",
        }
        headers = {"Authorization": f"Bearer {user.token}", "Idempotency-Key": body["reference"]}
        await self.request(user, "payment", "POST", "/api/v1/payments", (201,), json=body, headers=headers)

    async def page(self, user: User, action: str, path: str) -> None:
        await self.request(user, action, "GET", path)

    async def act(self, user: User, action: str) -> None:
        if action == "today":
            await self.today(user)
        elif action == "team_today":
            await self.today(user, "team_today")
        elif action == "customer":
            await self.customer(user)
        elif action == "log_promise":
            await self.log_promise(user)
        elif action == "payment":
            await self.payment(user)
        else:
            paths = {"promises": "/promises/", "dashboard": "/dashboards/", "approvals": "/approvals/"}
            await self.page(user, action, paths.get(action, "/claims/review/"))

    async def live(self, user: User, start: asyncio.Event) -> None:
        actions, weights = zip(*MIX[user.role], strict=True)
        await start.wait()
        # Users do not all arrive in the same millisecond.
        await asyncio.sleep(user.rng.uniform(0, self.think))
        while time.perf_counter() < self.deadline:
            await self.act(user, user.rng.choices(actions, weights)[0])
            await asyncio.sleep(user.rng.expovariate(1 / self.think) if self.think > 0 else 0)


async def drive(
    port: int, plan: list[tuple[str, str]], people: dict[str, Any], finance: dict[str, Any], args: Any
) -> dict[str, Any]:
    base = f"http://{HOST}:{port}"
    run = Run(base, args.seconds, args.in_flight, args.think)
    # Drop an idle connection before gunicorn does (its keep-alive is 2 s): reusing one the server
    # is closing at that moment fails with ReadError, a race of the client, not an error of the app.
    limits = httpx.Limits(max_connections=2, max_keepalive_connections=2, keepalive_expiry=1.0)
    users = []
    for i, (username, role) in enumerate(plan):
        info = finance if role == "finance" else people[username]
        client = httpx.AsyncClient(
            base_url=base,
            timeout=REQUEST_TIMEOUT,
            limits=limits,
            headers={"Accept-Language": "zh-Hans"},
            follow_redirects=False,
        )
        users.append(
            User(
                username,
                role,
                info["customers"],
                client,
                random.Random(SEED * 1000 + i),
                token=finance["token"],
            )
        )
    try:
        run.deadline = time.perf_counter() + 3600  # set-up requests are not counted (action "")
        for user in users:
            await run.login(user)
        for user in users:  # warm-up: first templates, caches, connections; not counted
            await run.request(user, "", "GET", "/")
        start = asyncio.Event()
        tasks = [asyncio.create_task(run.live(user, start)) for user in users]
        began = time.perf_counter()
        run.deadline = began + args.seconds
        start.set()
        await asyncio.gather(*tasks)
        wall = time.perf_counter() - began
    finally:
        for user in users:
            await user.client.aclose()
    return summarise(run.stats, wall)


def summarise(stats: Stats, wall: float) -> dict[str, Any]:
    actions: dict[str, Any] = {}
    for action in sorted(stats.samples):
        values = sorted(stats.samples[action])
        errors = stats.errors[action]
        row: dict[str, Any] = {"count": len(values) + errors, "errors": errors}
        if stats.refused.get(action):
            row["refused"] = stats.refused[action]
        if values:
            row |= {
                "p50_ms": round(_percentile(values, 50) * 1000, 1),
                "p95_ms": round(_percentile(values, 95) * 1000, 1),
                "p99_ms": round(_percentile(values, 99) * 1000, 1),
                "max_ms": round(values[-1] * 1000, 1),
            }
        row["per_s"] = round(row["count"] / wall, 2) if wall else None
        actions[action] = row
    total = sum(r["count"] for r in actions.values())
    return {
        "actions": actions,
        "requests": total,
        "errors": sum(r["errors"] for r in actions.values()),
        "error_examples": stats.examples,
        "wall_s": round(wall, 1),
        "requests_per_s": round(total / wall, 1) if wall else None,
    }


def _plan(users: dict[str, Any], n: int) -> list[tuple[str, str]]:
    managers = [u for u, info in users.items() if info["role"] == "manager"]
    sales = [u for u, info in users.items() if info["role"] == "salesperson"]
    if not managers or not sales:
        raise RuntimeError(f"expected a manager and salespeople, got {sorted(users)}")
    n_managers = max(1, round(n * SHARE["manager"]))
    n_finance = max(1, round(n * SHARE["finance"]))
    plan = [(managers[i % len(managers)], "manager") for i in range(n_managers)]
    plan += [("", "finance")] * n_finance
    plan += [(sales[i % len(sales)], "salesperson") for i in range(n - n_managers - n_finance)]
    return plan


def load(args: argparse.Namespace, home: Path, database_url: str) -> dict[str, Any]:
    env = _env(home, database_url)
    # Production settings: `huikuan serve` refuses to start without a real secret key.
    env.setdefault("HUIKUAN_SECRET_KEY", secrets.token_urlsafe(50))
    prepared = prepare(args.scale, env, postgres=True)
    _wall, out = _run([sys.executable, "-c", FINANCE_CODE, PASSWORD], env)
    finance = json.loads(out.strip().splitlines()[-1])
    plan = [
        (finance["username"] if role == "finance" else u, role)
        for u, role in _plan(prepared["users"], args.users)
    ]
    with serving(env, home, WORKERS) as port:
        print(f"{len(plan)} users; driving for {args.seconds:g} s …", file=sys.stderr, flush=True)
        result = asyncio.run(drive(port, plan, prepared["users"], finance, args))
    log = home / "serve.log"
    server_errors = sum(1 for line in log.read_text(errors="replace").splitlines() if '" 5' in line)
    return {
        **result,
        "users": len(plan),
        "user_roles": {role: sum(1 for _u, r in plan if r == role) for role in MIX},
        "in_flight": args.in_flight,
        "think_s": args.think,
        "seconds": args.seconds,
        "server_5xx_logged": server_errors,
        "database": "postgresql",
        "scale": args.scale,
        "as_of": AS_OF,
        "run_as_of": prepared["today"],
        "server": {"workers": WORKERS, "worker_class": "gthread", "threads": SERVE_THREADS},
        "cores": os.cpu_count(),
        "mix": {role: dict(pairs) for role, pairs in MIX.items()},
        "setup": prepared["timings"],
    }


def _reexec_under_postgres(argv: list[str]) -> None:
    script = Path(__file__).resolve().parents[3] / "scripts" / "with-postgres.sh"
    if not script.exists():
        raise SystemExit("huikuan.web.load: 需要 PostgreSQL（设置 HUIKUAN_DATABASE_URL）/ needs PostgreSQL")
    os.execvp("bash", ["bash", str(script), sys.executable, "-m", "huikuan.web.load", *argv])


def main(argv: list[str] | None = None) -> None:
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(prog="python -m huikuan.web.load", description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("HUIKUAN_LOAD_SECONDS", "120")))
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--in-flight", type=int, default=20, help="requests on the wire at once, at most")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a user's actions (s)")
    parser.add_argument("--scale", default="mid", choices=["small", "mid", "large"])
    parser.add_argument("--keep", action="store_true", help="keep the temporary HUIKUAN_HOME and print it")
    args = parser.parse_args(argv)
    if args.users < 3 or args.seconds <= 0 or args.in_flight < 1 or args.think < 0:
        parser.error("--users ≥ 3, --seconds > 0, --in-flight ≥ 1, --think ≥ 0")
    url = os.environ.get("HUIKUAN_DATABASE_URL", "")
    if not url.startswith("postgres"):
        _reexec_under_postgres(argv)
    with bench_home("huikuan-load-", keep=args.keep) as home:
        report = load(args, home, url)
    write_report("load", report)
    if report["errors"]:
        sys.exit(1)


if __name__ == "__main__":
    main()
