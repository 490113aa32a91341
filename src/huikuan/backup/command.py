"""``huikuan backup FILE`` and ``huikuan restore FILE [--force]`` (README "备份与恢复")."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the parser is built for every command: the backup code loads only when used
    from huikuan.backup.create import BackupResult
    from huikuan.backup.restore import RestoreResult


def add_backup_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="the archive to write (.zip); an existing file is never overwritten")


def add_restore_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", help="an archive written by huikuan backup")
    p.add_argument(
        "--force",
        action="store_true",
        help="replace a target that is not empty (its data is backed up to var/backups/ first)",
    )


def run_backup(args: argparse.Namespace) -> int:
    from huikuan.backup.create import BackupError, write_backup
    from huikuan.cli import EXIT_OK, CommandError
    from huikuan.ops import describe_database

    try:
        result = write_backup(Path(args.file))
    except BackupError as exc:
        raise CommandError(str(exc)) from exc
    print(f"备份完成 / backup written: {result.path}")
    print(f"  数据库 / database: {describe_database()}")
    _print_counts(result.tables, result.files, result.file_bytes)
    print(f"  备份文件 / archive: {_size(result.archive_bytes)}  sha256 {result.sha256}")
    print(f"  耗时 / time: {result.seconds:.1f} s")
    _print_warnings(result.warnings)
    return EXIT_OK


def run_restore(args: argparse.Namespace) -> int:
    from huikuan.backup.archive import ArchiveError
    from huikuan.backup.create import BackupError
    from huikuan.backup.restore import RestoreRefused, restore
    from huikuan.cli import EXIT_OK, CommandError
    from huikuan.ops import describe_database

    try:
        result: RestoreResult = restore(Path(args.file), force=args.force)
    except (ArchiveError, RestoreRefused, BackupError) as exc:
        raise CommandError(
            f"{exc}\n未恢复任何数据，目标实例保持原样。/ Nothing was restored; the target is unchanged."
        ) from exc
    source = result.source
    print(f"恢复完成 / restored: {args.file}")
    print(
        f"  来源 / source: huikuan {source['huikuan_version']}, {source['database']['vendor']}, "
        f"备份于 / taken {source['created_at']}"
    )
    print(f"  目标 / target: {describe_database()}" + ("（已建表 / migrated）" if result.migrated else ""))
    _print_counts(result.tables, result.files, result.file_bytes)
    if result.safety_backup is not None:
        print(f"  原有数据已备份到 / previous data saved to: {result.safety_backup.path}")
    print(f"  耗时 / time: {result.seconds:.1f} s")
    return EXIT_OK


def _print_counts(tables: dict[str, int], files: int, file_bytes: int) -> None:
    filled = sum(1 for n in tables.values() if n)
    print(f"  表 / tables: {len(tables)}（有数据 / with rows {filled}）  行 / rows: {sum(tables.values()):,}")
    largest = sorted(tables.items(), key=lambda item: (-item[1], item[0]))[:5]
    print("  最多行的表 / largest: " + "，".join(f"{name} {rows:,}" for name, rows in largest if rows))
    print(f"  单据文件 / documents: {files:,} 个 / files, {_size(file_bytes)}")


def _print_warnings(warnings: list[str]) -> None:
    for warning in warnings[:10]:
        print(f"  注意 / warning: {warning}")
    if len(warnings) > 10:
        print(f"  …另有 {len(warnings) - 10} 条 / {len(warnings) - 10} more")


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1e5 else f"{n:,} B"


__all__ = ["BackupResult", "add_backup_arguments", "add_restore_arguments", "run_backup", "run_restore"]
