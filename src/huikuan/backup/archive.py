"""The backup file: one ZIP archive with a manifest and a sha256 for every member.

Why ZIP rather than tar: every operating system opens it with built-in tools, so an IT person can
look inside without huikuan; its central directory sits at the end, so a truncated copy is
recognised at once instead of restoring "what was there"; members are read by name, so
``restore`` reads the manifest first and checks each member against it; and each member carries
a CRC-32 on top of our sha256. Members are deflated (the JSON lines shrink about tenfold) and
written as a stream (ZIP64), so a large table never has to fit in memory or on disk twice.

Layout::

    manifest.json            what is inside (see ``MANIFEST_KEYS``), sha256 + size of every member
    manifest.sha256          sha256 of manifest.json
    tables/<table>.jsonl     one JSON array per row (see ``huikuan.backup.tables``)
    documents/<path>         the uploaded files, by their path under MEDIA_ROOT

The checksums catch corruption, truncation and accidental edits. They are not a signature: someone
who rewrites a member and the manifest together is not detected, so keep backups where only
administrators can write, and compare the archive's sha256 (printed by ``backup``) when it matters.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from typing import IO, Any

FORMAT = "huikuan-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MANIFEST_SUM = "manifest.sha256"
TABLES_DIR = "tables/"
DOCUMENTS_DIR = "documents/"
MANIFEST_KEYS = (
    "format",  # always "huikuan-backup"
    "format_version",  # FORMAT_VERSION of the program that wrote it
    "huikuan_version",
    "created_at",  # ISO 8601 with offset
    "database",  # {"vendor": "sqlite" | "postgresql", "version": …}
    "migrations",  # {app_label: [applied migration names, sorted]}
    "tables",  # [{"table", "model", "columns": [[column, field type]], "rows", "member"}]
    "documents",  # {"files": n, "bytes": n}
    "members",  # {member: {"sha256", "size"}}
)
_CHUNK = 1 << 20


class ArchiveError(Exception):
    """The file is not a backup this program can trust; the message says why, in Chinese and English."""


class Writer:
    """Streams members into a ZIP file and remembers each member's sha256 and size."""

    def __init__(self, fileobj: IO[bytes], compresslevel: int = 1) -> None:
        # Level 1: most of the size gain at a fraction of the time of the default level 6.
        self.zip = zipfile.ZipFile(fileobj, "w", zipfile.ZIP_DEFLATED, compresslevel=compresslevel)
        self.members: dict[str, dict[str, Any]] = {}

    def add_stream(self, name: str, chunks: Iterable[bytes]) -> tuple[int, int]:
        """Write a member from byte chunks; returns (size, number of chunks)."""
        digest, size, count = hashlib.sha256(), 0, 0
        with self.zip.open(name, "w", force_zip64=True) as out:
            buffer: list[bytes] = []
            buffered = 0
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                count += 1
                buffer.append(chunk)
                buffered += len(chunk)
                if buffered >= _CHUNK:
                    out.write(b"".join(buffer))
                    buffer, buffered = [], 0
            if buffer:
                out.write(b"".join(buffer))
        self.members[name] = {"sha256": digest.hexdigest(), "size": size}
        return size, count

    def add_file(self, name: str, path: str) -> int:
        def read() -> Iterator[bytes]:
            with open(path, "rb") as handle:
                while chunk := handle.read(_CHUNK):
                    yield chunk

        size, _ = self.add_stream(name, read())
        return size

    def finish(self, manifest: dict[str, Any]) -> None:
        manifest = {**manifest, "members": self.members}
        body = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=False).encode("utf-8")
        self.zip.writestr(MANIFEST, body)
        self.zip.writestr(MANIFEST_SUM, hashlib.sha256(body).hexdigest() + "  " + MANIFEST + "\n")
        self.zip.close()


def safe_member_path(name: str) -> PurePosixPath:
    """The relative path of a documents/ member; refuses absolute paths and '..' (zip-slip)."""
    path = PurePosixPath(name[len(DOCUMENTS_DIR) :])
    if (
        not name.startswith(DOCUMENTS_DIR)
        or path.is_absolute()
        or not path.parts
        or any(part in {"", ".", ".."} for part in path.parts)
        or "\\" in name
        or "\x00" in name
    ):
        raise ArchiveError(f"备份中有不安全的文件路径：{name} / unsafe path in the archive")
    return path


class Reader:
    """Opens a backup file, checks the manifest and, with ``verify``, every member's checksum."""

    def __init__(self, path: str) -> None:
        self.path = path
        try:
            self.zip = zipfile.ZipFile(path, "r")
        except FileNotFoundError as exc:
            raise ArchiveError(f"找不到备份文件：{path} / file not found") from exc
        except (zipfile.BadZipFile, OSError) as exc:
            raise ArchiveError(
                f"备份文件已损坏或不完整（不是完整的 ZIP 文件）：{path} / not a complete backup archive ({exc})"
            ) from exc
        self.manifest = self._read_manifest()

    def close(self) -> None:
        self.zip.close()

    def _read(self, name: str) -> bytes:
        try:
            return self.zip.read(name)
        except KeyError as exc:
            raise ArchiveError(f"备份文件缺少 {name}：{self.path} / {name} is missing") from exc
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ArchiveError(
                f"备份文件中的 {name} 已损坏：{self.path} / {name} is damaged ({exc})"
            ) from exc

    def _read_manifest(self) -> dict[str, Any]:
        body = self._read(MANIFEST)
        recorded = self._read(MANIFEST_SUM).decode("ascii", "replace").split()[:1]
        if recorded != [hashlib.sha256(body).hexdigest()]:
            raise ArchiveError(
                f"清单 manifest.json 的校验和不符，备份文件已被修改或损坏：{self.path} / manifest checksum mismatch"
            )
        try:
            manifest = json.loads(body)
        except ValueError as exc:
            raise ArchiveError(f"清单 manifest.json 无法解析：{exc} / manifest is not valid JSON") from exc
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise ArchiveError(f"这不是 huikuan 的备份文件：{self.path} / not a huikuan backup")
        version = manifest.get("format_version")
        if version != FORMAT_VERSION:
            raise ArchiveError(
                f"备份格式版本为 {version}，本程序只支持 {FORMAT_VERSION}；请使用写出该备份的 huikuan 版本"
                f"（{manifest.get('huikuan_version')}）恢复 / format version {version} is not supported"
            )
        missing = [key for key in MANIFEST_KEYS if key not in manifest]
        if missing:
            raise ArchiveError(f"清单 manifest.json 缺少字段：{', '.join(missing)} / manifest incomplete")
        return manifest

    @property
    def members(self) -> dict[str, dict[str, Any]]:
        return dict(self.manifest["members"])

    def verify(self) -> None:
        """Every member listed is present with the recorded size and sha256, and nothing else is there."""
        listed = set(self.members)
        present = {info.filename for info in self.zip.infolist()} - {MANIFEST, MANIFEST_SUM}
        if present - listed:
            extra = sorted(present - listed)[:3]
            raise ArchiveError(f"备份文件中有清单未列出的内容：{', '.join(extra)} / unlisted members")
        for table in self.manifest["tables"]:
            if not (
                isinstance(table, dict)
                and isinstance(table.get("table"), str)
                and isinstance(table.get("columns"), list)
                and isinstance(table.get("rows"), int)
            ):
                raise ArchiveError(
                    f"清单 manifest.json 中的表记录不完整：{str(table)[:80]} / manifest table entry incomplete"
                )
            if table.get("member") not in listed:
                raise ArchiveError(
                    f"清单中表 {table.get('table')} 的数据文件未登记 / table member not listed"
                )
        for name in sorted(listed):
            if name.startswith(DOCUMENTS_DIR):
                safe_member_path(name)
            elif not name.startswith(TABLES_DIR):
                raise ArchiveError(f"备份文件中有未知内容：{name} / unknown member")
            for _chunk in self.stream(name):
                pass

    def stream(self, name: str) -> Iterator[bytes]:
        """The member's bytes in chunks; raises ArchiveError at the end if size or sha256 differ."""
        expected = self.members.get(name)
        if expected is None:
            raise ArchiveError(f"备份文件缺少 {name} / {name} is missing")
        digest, size = hashlib.sha256(), 0
        try:
            with self.zip.open(name) as handle:
                while chunk := handle.read(_CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    yield chunk
        except KeyError as exc:
            raise ArchiveError(f"备份文件缺少 {name}：{self.path} / {name} is missing") from exc
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ArchiveError(f"备份文件中的 {name} 已损坏：{exc} / {name} is damaged") from exc
        if size != expected.get("size") or digest.hexdigest() != expected.get("sha256"):
            raise ArchiveError(
                f"{name} 的校验和不符（备份文件已被修改或损坏）：{self.path} / checksum mismatch for {name}"
            )

    def lines(self, name: str) -> Iterator[bytes]:
        """The member's lines (JSON lines), verified as they are read."""
        rest = b""
        for chunk in self.stream(name):
            rest += chunk
            *complete, rest = rest.split(b"\n")
            yield from complete
        if rest:
            yield rest
