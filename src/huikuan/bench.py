"""``make bench`` (``python -m huikuan.bench``): how long ``huikuan generate`` takes, and its peak memory.

For each scale (default mid and large) it runs ``huikuan init`` and then ``huikuan generate --scale X
--seed 1 --as-of 2026-11-27`` in subprocesses with a fresh temporary HUIKUAN_HOME (SQLite), measures
the wall time and the peak resident memory of the generate process alone (``os.wait4``), counts the
rows written, prints JSON and writes it to var/bench/generate.json. A benchmark, not a test: it
asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

AS_OF = "2026-11-27"
TABLE_PREFIXES = ("ledger_", "collection_", "accounts_")


def huikuan(*args: str) -> list[str]:
    return [sys.executable, "-m", "huikuan", *args]


def count_rows(database: Path) -> dict[str, int]:
    """Rows per table of the portfolio (ledger, collection work, users), empty tables left out."""
    with sqlite3.connect(database) as con:
        tables = [
            name
            for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            if name.startswith(TABLE_PREFIXES)
        ]
        counts = {name: con.execute(f'SELECT COUNT(*) FROM "{name}"').fetchone()[0] for name in tables}
    return {name: n for name, n in counts.items() if n}


def bench_generate(scale: str, seed: int, keep: bool = False) -> dict[str, Any]:
    home = Path(tempfile.mkdtemp(prefix=f"huikuan-genbench-{scale}-"))
    env = {k: v for k, v in os.environ.items() if k != "HUIKUAN_DATABASE_URL"}  # always SQLite here
    env["HUIKUAN_HOME"] = str(home)
    try:
        subprocess.run(huikuan("init", "--quiet"), env=env, check=True)
        command = huikuan("generate", "--scale", scale, "--seed", str(seed), "--as-of", AS_OF, "--quiet")
        with open(home / "generate.out", "wb") as out:
            started = time.perf_counter()
            proc = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
            # wait4 gives the resource usage of this one child, not of every child so far.
            _pid, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        output = (home / "generate.out").read_text(errors="replace").strip()
        if proc.returncode:
            raise RuntimeError(f"huikuan generate --scale {scale} failed ({proc.returncode}):\n{output}")
        database = home / "var" / "huikuan.sqlite3"
        return {
            "seconds": round(seconds, 1),
            "peak_mb": round(usage.ru_maxrss / 1024),  # Linux reports kilobytes
            "database_mb": round(database.stat().st_size / 2**20),
            "rows": count_rows(database),
            "summary": output.splitlines()[-1] if output else "",
        }
    finally:
        if keep:
            print(f"kept {home}", file=sys.stderr)
        else:
            shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m huikuan.bench", description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="mid,large", help="comma-separated: small, mid, large")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the temporary databases")
    args = parser.parse_args(argv)
    scales = [s.strip() for s in args.scales.split(",") if s.strip()]
    unknown = set(scales) - {"small", "mid", "large"}
    if unknown:
        parser.error(f"unknown scales: {', '.join(sorted(unknown))}")
    results: dict[str, Any] = {}
    for scale in scales:
        print(f"generate --scale {scale} …", file=sys.stderr, flush=True)
        results[scale] = bench_generate(scale, args.seed, keep=args.keep)
        print(f"  {results[scale]['seconds']} s, peak {results[scale]['peak_mb']} MB", file=sys.stderr)
    report = {
        "generate": results,
        "as_of": AS_OF,
        "seed": args.seed,
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
    }
    text = json.dumps(report, ensure_ascii=False, indent=2)
    print(text)
    target = Path(os.environ.get("HUIKUAN_HOME", Path.cwd())) / "var" / "bench" / "generate.json"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
