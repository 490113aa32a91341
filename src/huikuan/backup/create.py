"""``huikuan backup FILE``: the database and the uploaded documents in one archive.

All tables are read inside one read-only transaction, so the backup is the database as it was at
one instant even while users keep working: on PostgreSQL a REPEATABLE READ READ ONLY transaction,
on SQLite a deferred read transaction on the WAL snapshot (writers go on; nobody waits for the
backup). Rows stream through a server-side cursor (PostgreSQL) or fetchmany (SQLite) straight into
the archive. The archive is written next to FILE under a temporary name and renamed only when
complete, so FILE is either the whole backup or absent, never half of one.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connections, transaction
from django.db.migrations.recorder import MigrationRecorder

import huikuan
from huikuan.backup.archive import DOCUMENTS_DIR, FORMAT, FORMAT_VERSION, TABLES_DIR, Writer
from huikuan.backup.tables import Table, dump_rows, installed_tables


class BackupError(Exception):
    """The backup cannot be written; the message says why."""


@dataclass
class BackupResult:
    path: Path
    database: str
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0
    archive_bytes: int = 0
    sha256: str = ""
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)


def database_version(alias: str = "default") -> str:
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute("SELECT sqlite_version()" if connection.vendor == "sqlite" else "SHOW server_version")
        return str(cursor.fetchone()[0])


def applied_migrations(alias: str = "default") -> dict[str, list[str]]:
    applied: dict[str, list[str]] = {}
    for app_label, name in MigrationRecorder(connections[alias]).applied_migrations():
        applied.setdefault(app_label, []).append(name)
    return {app: sorted(names) for app, names in sorted(applied.items())}


@contextlib.contextmanager
def snapshot(alias: str = "default") -> Iterator[None]:
    """One read-only transaction over every table (see the module docstring)."""
    connection = connections[alias]
    if connection.vendor == "postgresql":
        with transaction.atomic(using=alias), connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    # Django's atomic() would BEGIN IMMEDIATE here (settings), taking the write lock for the whole
    # backup. A deferred transaction only reads: the WAL snapshot is fixed at its first SELECT.
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
        try:
            cursor.execute("SELECT count(*) FROM django_migrations")
            yield
        finally:
            cursor.execute("ROLLBACK")


def document_files(media_root: Path, warnings: list[str]) -> list[tuple[str, Path]]:
    """Regular files under MEDIA_ROOT as (relative posix path, path); symlinks are skipped so a
    backup never carries files from outside the document store."""
    found: list[tuple[str, Path]] = []
    if not media_root.is_dir():
        return found
    for directory, dirnames, filenames in os.walk(media_root):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(directory) / name
            relative = path.relative_to(media_root).as_posix()
            if path.is_symlink() or not path.is_file():
                warnings.append(f"跳过非普通文件 / skipped (not a regular file): {relative}")
                continue
            found.append((relative, path))
    return found


def referenced_files(tables: list[Table], alias: str) -> set[str]:
    """File names stored in the database's file fields (to warn about documents missing on disk)."""
    names: set[str] = set()
    for table in tables:
        for f in table.fields:
            if f.get_internal_type() in {"FileField", "ImageField"}:
                names.update(
                    table.model._base_manager.using(alias)
                    .exclude(**{f.attname: ""})
                    .values_list(f.attname, flat=True)
                )
    return names


def _pause_for_tests() -> None:
    # Lets the consistency test write while a backup is half-way through its snapshot.
    pause = os.environ.get("HUIKUAN_TEST_BACKUP_PAUSE")
    if pause:
        print("pausing in backup", flush=True)
        time.sleep(float(pause))


def write_backup(target: Path, alias: str = "default") -> BackupResult:
    started = time.perf_counter()
    target = target.absolute()
    media_root = Path(settings.MEDIA_ROOT).absolute()
    if target.exists():
        raise BackupError(
            f"文件已存在，不会覆盖：{target}（请换一个文件名或先移走它）/ file exists, not overwritten"
        )
    if not target.parent.is_dir():
        raise BackupError(f"目录不存在：{target.parent} / directory does not exist")
    if target.is_relative_to(media_root):
        raise BackupError(
            f"备份文件不能放在单据目录 {media_root} 之内 / do not write backups into MEDIA_ROOT"
        )
    connection = connections[alias]
    existing = set(connection.introspection.table_names())
    missing = [t.name for t in installed_tables() if t.name not in existing]
    if missing:
        raise BackupError(
            f"数据库缺少表 {', '.join(missing[:3])}，请先运行 huikuan init / database not migrated"
        )
    result = BackupResult(target, connection.vendor)
    temp = target.with_name(f".{target.name}.partial-{os.getpid()}")
    # 0600: the archive holds password hashes, sessions and personal data.
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            writer = Writer(handle)
            try:
                manifest = _write_members(writer, alias, media_root, result)
                writer.finish(manifest)
            except BaseException:
                with contextlib.suppress(Exception):
                    writer.zip.close()  # the half-written temp file is removed below
                raise
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, target)
        _fsync_directory(target.parent)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
        raise
    result.archive_bytes = target.stat().st_size
    result.sha256 = _sha256_of(target)
    result.seconds = time.perf_counter() - started
    return result


def _write_members(writer: Writer, alias: str, media_root: Path, result: BackupResult) -> dict[str, Any]:
    connection = connections[alias]
    tables = installed_tables()
    entries: list[dict[str, Any]] = []
    with snapshot(alias):
        created_at = datetime.now(UTC).astimezone()
        migrations = applied_migrations(alias)
        for number, table in enumerate(tables):
            member = f"{TABLES_DIR}{table.name}.jsonl"
            _size, rows = writer.add_stream(member, dump_rows(table, alias))
            result.tables[table.name] = rows
            entries.append(
                {
                    "table": table.name,
                    "model": table.label,
                    "columns": table.columns,
                    "rows": rows,
                    "member": member,
                }
            )
            if number == 0:
                _pause_for_tests()
        referenced = referenced_files(tables, alias)
    files = document_files(media_root, result.warnings)
    for relative, path in files:
        result.file_bytes += writer.add_file(DOCUMENTS_DIR + relative, str(path))
    result.files = len(files)
    absent = sorted(referenced - {relative for relative, _path in files})
    if absent:
        result.warnings.append(
            f"数据库登记了 {len(absent)} 个单据文件但目录中没有（例如 {absent[0]}）/ files referenced but missing"
        )
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "huikuan_version": huikuan.__version__,
        "created_at": created_at.isoformat(),
        "database": {"vendor": connection.vendor, "version": database_version(alias)},
        "migrations": migrations,
        "tables": entries,
        "documents": {"files": result.files, "bytes": result.file_bytes},
    }


def _sha256_of(path: Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync_directory(directory: Path) -> None:
    if sys.platform.startswith("win"):
        return
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
