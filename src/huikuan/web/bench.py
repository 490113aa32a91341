"""`python -m huikuan.web.bench`: page latency of the web app for `make bench` (not part of the tests).

Builds a portfolio in a fresh temporary ``HUIKUAN_HOME`` (or, when ``HUIKUAN_DATABASE_URL`` points at
PostgreSQL, in that database: created if missing, generated unless it already holds customers), runs
the daily run, gives demo passwords to the manager ``wangfang`` and the salespeople of her team
(``zhangsan`` first), starts ``huikuan serve`` on 127.0.0.1 and logs in N clients, each with its own
session. For a bounded time every client requests pages back to back (no think time): 今日工作台 (/),
a Customer 360 page of one of its user's customers and 报表 (/dashboards/), weighted by role.
One request per page and client is made first as a warm-up and not counted.

Prints JSON and writes ``var/bench/web.json``; nothing asserts on time.

    python -m huikuan.web.bench [--scale mid] [--clients 10] [--seconds 30] [--keep] [--home DIR]
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import random
import re
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

from huikuan.ops import SERVE_THREADS

AS_OF = "2026-11-27"
SEED = 1
PASSWORD = "huikuan-demo"  # the demo password (huikuan.demo.setup)
MANAGER = "wangfang"
SALESPERSON = "zhangsan"
HOST = "127.0.0.1"
WORKERS = 2
PAGES = ("today", "customer", "dashboard")
# What a user of each role opens, roughly: salespeople live on Today and their customers,
# managers look at the dashboard more often.
WEIGHTS = {"salesperson": (0.45, 0.45, 0.10), "manager": (0.35, 0.25, 0.40)}
CUSTOMERS_PER_USER = 40
REQUEST_TIMEOUT = 60

SETUP_CODE = """
import json, random, sys
import django
django.setup()
from huikuan.accounts.access import visible_customers
from django.utils import timezone
from huikuan.accounts.models import Team, User

manager, salesperson, password, per_user = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
boss = User.objects.get(username=manager)
team = Team.objects.filter(managers=boss).order_by("pk").first()
sales = list(User.objects.filter(team=team, role="salesperson").order_by("pk")) if team else []
sales.sort(key=lambda u: u.username != salesperson)
users = {}
for user in [boss, *sales]:
    user.set_password(password)
    user.save(update_fields=["password"])
    ids = list(visible_customers(user).order_by("pk").values_list("pk", flat=True))
    ids = random.Random(user.pk).sample(ids, min(per_user, len(ids)))
    users[user.username] = {"role": user.role, "customers": ids}
print(json.dumps({"users": users, "today": timezone.localdate().isoformat()}))
"""

COUNT_CODE = """
import django
django.setup()
from huikuan.ledger.models import Customer
print(Customer.objects.count())
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def _env(home: Path, database_url: str | None) -> dict[str, str]:
    env = {**os.environ, "HUIKUAN_HOME": str(home), "DJANGO_SETTINGS_MODULE": "huikuan.settings"}
    env.pop("HUIKUAN_DATABASE_URL", None)
    env.pop("HUIKUAN_DEBUG", None)
    # Production settings: the server refuses to start without a secret key.
    env.setdefault("HUIKUAN_SECRET_KEY", secrets.token_urlsafe(50))
    if database_url:
        env["HUIKUAN_DATABASE_URL"] = database_url
    return env


def _run(args: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[1:4])} … failed: {done.stderr[-3000:]}")
    return time.perf_counter() - started, done.stdout


def _huikuan(*args: str, env: dict[str, str]) -> float:
    wall, _out = _run([sys.executable, "-m", "huikuan", *args], env)
    return round(wall, 1)


def _create_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` when it does not exist (a fresh cluster has none)."""
    import psycopg

    parts = urllib.parse.urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(scale: str, env: dict[str, str], postgres: bool) -> dict[str, Any]:
    """init, generate, daily, passwords; returns timings and the users with their customers."""
    if postgres:
        _create_database(env["HUIKUAN_DATABASE_URL"])
    timings: dict[str, float | None] = {"init_s": _huikuan("init", "--quiet", env=env)}
    _wall, out = _run([sys.executable, "-c", COUNT_CODE], env)
    if int(out.strip().splitlines()[-1]) == 0:
        print(f"generating the {scale} portfolio …", file=sys.stderr, flush=True)
        timings["generate_s"] = _huikuan(
            "generate", "--scale", scale, "--seed", str(SEED), "--as-of", AS_OF, "--quiet", env=env
        )
    else:  # a PostgreSQL database that already holds a portfolio: use it as it is
        timings["generate_s"] = None
    _wall, out = _run(
        [sys.executable, "-c", SETUP_CODE, MANAGER, SALESPERSON, PASSWORD, str(CUSTOMERS_PER_USER)], env
    )
    setup = json.loads(out.strip().splitlines()[-1])
    # The run of the day the pages show (the server's local date, which after 16:00 UTC is the day
    # after AS_OF in China): without it every page would judge its customers anew.
    print(f"daily run for {setup['today']} …", file=sys.stderr, flush=True)
    timings["daily_s"] = _huikuan("daily", "--as-of", setup["today"], "--quiet", env=env)
    return {"timings": timings, "users": setup["users"], "today": setup["today"]}


# --- the clients -------------------------------------------------------------------------------


@dataclass
class Client:
    """One browser: a keep-alive connection and a session cookie."""

    port: int
    username: str
    role: str
    customers: list[int]
    rng: random.Random
    cookies: dict[str, str] = field(default_factory=dict)
    conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(HOST, self.port, timeout=REQUEST_TIMEOUT)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, body: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, Location header, body text); reconnects once when the server closed the connection."""
        headers = {"Accept-Language": "zh-Hans", "Connection": "keep-alive"}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://{HOST}:{self.port}{path}"
        for attempt in (1, 2):
            conn = self._connection()
            try:
                conn.request(method, path, body=data, headers=headers)
                response = conn.getresponse()
                text = response.read().decode("utf-8", "replace")
                break
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for key, morsel in jar.items():
                self.cookies[key] = morsel.value
        if response.headers.get("Connection", "").lower() == "close":
            self.close()
        return response.status, response.headers.get("Location", ""), text

    def login(self) -> None:
        status, _location, html = self.request("GET", "/login/")
        match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
        if status != 200 or not match:
            raise RuntimeError(f"login page: HTTP {status}")
        form = {
            "username": self.username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": match.group(1),
            "next": "/",
        }
        status, location, _text = self.request("POST", "/login/", form)
        if status != 302 or "/login/" in location:
            raise RuntimeError(f"login of {self.username} failed: HTTP {status} → {location!r}")

    def path_of(self, page: str) -> str:
        if page == "today":
            return "/"
        if page == "customer":
            return f"/customers/{self.rng.choice(self.customers)}/"
        return "/dashboards/"

    def hit(self, page: str) -> tuple[float, bool]:
        """Seconds for one page (request sent → body read) and whether it was a 200."""
        path = self.path_of(page)
        started = time.perf_counter()
        try:
            status, _location, _text = self.request("GET", path)
            ok = status == 200
        except (OSError, http.client.HTTPException):
            self.close()
            ok = False
        return time.perf_counter() - started, ok


def _percentile(sorted_values: list[float], q: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    rank = max(1, math.ceil(q / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def drive(clients: list[Client], seconds: float) -> dict[str, Any]:
    """Warm up, then let every client loop until the deadline; latencies per page."""
    samples: dict[str, list[float]] = {p: [] for p in PAGES}
    errors = {p: 0 for p in PAGES}
    warmup: dict[str, list[float]] = {p: [] for p in PAGES}
    lock = threading.Lock()
    deadline = [0.0]
    began = [0.0]

    def go() -> None:  # runs once, when every client has warmed up
        began[0] = time.perf_counter()
        deadline[0] = began[0] + seconds

    start = threading.Barrier(len(clients), action=go)

    def loop(client: Client) -> None:
        for page in PAGES:  # warm-up: first templates, the dashboard's per-run cache, connections
            elapsed, _ok = client.hit(page)
            with lock:
                warmup[page].append(elapsed)
        start.wait()
        weights = WEIGHTS.get(client.role, WEIGHTS["salesperson"])
        mine: list[tuple[str, float, bool]] = []
        while time.perf_counter() < deadline[0]:
            page = client.rng.choices(PAGES, weights)[0]
            elapsed, ok = client.hit(page)
            mine.append((page, elapsed, ok))
        with lock:
            for page, elapsed, ok in mine:
                if ok:
                    samples[page].append(elapsed)
                else:
                    errors[page] += 1
        client.close()

    threads = [threading.Thread(target=loop, args=(c,), daemon=True) for c in clients]
    cpu = time.process_time()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - began[0]
    cpu = time.process_time() - cpu  # the load generator's own share of the two cores
    pages: dict[str, Any] = {}
    for page in PAGES:
        values = sorted(samples[page])
        row: dict[str, Any] = {"requests": len(values) + errors[page], "errors": errors[page]}
        if values:
            row |= {
                "p50_ms": round(_percentile(values, 50) * 1000, 1),
                "p95_ms": round(_percentile(values, 95) * 1000, 1),
                "max_ms": round(values[-1] * 1000, 1),
            }
        if warmup[page]:
            row["warmup_max_ms"] = round(max(warmup[page]) * 1000, 1)
        pages[page] = row
    total = sum(r["requests"] for r in pages.values())
    return {
        "pages": pages,
        "wall_s": round(wall, 1),
        "requests_per_s": round(total / wall, 1) if wall else None,
        "client_cpu_s": round(cpu, 1),
    }


def _wait_for_server(port: int, server: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise RuntimeError("huikuan serve exited: " + log.read_text(errors="replace")[-3000:])
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=5)
            conn.request("GET", "/health/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("huikuan serve did not answer within 60 s")


@contextmanager
def serving(env: dict[str, str], home: Path, workers: int = WORKERS) -> Iterator[int]:
    """``huikuan serve`` on a free loopback port for the duration of the block (log in home/serve.log)."""
    port = _free_port()
    log = home / "serve.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "huikuan",
                "serve",
                "--host",
                HOST,
                "--port",
                str(port),
                "--workers",
                str(workers),
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _wait_for_server(port, server, log)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def bench(scale: str, n_clients: int, seconds: float, home: Path, database_url: str | None) -> dict[str, Any]:
    postgres = bool(database_url)
    home.mkdir(parents=True, exist_ok=True)
    env = _env(home, database_url)
    prepared = prepare(scale, env, postgres)
    users = prepared["users"]
    manager_names = [u for u, info in users.items() if info["role"] == "manager"]
    sales_names = [u for u, info in users.items() if info["role"] == "salesperson"]
    if not manager_names or not sales_names:
        raise RuntimeError(f"expected a manager and salespeople, got {sorted(users)}")
    # One client in five is a manager (at least one), the others are the team's salespeople.
    n_managers = max(1, round(n_clients / 5)) if n_clients > 1 else 0
    plan = [manager_names[0]] * n_managers
    plan += [sales_names[i % len(sales_names)] for i in range(n_clients - n_managers)]

    with serving(env, home) as port:
        clients = []
        for i, username in enumerate(plan):
            info = users[username]
            client = Client(port, username, info["role"], info["customers"], random.Random(SEED * 1000 + i))
            client.login()
            clients.append(client)
        print(f"{len(clients)} clients logged in; driving for {seconds:g} s …", file=sys.stderr, flush=True)
        result = drive(clients, seconds)
    return {
        **result,
        "clients": n_clients,
        "client_users": {u: plan.count(u) for u in dict.fromkeys(plan)},
        "database": "postgresql" if postgres else "sqlite",
        "scale": scale,
        "as_of": AS_OF,
        "run_as_of": prepared["today"],
        "server": {"workers": WORKERS, "worker_class": "gthread", "threads": SERVE_THREADS},
        "cores": os.cpu_count(),
        "seconds": seconds,
        "weights": {role: dict(zip(PAGES, w, strict=True)) for role, w in WEIGHTS.items()},
        "setup": prepared["timings"],
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m huikuan.web.bench", description=__doc__.split("\n")[0])
    parser.add_argument("--scale", default="mid", choices=["small", "mid", "large"])
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--keep", action="store_true", help="keep the temporary HUIKUAN_HOME and print it")
    parser.add_argument(
        "--home",
        type=Path,
        help="reuse this HUIKUAN_HOME (e.g. one kept by --keep): no new portfolio is generated",
    )
    args = parser.parse_args(argv)
    if args.clients < 1 or args.seconds <= 0:
        parser.error("--clients and --seconds must be positive")

    url = os.environ.get("HUIKUAN_DATABASE_URL", "")
    database_url = url if url.startswith("postgres") else None
    with bench_home("huikuan-web-bench-", keep=args.keep, reuse=args.home) as home:
        report = bench(args.scale, args.clients, args.seconds, home, database_url)
    write_report("web", report)


@contextmanager
def bench_home(prefix: str, keep: bool, reuse: Path | None = None) -> Iterator[Path]:
    """A HUIKUAN_HOME for one benchmark: ``reuse`` as it is, else a new temporary one, removed
    afterwards unless ``keep``."""
    home = reuse.resolve() if reuse else Path(tempfile.mkdtemp(prefix=prefix))
    try:
        yield home
    finally:
        if keep or reuse:
            print(f"kept HUIKUAN_HOME={home}", file=sys.stderr)
        else:
            shutil.rmtree(home, ignore_errors=True)


def write_report(name: str, report: dict[str, Any]) -> None:
    """Print the report and write it to var/bench/<name>.json (of $HUIKUAN_HOME, else the current folder)."""
    text = json.dumps(report, ensure_ascii=False, indent=2)
    out_dir = Path(os.environ.get("HUIKUAN_HOME", Path.cwd())) / "var" / "bench"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / f"{name}.json").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
