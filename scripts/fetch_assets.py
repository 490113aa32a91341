#!/usr/bin/env python3
"""Fetch the pinned front-end libraries from the npm registry (no Node.js needed).

Reads assets/package-lock.json (exact versions and sha512 integrity), downloads each tarball named in
assets/package.json "huikuanAssets", verifies it, and unpacks the listed files into
src/huikuan/web/static/vendor/<package>/. Already fetched versions are skipped.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import sys
import tarfile
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = ROOT / "assets"
VENDOR = ROOT / "src" / "huikuan" / "web" / "static" / "vendor"


def registry() -> str:
    return (os.environ.get("NPM_CONFIG_REGISTRY") or "https://registry.npmjs.org/").rstrip("/") + "/"


def tarball_url(name: str, version: str) -> str:
    return f"{registry()}{name}/-/{name.rsplit('/', 1)[-1]}-{version}.tgz"


def verify(data: bytes, integrity: str, name: str) -> None:
    algorithm, _, expected = integrity.partition("-")
    digest = base64.b64encode(hashlib.new(algorithm, data).digest()).decode()
    if digest != expected:
        raise SystemExit(f"fetch_assets: integrity check failed for {name}")


def fetch(name: str, version: str, integrity: str, files: list[str]) -> None:
    target = VENDOR / name
    stamp = target / ".version"
    if stamp.exists() and stamp.read_text().strip() == version and all((target / f).exists() for f in files):
        return
    url = tarball_url(name, version)
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read()
    verify(data, integrity, name)
    target.mkdir(parents=True, exist_ok=True)
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for wanted in files:
            member = archive.getmember(f"package/{wanted}")
            out = target / wanted
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_bytes(archive.extractfile(member).read())  # type: ignore[union-attr]
    stamp.write_text(version)
    print(f"fetched {name}@{version}", file=sys.stderr)


def main() -> int:
    manifest = json.loads((ASSETS / "package.json").read_text())
    lock = json.loads((ASSETS / "package-lock.json").read_text())["packages"]
    for name, files in manifest["huikuanAssets"].items():
        entry = lock[f"node_modules/{name}"]
        fetch(name, entry["version"], entry["integrity"], files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
