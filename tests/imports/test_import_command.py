"""``huikuan import``: exit status 0 / 1 / 2, the summary, and a real run in its own process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from huikuan.cli import main
from huikuan.ledger.models import Receivable

HEAD = ["客户名称", "合同编号", "金额", "到期日"]


def test_success_prints_a_summary_and_exits_0(world, write_csv, capsys) -> None:
    path = write_csv(
        [["应收款"], HEAD, ["杭州甲科技有限公司", "HT-A-5", "1,000", "2026-06-01"], ["合计", "", "1000", ""]]
    )
    assert main(["import", str(path), "--kind", "receivables"]) == 0
    out = capsys.readouterr().out
    assert (
        "导入应收款 data.csv — 已写入" in out
        and "表头在第 2 行" in out
        and "跳过合计行 1 行（第 4 行）" in out
    )
    assert Receivable.objects.filter(contract__number="HT-A-5").exists()


def test_bad_input_exits_1_naming_file_row_and_column(world, write_csv, capsys, counts) -> None:
    before = counts()
    path = write_csv([HEAD, ["杭州甲科技有限公司", "HT-A-5", "abc", "2026-06-01"]], "应收.csv")
    assert main(["import", str(path), "--kind", "receivables"]) == 1
    captured = capsys.readouterr()
    assert "应收.csv 第2行【金额】：金额格式不正确：“abc”" in captured.out
    assert "1 处错误，未写入任何数据；第一处：应收.csv 第2行【金额】" in captured.err
    assert counts() == before


def test_dry_run_exits_0_and_writes_nothing(world, write_csv, capsys, counts) -> None:
    before = counts()
    path = write_csv([HEAD, ["杭州甲科技有限公司", "HT-A-5", "10", "2026-06-01"]])
    assert main(["import", str(path), "--kind", "receivables", "--dry-run"]) == 0
    assert "预演（未写入）" in capsys.readouterr().out
    assert counts() == before


def test_usage_errors_exit_2(world, write_csv, tmp_path, capsys) -> None:
    path = write_csv([HEAD])
    assert main(["import", str(tmp_path / "missing.csv"), "--kind", "receivables"]) == 2
    assert main(["import", str(path), "--kind", "receivables", "--mapping", "nope"]) == 2
    assert main(["import", str(path), "--kind", "receivables", "--column", "金额"]) == 2
    assert main(["import", str(path), "--kind", "receivables", "--user", "ghost"]) == 2
    with pytest.raises(SystemExit) as exc:
        main(["import", str(path), "--kind", "orders"])
    assert exc.value.code == 2
    with pytest.raises(SystemExit) as exc:
        main(["import", str(path)])
    assert exc.value.code == 2
    assert "没有名为“nope”的列映射" in capsys.readouterr().err


def test_a_real_process(tmp_path: Path) -> None:
    env = {**os.environ, "HUIKUAN_HOME": str(tmp_path)}
    env.pop("HUIKUAN_DATABASE_URL", None)

    def huikuan(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "huikuan", *args], env=env, capture_output=True, text=True, timeout=300
        )

    assert huikuan("init", "--quiet").returncode == 0
    good = tmp_path / "good.csv"
    good.write_bytes(
        '客户名称,合同编号,金额,到期日\r\n宁波丁贸易有限公司,HT-1,"1,234.50",2026/3/1\r\n'.encode("gbk")
    )
    run = huikuan("import", str(good), "--kind", "receivables")
    assert run.returncode == 0, run.stderr
    assert "gb18030" in run.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("客户名称,合同编号,金额,到期日\n宁波丁贸易有限公司,HT-2,12,2026-02-30\n", encoding="utf-8")
    run = huikuan("import", str(bad), "--kind", "receivables")
    assert run.returncode == 1 and "bad.csv 第2行【到期日】" in run.stderr
    assert huikuan("import", str(bad), "--kind", "receivables", "--mapping", "nope").returncode == 2
