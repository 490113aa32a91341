"""``huikuan restore FILE``: an archive back into an empty instance, all or nothing.

Order of work, so that a refusal or a failure leaves the target as it was:

1. read the manifest and every member, checking size and sha256 (nothing is written yet);
2. check the format version and that the backup's migrations are exactly those this code applies;
3. check that the target is empty (no rows beyond what ``huikuan init`` creates, no documents)
   unless ``--force``; with ``--force`` a backup of the current instance is written first;
4. migrate the target (``restore`` does what ``huikuan init`` would; an empty database only gains
   its tables), then in ONE transaction: empty every table, insert every row (checksums are
   verified again while reading), reset PostgreSQL sequences, compare row counts with the
   manifest, write an audit entry; documents are unpacked into a temporary directory beside
   MEDIA_ROOT meanwhile;
5. only after the commit the documents directory is swapped into place (one rename).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DatabaseError, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from huikuan.backup.archive import DOCUMENTS_DIR, ArchiveError, Reader, safe_member_path
from huikuan.backup.create import BackupResult, write_backup
from huikuan.backup.tables import Table, installed_tables, load_rows

# Filled by `migrate` / `huikuan init` in a fresh instance; a restore replaces them, so rows in
# them do not make a target "not empty".
SETUP_MODELS = frozenset(
    {
        "contenttypes.ContentType",
        "auth.Permission",
        "auth.Group",
        "auth.Group_permissions",
        "ledger.CompanySettings",
    }
)


class RestoreRefused(Exception):
    """The restore was refused or failed and the target is unchanged; the message says why."""


@dataclass
class RestoreResult:
    source: dict[str, Any]
    tables: dict[str, int] = field(default_factory=dict)
    files: int = 0
    file_bytes: int = 0
    seconds: float = 0.0
    safety_backup: BackupResult | None = None
    migrated: bool = False


def expected_migrations(alias: str = "default") -> dict[str, list[str]]:
    """The migrations this code has applied once the target is migrated."""
    executor = MigrationExecutor(connections[alias])
    keys = set(executor.loader.applied_migrations or {})
    keys |= {
        (m.app_label, m.name) for m, _backwards in executor.migration_plan(executor.loader.graph.leaf_nodes())
    }
    out: dict[str, list[str]] = {}
    for app_label, name in keys:
        out.setdefault(app_label, []).append(name)
    return {app: sorted(names) for app, names in sorted(out.items())}


def check_migrations(manifest: dict[str, Any], alias: str = "default") -> None:
    import huikuan

    ours = expected_migrations(alias)
    theirs = manifest["migrations"]
    if ours == theirs:
        return
    ours_set = {(a, n) for a, names in ours.items() for n in names}
    theirs_set = {(a, n) for a, names in theirs.items() for n in names}
    newer = sorted(theirs_set - ours_set)
    older = sorted(ours_set - theirs_set)
    version = manifest.get("huikuan_version")
    if newer:
        example = ", ".join(f"{a}.{n}" for a, n in newer[:3])
        raise RestoreRefused(
            f"备份来自更新的 huikuan（{version}），含本程序没有的数据库迁移：{example}。"
            f"请先把 huikuan 升级到 {version} 或更新版本再恢复。/ The backup has migrations this code "
            "does not know: upgrade huikuan first."
        )
    example = ", ".join(f"{a}.{n}" for a, n in older[:3])
    raise RestoreRefused(
        f"备份来自较旧的 huikuan（{version}），缺少数据库迁移：{example}。请用 huikuan {version} 恢复，"
        f"再升级到 {huikuan.__version__} 并运行 huikuan init 完成数据库升级。/ The backup predates "
        "migrations of this code: restore with the version that wrote it, then upgrade and run init."
    )


def target_contents(tables: list[Table], media_root: Path, alias: str = "default") -> list[str]:
    """What makes the target not empty: tables with rows (besides set-up tables) and documents."""
    connection = connections[alias]
    existing = set(connection.introspection.table_names())
    found: list[str] = []
    with connection.cursor() as cursor:
        for table in tables:
            if table.name not in existing or table.label in SETUP_MODELS:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table.name)} LIMIT 1")
            if cursor.fetchone():
                found.append(table.name)
    if media_root.is_dir() and any(p.is_file() or p.is_symlink() for p in media_root.rglob("*")):
        found.append(f"单据目录 / documents {media_root}")
    return found


def _match_tables(manifest: dict[str, Any], tables: list[Table]) -> list[tuple[Table, dict[str, Any]]]:
    by_name = {t.name: t for t in tables}
    listed = {entry["table"]: entry for entry in manifest["tables"]}
    if set(listed) != set(by_name):
        extra = sorted(set(listed) ^ set(by_name))[:3]
        raise RestoreRefused(f"备份中的表与本程序的表不一致：{', '.join(extra)} / table sets differ")
    pairs = []
    for name, table in by_name.items():
        if listed[name]["columns"] != table.columns:
            raise RestoreRefused(f"表 {name} 的列与本程序不一致 / columns of {name} differ")
        pairs.append((table, listed[name]))
    return pairs


def _wipe(tables: list[Table], alias: str) -> None:
    connection = connections[alias]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(
                "TRUNCATE " + ", ".join(quote(t.name) for t in tables) + " RESTART IDENTITY CASCADE"
            )
        else:
            # Foreign keys are DEFERRABLE INITIALLY DEFERRED: checked once, at commit.
            for table in tables:
                cursor.execute(f"DELETE FROM {quote(table.name)}")


def _unpack_documents(reader: Reader, into: Path) -> tuple[int, int]:
    files = total = 0
    for name in sorted(reader.members):
        if not name.startswith(DOCUMENTS_DIR):
            continue
        path = into.joinpath(*safe_member_path(name).parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "wb") as out:
            for chunk in reader.stream(name):
                out.write(chunk)
                total += len(chunk)
        files += 1
    return files, total


def restore(path: Path, *, force: bool = False, alias: str = "default") -> RestoreResult:
    started = time.perf_counter()
    reader = Reader(str(path))
    try:
        reader.verify()
        manifest = reader.manifest
        check_migrations(manifest, alias)
        tables = installed_tables()
        pairs = _match_tables(manifest, tables)
        media_root = Path(settings.MEDIA_ROOT).absolute()
        contents = target_contents(tables, media_root, alias)
        result = RestoreResult(source=manifest)
        if contents and not force:
            raise RestoreRefused(
                "目标实例不是空的（" + "、".join(contents[:5]) + ("…" if len(contents) > 5 else "") + "）。"
                "恢复会删除这些数据；确需覆盖请加 --force（会先自动备份当前数据）。/ The target is not empty; "
                "--force replaces it after backing it up."
            )
        if contents:
            result.safety_backup = _safety_backup(path, alias)
        executor = MigrationExecutor(connections[alias])
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            call_command("migrate", interactive=False, verbosity=0, database=alias)
            result.migrated = True
        _restore_all(reader, pairs, media_root, result, alias)
    finally:
        reader.close()
    result.seconds = time.perf_counter() - started
    return result


def _safety_backup(path: Path, alias: str) -> BackupResult:
    directory = Path(settings.VAR_DIR) / "backups"
    directory.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).astimezone().strftime("%Y%m%d-%H%M%S")
    return write_backup(directory / f"before-restore-{stamp}.zip", alias)


def _restore_all(
    reader: Reader,
    pairs: list[tuple[Table, dict[str, Any]]],
    media_root: Path,
    result: RestoreResult,
    alias: str,
) -> None:
    from huikuan.audit.log import log_action

    connection = connections[alias]
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{media_root.name}.restore-", dir=media_root.parent))
    try:
        try:
            with transaction.atomic(using=alias):
                _wipe([t for t, _ in pairs], alias)
                for table, entry in pairs:
                    rows = load_rows(table, reader.lines(entry["member"]), connection)
                    if rows != entry["rows"]:
                        raise ArchiveError(
                            f"表 {table.name} 有 {rows} 行，清单记录 {entry['rows']} 行 / row count mismatch"
                        )
                    result.tables[table.name] = rows
                with connection.cursor() as cursor:
                    for sql in connection.ops.sequence_reset_sql(no_style(), [t.model for t, _ in pairs]):
                        cursor.execute(sql)
                result.files, result.file_bytes = _unpack_documents(reader, staging)
                log_action(
                    "backup.restored",
                    data={
                        "file": str(reader.path),
                        "created_at": reader.manifest["created_at"],
                        "source_database": reader.manifest["database"],
                        "huikuan_version": reader.manifest["huikuan_version"],
                        "rows": sum(result.tables.values()),
                        "files": result.files,
                    },
                )
        except (DatabaseError, ValueError) as exc:
            raise RestoreRefused(
                f"恢复失败，目标数据库未改变：{exc} / restore failed, nothing was changed"
            ) from exc
        _swap_documents(staging, media_root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_documents(staging: Path, media_root: Path) -> None:
    """Put the unpacked documents in place with renames (same file system, atomic each)."""
    old = None
    if media_root.exists():
        old = media_root.with_name(f".{media_root.name}.replaced-{os.getpid()}")
        os.replace(media_root, old)
    os.replace(staging, media_root)
    if old is not None:
        with contextlib.suppress(OSError):
            shutil.rmtree(old)
