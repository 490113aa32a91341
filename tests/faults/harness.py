"""Run the real command line in subprocesses, SIGKILL them at seeded-random points, then check the
invariants in a fresh process (``invariants.py``).

A *site* is one installation the processes share: a temporary ``HUIKUAN_HOME`` with a SQLite file,
or, when the tests run on PostgreSQL, a database of its own on the same server (created here and
dropped afterwards), so the fault tests never touch the test database pytest-django manages.
"""

from __future__ import annotations

import csv
import hashlib
import json
import os
import random
import secrets
import shutil
import signal
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings

FAULTS = Path(__file__).resolve().parent
TESTS = FAULTS.parent
SRC = TESTS.parent / "src"
AS_OF = "2026-11-27"
SEED = 20261127
KILLS = 5  # SIGKILL points per operation

SETUP = """
import django
django.setup()
from huikuan.ops import create_user
create_user("finance", role="finance", password="Huikuan-faults-2026!")
create_user("mgr", role="manager", team="华东", password="Huikuan-faults-2026!")
create_user("sales1", role="salesperson", team="华东", password="Huikuan-faults-2026!")
"""


@dataclass
class Outcome:
    """One run of a command: killed by us (at ``after_s``) or ended by itself."""

    killed: bool
    after_s: float
    returncode: int
    stderr: str


@dataclass
class Site:
    home: Path
    env: dict[str, str]
    vendor: str
    database: str | None = None  # PostgreSQL: the database made for this site
    manifest: list[dict[str, Any]] = field(default_factory=list)

    @property
    def work(self) -> Path:
        return self.home / "work"

    def huikuan(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "huikuan", *args], env=self.env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"huikuan {' '.join(args)}: {done.stderr[-3000:]}"
        return done

    def python(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, *args], env=self.env, capture_output=True, text=True)
        assert done.returncode == 0, f"python {' '.join(args)}: {done.stderr[-3000:]}"
        return done

    def run_until(
        self, argv: list[str], kill_after: float | None, extra_env: dict[str, str] | None = None
    ) -> Outcome:
        """Start ``argv`` (python arguments) and SIGKILL it ``kill_after`` seconds later unless it
        has ended by then; ``None`` lets it finish."""
        log = self.home / f"stderr-{uuid.uuid4().hex[:8]}.txt"
        with log.open("w") as err:
            started = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, *argv],
                env={**self.env, **(extra_env or {})},
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
            killed = False
            try:
                process.wait(timeout=kill_after if kill_after is not None else 600)
            except subprocess.TimeoutExpired:
                os.kill(process.pid, signal.SIGKILL)
                killed = True
                process.wait(timeout=60)
            elapsed = time.perf_counter() - started
        text = log.read_text(errors="replace")
        log.unlink()
        return Outcome(killed, round(elapsed, 2), process.returncode, text[-3000:])

    def check(self, *, files_settled: bool = False) -> dict[str, Any]:
        """Run the invariant checks in a fresh process; returns its report (violations, facts)."""
        manifest = self.home / "manifest.json"
        manifest.write_text(json.dumps(self.manifest, ensure_ascii=False))
        args = [str(FAULTS / "invariants.py"), str(manifest)]
        if files_settled:
            args.append("--files-settled")
        done = self.python(*args)
        return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def kill_points(kind: str, span: float, n: int = KILLS) -> list[float]:
    """``n`` seeded-random delays over the part of a run of ``span`` seconds where work is done:
    from a quarter in (the interpreter and Django start first) to just before it would end."""
    rng = random.Random(f"{SEED}:{kind}")
    return [round(span * rng.uniform(0.25, 0.97), 2) for _ in range(n)]


def _admin_url() -> str | None:
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        return None
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgresql://{auth}@{db['HOST']}:{db['PORT'] or 5432}"


def _postgres(admin: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{admin}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def open_site(home: Path) -> Site:
    """A fresh installation: database initialised, a finance clerk, a manager and a salesperson."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "huikuan.settings",
        "HUIKUAN_HOME": str(home),
        "PYTHONPATH": os.pathsep.join([str(TESTS), str(SRC), os.environ.get("PYTHONPATH", "")]),
        "HUIKUAN_SECRET_KEY": secrets.token_urlsafe(50),  # serve and worker refuse a generated key
    }
    env.pop("HUIKUAN_MEDIA_ROOT", None)
    env.pop("HUIKUAN_DEBUG", None)
    admin = _admin_url()
    site = Site(home=home, env=env, vendor="postgresql" if admin else "sqlite")
    if admin:
        site.database = f"huikuan_faults_{uuid.uuid4().hex[:10]}"
        _postgres(admin, f'CREATE DATABASE "{site.database}"')
        env["HUIKUAN_DATABASE_URL"] = f"{admin}/{site.database}"
    else:
        env.pop("HUIKUAN_DATABASE_URL", None)
    site.work.mkdir(parents=True, exist_ok=True)
    site.huikuan("init", "--quiet")
    site.python("-c", SETUP)
    return site


def close_site(site: Site) -> None:
    admin = _admin_url()
    if admin and site.database:
        _postgres(admin, f'DROP DATABASE IF EXISTS "{site.database}" WITH (FORCE)')
    shutil.rmtree(site.home, ignore_errors=True)


# --- import files -------------------------------------------------------------------------------

RECEIVABLE_HEAD = ["客户名称", "客户编码", "合同编号", "项目名称", "款项", "金额", "到期日", "销售"]
PAYMENT_HEAD = ["客户编码", "回款日期", "金额", "流水号", "摘要"]
MILESTONES = [("预付款", 30), ("验收款", 60), ("质保金", 10)]


def _write_csv(path: Path, rows: list[list[Any]]) -> str:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return hashlib.sha256(path.read_bytes()).hexdigest()


def receivables_file(site: Site, tag: str, customers: int, seed: int, year: int = 2026) -> dict[str, Any]:
    """A receivables export for ``customers`` new customers, one contract of three milestones each
    due in ``year``; every contract number starts with ``tag`` (how the checker finds the rows)."""
    rng = random.Random(seed)
    rows: list[list[Any]] = [RECEIVABLE_HEAD]
    for i in range(customers):
        name = f"{tag}测试客户{i:05d}有限公司"
        total = Decimal(rng.randint(20_000, 2_000_000))
        for n, (milestone, share) in enumerate(MILESTONES):
            month = 1 + (i + 4 * n) % 12
            rows.append(
                [name, f"{tag}C{i:05d}", f"{tag}HT{i:05d}", f"{tag}项目{i}", milestone,
                 f"{total * share / 100:.2f}", f"{year}-{month:02d}-{1 + i % 28:02d}", "sales1"]
            )  # fmt: skip
    path = site.work / f"{tag}receivables.csv"
    entry = {"kind": "receivables", "tag": tag, "rows": len(rows) - 1, "path": str(path)}
    entry["sha256"] = _write_csv(path, rows)
    return entry


def payments_file(site: Site, tag: str, codes: list[str], count: int, seed: int) -> dict[str, Any]:
    """``count`` bank transfers from customers ``codes``, each with a reference starting ``tag``."""
    rng = random.Random(seed)
    rows: list[list[Any]] = [PAYMENT_HEAD]
    for i in range(count):
        day = f"2026-{1 + i % 11:02d}-{1 + i % 27:02d}"
        rows.append(
            [
                rng.choice(codes),
                day,
                f"{rng.randint(1_000, 90_000)}.{rng.randint(0, 99):02d}",
                f"{tag}{i:06d}",
                "货款",
            ]
        )
    path = site.work / f"{tag}payments.csv"
    entry = {"kind": "payments", "tag": tag, "rows": count, "path": str(path)}
    entry["sha256"] = _write_csv(path, rows)
    return entry
