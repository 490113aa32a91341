"""`huikuan backup` / `huikuan restore` as an IT person runs them: real processes, separate instances.

A source instance gets a generated portfolio, a daily run and the awkward values (16-digit money,
binary model, nested JSON, Chinese file names, NULLs); its backup is restored into an empty
instance and every table is compared row by row, every document byte by byte. On the PostgreSQL
run the same happens PostgreSQL→PostgreSQL and across vendors in both directions.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from backup.instances import HAVE_PG, RUN_VENDOR, Instance, build_source, reseal_manifest, rewrite

PAIRS = (
    [("sqlite", "postgresql"), ("postgresql", "postgresql"), ("postgresql", "sqlite")]
    if HAVE_PG
    else [("sqlite", "sqlite")]
)


@pytest.fixture(scope="module")
def sources(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Instance, Path]]:
    """A filled source instance and its backup, per vendor this run needs (built once)."""
    out = {}
    for vendor in sorted({s for s, _t in PAIRS} | {RUN_VENDOR}):
        root = tmp_path_factory.mktemp(f"source-{vendor}")
        source = build_source(root / "home", vendor)
        archive = root / "备份 2026-11-27.zip"
        done = source.huikuan("backup", str(archive))
        assert "备份完成" in done.stdout
        out[vendor] = (source, archive)
    return out


@pytest.fixture(scope="module")
def empty(tmp_path_factory: pytest.TempPathFactory) -> Instance:
    """An initialised instance without data, copied by the tests that need an initialised target."""
    instance = Instance(tmp_path_factory.mktemp("empty") / "home", RUN_VENDOR)
    instance.huikuan("init", "--quiet")
    return instance


def compare(source: Instance, target: Instance) -> None:
    before, after = source.tables(), target.tables()
    assert set(before) == set(after)
    # The restore leaves one audit entry of its own, after the restored ones.
    restored_entry = after["audit_auditentry"].pop()
    assert "'backup.restored'" in restored_entry
    for name in before:
        assert after[name] == before[name], name
    assert target.files() == source.files()


@pytest.mark.parametrize(("source_vendor", "target_vendor"), PAIRS, ids=[f"{s}-to-{t}" for s, t in PAIRS])
def test_restore_into_an_empty_instance_gives_back_every_row_and_file(
    sources, tmp_path: Path, source_vendor: str, target_vendor: str
) -> None:
    source, archive = sources[source_vendor]
    before = source.tables()
    filled = {name for name, rows in before.items() if rows}
    for must in ("ledger_document", "prediction_predictionmodel", "django_session", "ledger_exchangerate",
                 "django_tasks_database_dbtaskresult", "analytics_dailyrun", "collection_activity"):  # fmt: skip
        assert must in filled, must
    assert len(filled) >= 40
    assert "Decimal('1234567890123.45')" in json.dumps(before["ledger_contract"])
    assert any(
        "验收单（盖章）2026.pdf" in json.dumps(r, ensure_ascii=False) for r in before["ledger_document"]
    )

    target = Instance(tmp_path / "target", target_vendor)  # not even migrated: restore does it
    done = target.huikuan("restore", str(archive))
    assert "恢复完成" in done.stdout and "已建表" in done.stdout
    compare(source, target)
    assert "手工归档/对账确认函 华东 2026.pdf" in target.files()

    # Sequences continue after the restored ids, so the restored instance takes new rows.
    new_id = target.python(
        "import django; django.setup()\n"
        "from huikuan.ledger.models import CustomerGroup\n"
        "print(CustomerGroup.objects.create(name='恢复后新增').pk)\n"
    )
    assert int(new_id) > max(int(r[0]) for r in before["ledger_customergroup"])


@pytest.mark.skipif(HAVE_PG, reason="the storage-level comparison reads SQLite files")
def test_sqlite_files_hold_the_same_values_with_the_same_storage_types(sources, tmp_path: Path) -> None:
    source, archive = sources["sqlite"]
    target = Instance(tmp_path / "target", "sqlite")
    target.huikuan("restore", str(archive))
    with sqlite3.connect(source.sqlite_path) as a, sqlite3.connect(target.sqlite_path) as b:
        tables = [r[0] for r in a.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            if table in {"django_migrations", "sqlite_sequence"}:
                continue
            columns = [r[1] for r in a.execute(f'PRAGMA table_info("{table}")')]
            typed = ", ".join(f'typeof("{c}"), "{c}"' for c in columns)
            query = f'SELECT {typed} FROM "{table}" ORDER BY 2'
            rows_a, rows_b = a.execute(query).fetchall(), b.execute(query).fetchall()
            if table == "audit_auditentry":
                rows_b = rows_b[:-1]
            assert rows_a == rows_b, table


def state(instance: Instance) -> tuple[dict[str, int], dict[str, bytes], bool]:
    return instance.counts(), instance.files(), instance.media.exists()


def _flip_byte(members: dict[str, bytes]) -> None:
    name = "tables/ledger_receivable.jsonl"
    body = bytearray(members[name])
    body[len(body) // 2] ^= 0x01
    members[name] = bytes(body)


def _future_migration(members: dict[str, bytes]) -> None:
    manifest = json.loads(members["manifest.json"])
    manifest["migrations"]["ledger"].append("9999_from_the_future")
    reseal_manifest(members, manifest)


def _old_format(members: dict[str, bytes]) -> None:
    manifest = json.loads(members["manifest.json"])
    manifest["format_version"] = 99
    reseal_manifest(members, manifest)


def _dangling_foreign_key(members: dict[str, bytes]) -> None:
    # A self-consistent archive (checksums recomputed) whose data breaks a foreign key: it passes
    # every check before writing and fails at commit, so this proves the restore is all or nothing.
    import hashlib

    name = "tables/ledger_receivable.jsonl"
    lines = members[name].decode().splitlines(keepends=True)
    header = json.loads(members["manifest.json"])
    columns = next(t["columns"] for t in header["tables"] if t["table"] == "ledger_receivable")
    position = [c for c, _t in columns].index("contract_id")
    row = json.loads(lines[-1])
    row[position] = 987654321
    lines[-1] = json.dumps(row, ensure_ascii=False) + "\n"
    members[name] = "".join(lines).encode()
    header["members"][name] = {
        "sha256": hashlib.sha256(members[name]).hexdigest(),
        "size": len(members[name]),
    }
    reseal_manifest(members, header)


def _truncate(archive: Path, out: Path) -> None:
    data = archive.read_bytes()
    out.write_bytes(data[: len(data) // 2])


def _extra_member(members: dict[str, bytes]) -> None:
    members["documents/../../escaped.txt"] = b"outside"


def _table_entry_without_columns(members: dict[str, bytes]) -> None:
    manifest = json.loads(members["manifest.json"])
    del manifest["tables"][0]["columns"]
    reseal_manifest(members, manifest)


CORRUPTIONS = {
    "manifest-entry-incomplete": (_table_entry_without_columns, "表记录不完整"),
    "flipped-byte": (_flip_byte, "校验和不符"),
    "truncated": (None, "不完整"),
    "unlisted-path-escape": (_extra_member, "清单未列出"),
    "migration-from-newer-version": (_future_migration, "升级"),
    "unknown-format-version": (_old_format, "格式版本"),
    "dangling-foreign-key": (_dangling_foreign_key, "恢复失败"),
}


@pytest.mark.parametrize("kind", list(CORRUPTIONS))
def test_a_damaged_or_foreign_archive_is_refused_and_the_target_is_unchanged(
    sources, empty: Instance, tmp_path: Path, kind: str
) -> None:
    _source, archive = sources["sqlite"]
    bad = tmp_path / "bad.zip"
    change, message = CORRUPTIONS[kind]
    if change is None:
        _truncate(archive, bad)
    else:
        rewrite(archive, bad, change)
    target = Instance(tmp_path / "target", RUN_VENDOR, like=empty)
    before = state(target)
    done = target.huikuan("restore", str(bad), check=False)
    assert done.returncode == 1, done.stdout + done.stderr
    assert message in done.stderr and "目标实例保持原样" in done.stderr, done.stderr
    assert state(target) == before
    assert not (tmp_path / "escaped.txt").exists()
    assert not any(p.name.startswith(".media.restore-") for p in target.home.iterdir())


def test_a_target_with_data_is_refused_and_force_replaces_it_after_backing_it_up(
    sources, empty: Instance, tmp_path: Path
) -> None:
    source, archive = sources[RUN_VENDOR]
    target = Instance(tmp_path / "target", RUN_VENDOR, like=empty)
    target.huikuan("user", "lin", "--role", "salesperson", "--password", "Lin-2026-demo!")
    before = state(target)

    refused = target.huikuan("restore", str(archive), check=False)
    assert refused.returncode == 1 and "不是空的" in refused.stderr and "accounts_user" in refused.stderr
    assert state(target) == before

    done = target.huikuan("restore", str(archive), "--force")
    assert "原有数据已备份到" in done.stdout
    compare(source, target)
    safety = list((target.home / "var" / "backups").glob("before-restore-*.zip"))
    assert len(safety) == 1
    with zipfile.ZipFile(safety[0]) as saved:
        users = saved.read("tables/accounts_user.jsonl").decode()
    assert '"lin"' in users


def test_backup_never_overwrites_and_never_leaves_half_an_archive(sources, tmp_path: Path) -> None:
    source, archive = sources[RUN_VENDOR]
    original = archive.read_bytes()
    again = source.huikuan("backup", str(archive), check=False)
    assert again.returncode == 1 and "已存在" in again.stderr
    assert archive.read_bytes() == original

    target = tmp_path / "killed.zip"
    process = subprocess.Popen(
        [sys.executable, "-m", "huikuan", "backup", str(target)],
        env={**source.env, "HUIKUAN_TEST_BACKUP_PAUSE": "60"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert "pausing in backup" in process.stdout.readline()
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert not target.exists()
    partial = list(tmp_path.glob(".killed.zip.partial-*"))
    assert partial and oct(partial[0].stat().st_mode & 0o777) == "0o600"


WRITE_DURING_BACKUP = """
import django
django.setup()
from huikuan.ledger.models import Customer, CustomerGroup
group = CustomerGroup.objects.create(name="备份期间新增集团")
Customer.objects.create(name="备份期间新增客户", group=group)
print(Customer.objects.count())
"""


def test_a_backup_is_one_consistent_snapshot_while_the_application_writes(sources, tmp_path: Path) -> None:
    source, _archive = sources[RUN_VENDOR]
    counts = source.counts()
    target = tmp_path / "snapshot.zip"
    process = subprocess.Popen(
        [sys.executable, "-m", "huikuan", "backup", str(target)],
        env={**source.env, "HUIKUAN_TEST_BACKUP_PAUSE": "10"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert "pausing in backup" in process.stdout.readline()
    started = time.monotonic()
    written = int(source.python(WRITE_DURING_BACKUP).split()[-1])
    # The writer did not wait for the backup (no lock held): it finished during the pause.
    assert time.monotonic() - started < 10 and process.poll() is None
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, out + err
    assert written == counts["ledger_customer"] + 1
    with zipfile.ZipFile(target) as archive:
        manifest = json.loads(archive.read("manifest.json"))
    rows = {t["table"]: t["rows"] for t in manifest["tables"]}
    # Both tables were read after the write committed, yet neither shows it: one snapshot.
    assert rows["ledger_customer"] == counts["ledger_customer"]
    assert rows["ledger_customergroup"] == counts["ledger_customergroup"]
