"""The command line as users run it: separate processes, each with its own home directory."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

HUIKUAN = [sys.executable, "-m", "huikuan"]


def run(home: Path, *args: str, check: bool = True, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "HUIKUAN_HOME": str(home), **env}
    environment.pop("HUIKUAN_DATABASE_URL", None)
    result = subprocess.run([*HUIKUAN, *args], capture_output=True, text=True, env=environment, timeout=300)
    if check:
        assert result.returncode == 0, result.stderr
    return result


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_init_is_idempotent_and_uses_wal(tmp_path: Path) -> None:
    run(tmp_path, "init")
    run(tmp_path, "init")
    db = tmp_path / "var" / "huikuan.sqlite3"
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM ledger_companysettings").fetchone()[0] == 1


def test_usage_errors_exit_2_and_bad_input_exits_1(tmp_path: Path) -> None:
    assert run(tmp_path, "generate", check=False).returncode == 2
    assert run(tmp_path, "no-such-command", check=False).returncode == 2
    run(tmp_path, "init")
    weak = run(tmp_path, "user", "x1", "--role", "salesperson", "--password", "123", check=False)
    assert weak.returncode == 1 and "密码" in weak.stderr


def test_help_lists_only_commands_that_exist() -> None:
    out = subprocess.run([*HUIKUAN, "--help"], capture_output=True, text=True, check=True).stdout
    for command in (
        "init",
        "generate",
        "serve",
        "worker",
        "import",
        "daily",
        "report",
        "letter",
        "evidence",
        "predict",
        "privacy",
        "backup",
        "restore",
    ):
        assert re.search(rf"^\s+{command}\s", out, re.M)


def _open(opener: urllib.request.OpenerDirector, url: str, data: dict[str, str] | None = None):
    body = urllib.parse.urlencode(data).encode() if data else None
    return opener.open(urllib.request.Request(url, data=body), timeout=10)


def test_serve_runs_gunicorn_with_static_files_and_a_user_can_log_in(tmp_path: Path) -> None:
    run(tmp_path, "init", "--quiet")
    run(tmp_path, "user", "lin", "--role", "salesperson", "--password", "Lin-2026-demo!", "--name", "林")
    port = free_port()
    env = {**os.environ, "HUIKUAN_HOME": str(tmp_path)}
    env.pop("HUIKUAN_DATABASE_URL", None)
    server = subprocess.Popen(
        [*HUIKUAN, "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        for _ in range(100):
            try:
                page = _open(opener, f"{base}/login/")
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail(
                "server did not start: " + (server.stdout.read() if server.poll() is not None else "")
            )
        assert page.headers["Content-Type"] == "text/html; charset=utf-8"
        assert page.headers["X-Frame-Options"] == "DENY"
        html = page.read().decode()
        assert "登录回款" in html
        assert "gunicorn" in (page.headers.get("Server") or "")
        css_path = re.search(r'href="(/static/web/site\.[0-9a-f]+\.css)"', html).group(1)
        css = _open(opener, base + css_path)
        assert css.status == 200 and "max-age" in css.headers["Cache-Control"]
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
        home = _open(
            opener,
            f"{base}/login/",
            {"username": "lin", "password": "Lin-2026-demo!", "csrfmiddlewaretoken": token, "next": "/"},
        )
        assert home.url == f"{base}/"
        assert "林，您好" in home.read().decode()
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_a_commands_start_up_leaves_the_web_and_api_layers_unloaded(tmp_path: Path) -> None:
    """Commands such as `daily` start in about half a second: setting up Django imports neither the
    API layer (django-ninja, pydantic) nor Django's test tools; the web server loads them with the URLs."""
    probe = (
        "import sys, django; django.setup(); "
        "print(sorted(m for m in ('ninja', 'pydantic', 'django.test', 'huikuan.api.api') if m in sys.modules))"
    )
    env = {**os.environ, "HUIKUAN_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "huikuan.settings"}
    env.pop("HUIKUAN_DATABASE_URL", None)
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


STALE_BYTECODE = """
import importlib.util, os, struct, sys, sysconfig
import django
django.setup()
import huikuan.analytics.run, huikuan.analytics.write, huikuan.analytics.jsonout, huikuan.cli
import polars, pyarrow.compute, connectorx, adbc_driver_sqlite.dbapi
roots = (sysconfig.get_paths()["purelib"], os.path.dirname(huikuan.cli.__file__))
stale = []
for name, module in list(sys.modules.items()):
    source = getattr(module, "__file__", None) or ""
    if not source.endswith(".py") or not source.startswith(roots):
        continue
    try:
        with open(importlib.util.cache_from_source(source), "rb") as f:
            header = f.read(16)
    except OSError:
        header = b""
    st = os.stat(source)
    fresh = header[8:16] == struct.pack("<II", int(st.st_mtime) & 0xFFFFFFFF, st.st_size & 0xFFFFFFFF)
    if not fresh:
        stale.append(name)
print(len(stale), sorted(stale)[:20])
"""


def test_the_install_leaves_compiled_bytecode_for_what_a_command_imports(tmp_path: Path) -> None:
    """`make install` compiles the environment and the source: a command started by a user who cannot
    write there, or with PYTHONDONTWRITEBYTECODE set, must not compile the modules it imports at
    every start (about 0.6 s of `huikuan daily`). After editing a source file, `make install` again."""
    env = {**os.environ, "HUIKUAN_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "huikuan.settings"}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("HUIKUAN_DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-c", STALE_BYTECODE], capture_output=True, text=True, env=env, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("0 "), f"modules without up-to-date bytecode: {out.stdout}"


def test_daily_ends_quickly_with_its_output_whole_and_its_results_committed(tmp_path: Path) -> None:
    """`huikuan daily` skips the interpreter's teardown after success (`cli.entry`): everything it
    prints and writes must still be complete, and the database closed cleanly."""
    run(tmp_path, "init", "--quiet")
    run(tmp_path, "generate", "--scale", "small", "--as-of", "2026-11-27", "--quiet")
    out = run(tmp_path, "daily", "--as-of", "2026-11-27", "--json", str(tmp_path / "daily.json"))
    assert "账龄分析表" in out.stdout and out.stdout.rstrip().splitlines()[-1].startswith("JSON: ")
    document = json.loads((tmp_path / "daily.json").read_text(encoding="utf-8"))
    db = tmp_path / "var" / "huikuan.sqlite3"
    with sqlite3.connect(db) as con:
        status, opened = con.execute(
            "SELECT status, receivables_open FROM analytics_dailyrun ORDER BY id DESC LIMIT 1"
        ).fetchone()
    assert (status, opened) == ("finished", document["totals"]["receivables_open"])
    wal = db.with_name(db.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0  # the last connection checkpointed on close


def test_a_database_that_needs_init_gets_a_message_not_a_traceback(tmp_path: Path) -> None:
    """A command run against a database without the current tables says to run `huikuan init`."""
    result = run(tmp_path, "daily", "--as-of", "2026-11-27", check=False)
    assert result.returncode == 1
    assert "huikuan init" in result.stderr and "Traceback" not in result.stderr
    run(tmp_path, "init", "--quiet")
    assert run(tmp_path, "daily", "--as-of", "2026-11-27", "--quiet", check=False).returncode == 0
