"""PostgreSQL restarted under load: the web app and the task worker recover without being restarted.

The app is served by `huikuan serve` (gunicorn) on its own database; clients read pages and record
payments through the API without pause while the cluster is restarted with ``pg_ctl stop -m
fast`` and, three seconds later, ``pg_ctl start``. Requests during the outage may fail (counted); a few seconds after the server is back every
request succeeds, the worker is still running and runs a task queued after the restart, and the
ledger's invariants hold.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from django.db import connection

from faults.harness import Site, close_site, open_site, receivables_file

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql" or not os.environ.get("HUIKUAN_PG_DATADIR"),
    reason="restarts the PostgreSQL cluster of scripts/with-postgres.sh",
)

PASSWORD = "Huikuan-faults-2026!"
OUTAGE_S = 3.0  # the cluster is down this long
RECOVERY_S = 5.0  # after pg_ctl returns, requests may fail this long at most
TOKEN = """
import django
django.setup()
from huikuan.accounts.models import User
from huikuan.api.tokens import create_token
print(create_token(scopes=["payments"], user=User.objects.get(username="finance"))[1])
"""
ENQUEUE = """
import django
django.setup()
from huikuan.ledger.models import Customer
from huikuan.tasks import apply_customer_credit
print(apply_customer_credit.enqueue(Customer.objects.order_by("pk").first().pk).id)
"""
TASK_STATUS = """
import sys, django
django.setup()
from django_tasks_db.models import DBTaskResult
print(DBTaskResult.objects.get(pk=sys.argv[1]).status)
"""


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    site = open_site(tmp_path / "site")
    try:
        entry = receivables_file(site, "S-", 30, seed=5)
        site.huikuan("import", entry["path"], "--kind", "receivables", "--user", "finance")
        site.manifest.append(entry)
        yield site
    finally:
        close_site(site)


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _pg_ctl(*args: str) -> None:
    data = Path(os.environ["HUIKUAN_PG_DATADIR"])
    # The server keeps its output open: send it to the cluster's log, never to a pipe we wait on.
    command = [
        str(Path(os.environ["HUIKUAN_PG_BINDIR"]) / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(data.parent / "server.log"),
        *args,
    ]
    if os.geteuid() == 0:
        command = [shutil.which("runuser") or "runuser", "-u", "postgres", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=120)


def _restart_cluster() -> None:
    """``pg_ctl restart -m fast`` with the database away for OUTAGE_S, so that every client (and
    the worker's poll, once a second) meets it gone; started again with the options it had."""
    data = Path(os.environ["HUIKUAN_PG_DATADIR"])
    options = shlex.split((data / "postmaster.opts").read_text())[1:]
    at = options.index("-D")
    del options[at : at + 2]
    _pg_ctl("stop", "-m", "fast", "-w", "-t", "60")
    time.sleep(OUTAGE_S)
    _pg_ctl("start", "-w", "-t", "60", "-o", shlex.join(options))


def _login(base: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    page = client.get("/login/")
    token = page.text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    done = client.post(
        "/login/", data={"username": "sales1", "password": PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert done.status_code == 302, done.text[:500]
    return client


def test_app_and_worker_recover_from_a_postgres_restart(site: Site) -> None:
    token = site.python("-c", TOKEN).stdout.strip().splitlines()[-1]
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    log = site.home / "serve.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(
            [sys.executable, "-m", "huikuan", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
            env=site.env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
        worker = subprocess.Popen(
            [sys.executable, "-m", "huikuan", "worker", "--queues", "default"],
            env=site.env, stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    results: list[tuple[float, str, int]] = []  # (when, what, status; 0 = no answer)
    stop = threading.Event()

    def browse() -> None:
        client = _login(base)
        while not stop.is_set():
            for path in ("/", "/customers/", "/promises/"):
                try:
                    status = client.get(path).status_code
                except httpx.HTTPError:
                    status = 0
                results.append((time.monotonic(), "page", status))

    def pay() -> None:
        n = 0
        with httpx.Client(base_url=base, timeout=30) as client:
            while not stop.is_set():
                n += 1
                body = {
                    "customer_code": "S-C00001",
                    "paid_on": "2026-11-20",
                    "amount": "10.00",
                    "reference": f"PGR-{n}",
                }
                headers = {"Authorization": f"Bearer {token}", "Idempotency-Key": f"PGR-{n}"}
                try:
                    status = client.post("/api/v1/payments", json=body, headers=headers).status_code
                except httpx.HTTPError:
                    status = 0
                results.append((time.monotonic(), "payment", status))

    try:
        for _ in range(300):
            try:
                if httpx.get(f"{base}/health/", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.2)
        threads = [
            threading.Thread(target=browse),
            threading.Thread(target=browse),
            threading.Thread(target=pay),
        ]
        for t in threads:
            t.start()
        time.sleep(3)
        restart_began = time.monotonic()
        _restart_cluster()
        back = time.monotonic()
        time.sleep(RECOVERY_S + 4)
        stop.set()
        for t in threads:
            t.join(timeout=60)
        task_id = site.python("-c", ENQUEUE).stdout.strip().splitlines()[-1]
        for _ in range(100):
            status = site.python("-c", TASK_STATUS, task_id).stdout.strip()
            if status not in ("READY", "RUNNING"):
                break
            time.sleep(0.3)
        worker_alive = worker.poll() is None
    finally:
        stop.set()
        for process in (server, worker):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    before = [s for when, _w, s in results if when < restart_began]
    during = [s for when, _w, s in results if restart_began <= when < back + RECOVERY_S]
    after = [(what, s) for when, what, s in results if when >= back + RECOVERY_S]
    failed = sum(1 for s in during if s not in (200, 201))
    print(json.dumps({"before": len(before), "during": len(during), "failed_during": failed,
                      "after": len(after), "restart_s": round(back - restart_began, 2)}))  # fmt: skip
    assert before and all(s in (200, 201) for s in before)
    assert len(after) > 10 and [x for x in after if x[1] not in (200, 201)] == []
    assert worker_alive, log.read_text(errors="replace")[-3000:]
    assert status == "SUCCESSFUL", log.read_text(errors="replace")[-3000:]
    report = site.check()
    assert report["violations"] == []
