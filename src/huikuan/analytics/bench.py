"""`python -m huikuan.analytics.bench`: daily-run figures for `make bench` (not part of the tests).

For each scale (small, mid, large; ``HUIKUAN_BENCH_SCALES=small,mid`` to choose) it generates a
portfolio once into ``var/bench/<scale>/`` (reused afterwards), then times the whole command
``huikuan daily`` from start-up to exit in a fresh process: wall time, rows per second, peak RSS
(from the kernel's rusage of the child), the stages recorded by the run, and the ``--json`` file
separately. A straightforward per-row ORM implementation of aging + next action is timed on small
and mid for comparison. With ``HUIKUAN_DATABASE_URL`` pointing at PostgreSQL, mid also runs there.
Prints JSON and writes ``var/bench/daily.json``.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

AS_OF = date(2026, 11, 27)
SEED = 1
RUNS = 2


def _env(home: Path, database_url: str | None = None) -> dict[str, str]:
    env = {**os.environ, "HUIKUAN_HOME": str(home), "DJANGO_SETTINGS_MODULE": "huikuan.settings"}
    env.pop("HUIKUAN_DATABASE_URL", None)
    if database_url:
        env["HUIKUAN_DATABASE_URL"] = database_url
    return env


def _huikuan(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run ``huikuan ARGS`` and return (wall seconds, 0, stdout); `_peak` also measures memory."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "huikuan", *args], env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"huikuan {' '.join(args)} failed: {done.stderr[-2000:]}")
    return time.perf_counter() - started, 0, done.stdout


def _peak(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Like `_huikuan`, with the child's own peak RSS (wait4)."""
    out_path = Path(env["HUIKUAN_HOME"]) / "bench-stdout.txt"
    started = time.perf_counter()
    with out_path.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "huikuan", *args], env=env, stdout=out, stderr=subprocess.PIPE
        )
        _pid, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(f"huikuan {' '.join(args)} failed with status {status}")
    return wall, int(usage.ru_maxrss // 1024), out_path.read_text()


def _generated(home: Path, scale: str, env: dict[str, str]) -> float | None:
    marker = home / "bench-generated.json"
    want = {"scale": scale, "seed": SEED, "as_of": AS_OF.isoformat()}
    if marker.exists() and json.loads(marker.read_text()) == want:
        return None
    home.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "huikuan", "init", "--quiet"], env=env, check=True)
    wall, _rss, _out = _huikuan(
        ["generate", "--scale", scale, "--seed", str(SEED), "--as-of", AS_OF.isoformat(), "--quiet"], env
    )
    marker.write_text(json.dumps(want))
    return round(wall, 1)


def _last_run(env: dict[str, str]) -> dict[str, Any]:
    code = (
        "import json, django; django.setup()\n"
        "from huikuan.analytics.models import DailyRun\n"
        "r = DailyRun.latest()\n"
        "print(json.dumps({'rows': r.receivables_open, 'timings': r.timings, 'counts': r.counts}))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def bench_daily(scale: str, home: Path, database_url: str | None = None) -> dict[str, Any]:
    env = _env(home, database_url)
    generated = _generated(home, scale, env) if not database_url else _generated_pg(scale, env)
    # A portfolio kept from an earlier version gets this version's migrations first (not timed).
    subprocess.run([sys.executable, "-m", "huikuan", "init", "--quiet"], env=env, check=True)
    runs = []
    for _ in range(RUNS):
        wall, rss, _out = _peak(["daily", "--as-of", AS_OF.isoformat(), "--quiet"], env)
        runs.append({"wall_s": round(wall, 2), "peak_rss_mb": rss})
    last = _last_run(env)
    rows = last["rows"]
    timings = {k: v for k, v in last["timings"].items() if k != "queries"}
    json_path = home / "daily.json"
    _wall, _rss, out = _huikuan(["daily", "--as-of", AS_OF.isoformat(), "--json", str(json_path)], env)
    match = re.search(r"JSON: .* \(([0-9.]+) s\)", out)
    best = min(r["wall_s"] for r in runs)
    return {
        "scale": scale,
        "database": "postgresql" if database_url else "sqlite",
        "receivables": last["counts"].get("receivables"),
        "open_receivables": rows,
        "generate_s": generated,
        "runs": runs,
        "wall_s": best,
        "rows_per_s": round(last["counts"].get("receivables", rows) / best) if best else None,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "stages_s": timings,
        "queries_s": last["timings"].get("queries"),
        "json_s": float(match.group(1)) if match else None,
        "json_mb": round(json_path.stat().st_size / 1e6, 1) if json_path.exists() else None,
    }


def _create_database(url: str) -> None:
    """Create the PostgreSQL database of ``url`` when it does not exist (a fresh cluster has none)."""
    from urllib.parse import urlparse

    import psycopg

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def _generated_pg(scale: str, env: dict[str, str]) -> float | None:
    _create_database(env["HUIKUAN_DATABASE_URL"])
    code = "import django; django.setup()\nfrom huikuan.ledger.models import Customer\nprint(Customer.objects.count())\n"
    subprocess.run([sys.executable, "-m", "huikuan", "init", "--quiet"], env=env, check=True)
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    if int(done.stdout.strip().splitlines()[-1]) > 0:
        return None
    wall, _rss, _out = _huikuan(
        ["generate", "--scale", scale, "--seed", str(SEED), "--as-of", AS_OF.isoformat(), "--quiet"], env
    )
    return round(wall, 1)


def bench_orm(scale: str, home: Path, limit: int | None) -> dict[str, Any]:
    """Time the per-row ORM baseline in a child process (`huikuan.analytics.orm_baseline`)."""
    env = _env(home)
    args = [sys.executable, "-m", "huikuan.analytics.orm_baseline", AS_OF.isoformat()] + (
        [str(limit)] if limit else []
    )
    started = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=True)
    wall = time.perf_counter() - started
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return {"scale": scale, "wall_s": round(wall, 2), **result}


def _merged(path: Path, report: dict[str, Any]) -> dict[str, Any]:
    """Keep the figures of earlier runs for what this run did not measure (e.g. a PostgreSQL-only run)."""
    if not path.exists():
        return report
    old = json.loads(path.read_text(encoding="utf-8"))
    fresh = {(d["scale"], d["database"]) for d in report["daily"]}
    report["daily"] = [d for d in old.get("daily", []) if (d["scale"], d["database"]) not in fresh] + report[
        "daily"
    ]
    if not report["orm_baseline"]:
        report["orm_baseline"] = old.get("orm_baseline", [])
    return report


def main() -> None:
    root = Path(os.environ.get("HUIKUAN_HOME", Path.cwd())) / "var" / "bench"
    scales = [s for s in os.environ.get("HUIKUAN_BENCH_SCALES", "small,mid,large").split(",") if s]
    orm_limit = (
        int(os.environ["HUIKUAN_BENCH_ORM_LIMIT"]) if os.environ.get("HUIKUAN_BENCH_ORM_LIMIT") else None
    )
    report: dict[str, Any] = {
        "as_of": AS_OF.isoformat(),
        "cores": os.cpu_count(),
        "daily": [],
        "orm_baseline": [],
    }
    for scale in scales:
        report["daily"].append(bench_daily(scale, root / scale))
        print(json.dumps(report["daily"][-1], ensure_ascii=False), file=sys.stderr, flush=True)
    for scale in [s for s in scales if s in ("small", "mid")]:
        orm = bench_orm(scale, root / scale, orm_limit)
        bulk = next(d for d in report["daily"] if d["scale"] == scale)
        per_row = orm["seconds_per_receivable"]
        orm["extrapolated_full_s"] = round(per_row * orm["receivables_total"], 1)
        orm["bulk_speedup"] = round(orm["extrapolated_full_s"] / bulk["wall_s"], 1)
        report["orm_baseline"].append(orm)
        print(json.dumps(orm, ensure_ascii=False), file=sys.stderr, flush=True)
    url = os.environ.get("HUIKUAN_DATABASE_URL", "")
    if url.startswith("postgres"):
        report["daily"].append(bench_daily("mid", root / "mid-postgresql", url))
    report = _merged(root / "daily.json", report)
    text = json.dumps(report, ensure_ascii=False, indent=2)
    root.mkdir(parents=True, exist_ok=True)
    (root / "daily.json").write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
