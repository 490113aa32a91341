"""Benchmark: import a million receivable rows into a fresh SQLite database.

    python -m huikuan.imports.bench [--rows 1000000] [--keep]

Writes a receivables CSV (Chinese headers, a title row, a 合计 row, amounts as ``1,234.50`` and
``¥1234.5``, one row in five with a cumulative 已收金额) into a temporary directory, runs
``huikuan init`` and then times ``huikuan import FILE --kind receivables`` as a user would run it,
in its own process. Prints JSON and writes it to var/bench/import.json. The target is 60 s for
1M rows; the benchmark reports, it does not assert.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import polars as pl

KINDS = np.array(["预付款", "到货款", "验收款", "质保金", "其他"])


def write_csv(path: Path, rows: int, seed: int = 7) -> dict[str, int]:
    """A receivables export of ``rows`` rows: 5 milestones per contract, 10 contracts per customer."""
    rng = np.random.default_rng(seed)
    contracts = max(1, rows // 5)
    customers = max(1, contracts // 10)
    i = np.arange(rows)
    contract = i // 5
    customer = contract % customers
    cents = rng.integers(10_000, 50_000_000, rows)
    due = np.datetime64("2024-01-01") + rng.integers(0, 900, rows).astype("timedelta64[D]")
    recognised = due - rng.integers(0, 60, rows).astype("timedelta64[D]")
    paid = np.where(rng.random(rows) < 0.2, cents // 2, -1)
    frame = pl.DataFrame(
        {
            "客户名称": pl.Series(customer).map_elements(
                lambda n: f"测试客户{n:06d}有限公司", return_dtype=pl.String
            ),
            "客户编码": pl.Series(customer).map_elements(lambda n: f"C{n:06d}", return_dtype=pl.String),
            "合同编号": pl.Series(contract).map_elements(lambda n: f"HT-{n:07d}", return_dtype=pl.String),
            "项目名称": pl.Series(contract % 97).map_elements(lambda n: f"项目{n}", return_dtype=pl.String),
            "款项": KINDS[i % 5],
            "金额": cents,
            "到期日": due,
            "确认日期": recognised,
            "已收金额": paid,
        }
    )
    text = pl.concat_str(
        [
            (pl.col("金额") // 100).cast(pl.String),
            pl.lit("."),
            (pl.col("金额") % 100).cast(pl.String).str.pad_start(2, "0"),
        ]
    )
    with_commas = pl.col("金额") // 100 >= 1000
    frame = frame.with_columns(
        金额=pl.when(pl.int_range(pl.len()) % 2 == 0)
        .then(pl.lit("¥") + text)
        .otherwise(
            pl.when(with_commas)
            .then(
                ((pl.col("金额") // 100) // 1000).cast(pl.String)
                + ","
                + ((pl.col("金额") // 100) % 1000).cast(pl.String).str.pad_start(3, "0")
                + "."
                + (pl.col("金额") % 100).cast(pl.String).str.pad_start(2, "0")
            )
            .otherwise(text)
        ),
        到期日=pl.col("到期日").dt.strftime("%Y/%-m/%-d"),
        确认日期=pl.col("确认日期").dt.strftime("%Y-%m-%d"),
        已收金额=pl.when(pl.col("已收金额") >= 0).then(
            (pl.col("已收金额") // 100).cast(pl.String)
            + "."
            + (pl.col("已收金额") % 100).cast(pl.String).str.pad_start(2, "0")
        ),
    )
    with path.open("w", encoding="utf-8") as out:
        out.write("应收账款明细（基准测试）\n")
        frame.write_csv(out)
        out.write(f"合计,,,,,{int(cents.sum()) // 100},,,\n")
    return {"rows": rows, "customers": customers, "contracts": contracts, "with_paid": int((paid >= 0).sum())}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m huikuan.imports.bench", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    home = Path(os.environ.get("HUIKUAN_HOME", Path.cwd())).resolve()
    work = Path(tempfile.mkdtemp(prefix="huikuan-bench-"))
    env = {
        **os.environ,
        "HUIKUAN_HOME": str(work),
        "HUIKUAN_DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
    }
    started = time.perf_counter()
    facts = write_csv(work / "receivables.csv", args.rows)
    generated = time.perf_counter() - started
    huikuan = [sys.executable, "-m", "huikuan"]
    subprocess.run([*huikuan, "init", "--quiet"], env=env, check=True)
    started = time.perf_counter()
    run = subprocess.run(
        [*huikuan, "import", str(work / "receivables.csv"), "--kind", "receivables"],
        env=env,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - started
    report = {
        "benchmark": "import receivables (SQLite, fresh database)",
        **facts,
        "file_bytes": (work / "receivables.csv").stat().st_size,
        "generate_seconds": round(generated, 2),
        "import_seconds": round(seconds, 2),
        "rows_per_second": round(args.rows / seconds) if seconds else None,
        "target_seconds": 60,
        "exit_status": run.returncode,
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if run.returncode != 0:
        report["stderr"] = run.stderr[-2000:]
    out = home / "var" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    (out / "import.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print(json.dumps(report, ensure_ascii=False, indent=2))
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    else:
        print(f"kept {work}", file=sys.stderr)
    return 0 if run.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
