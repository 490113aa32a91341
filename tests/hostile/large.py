"""A ~100 MB receivables CSV of valid rows, written at test time (never stored in the repository)."""

from __future__ import annotations

from pathlib import Path

MB = 1024 * 1024
CUSTOMERS = 500
PROJECT = "华东区域智慧园区一期工程设备供货安装调试及售后服务项目" * 5  # 135 characters


def write_large_csv(path: Path, size: int = 100 * MB) -> int:
    """Write rows until the file holds ``size`` bytes; returns the number of data rows."""
    rows = 0
    written = 0
    with path.open("w", encoding="utf-8", newline="") as out:
        header = "客户名称,合同编号,项目名称,单据编号,款项,金额,到期日\r\n"
        out.write(header)
        written += len(header.encode())
        while written < size:
            lines = []
            for i in range(rows, rows + 10_000):
                customer = f"压力测试客户{i % CUSTOMERS:04d}有限公司"
                due = f"2026-{i % 12 + 1:02d}-{i % 28 + 1:02d}"
                lines.append(
                    f"{customer},HT-{i:08d},{PROJECT}{i},DOC-{i:08d},验收款,{i % 99_999 + 1}.{i % 100:02d},{due}\r\n"
                )
            chunk = "".join(lines)
            out.write(chunk)
            written += len(chunk.encode())
            rows += len(lines)
    return rows
