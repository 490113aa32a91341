"""Separate huikuan instances for the backup tests: each is a home directory (and on PostgreSQL its
own database in the test cluster) driven through the real command line in child processes."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
import uuid
import zipfile
from pathlib import Path
from urllib.parse import urlparse

TESTS = Path(__file__).resolve().parents[1]
SRC = TESTS.parent / "src"
PG_URL = os.environ.get("HUIKUAN_DATABASE_URL", "")
HAVE_PG = PG_URL.startswith("postgres")
RUN_VENDOR = "postgresql" if HAVE_PG else "sqlite"


def create_pg_database(template: str | None = None) -> str:
    import psycopg

    parts = urlparse(PG_URL)
    name = f"backup_{uuid.uuid4().hex[:10]}"
    like = f' TEMPLATE "{urlparse(template).path.lstrip("/")}"' if template else ""
    with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"{like}')
    return parts._replace(path=f"/{name}").geturl()


class Instance:
    def __init__(self, home: Path, vendor: str, like: Instance | None = None) -> None:
        """A new instance; ``like`` copies an initialised, empty one instead of migrating again."""
        self.home = home
        self.vendor = vendor
        self.media = home / "media"
        home.mkdir(parents=True)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "huikuan.settings",
            "HUIKUAN_HOME": str(home),
            "HUIKUAN_MEDIA_ROOT": str(self.media),
            "PYTHONPATH": os.pathsep.join([str(TESTS), str(SRC), os.environ.get("PYTHONPATH", "")]),
        }
        self.env.pop("HUIKUAN_DATABASE_URL", None)
        if vendor == "postgresql":
            template = like.env["HUIKUAN_DATABASE_URL"] if like else None
            self.env["HUIKUAN_DATABASE_URL"] = create_pg_database(template)
        elif like is not None:
            shutil.copytree(like.home / "var", home / "var")

    @property
    def sqlite_path(self) -> Path:
        return self.home / "var" / "huikuan.sqlite3"

    def huikuan(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "-m", "huikuan", *args],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        if check:
            assert done.returncode == 0, done.stdout + done.stderr
        return done

    def python(self, code: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout

    def tables(self) -> dict[str, list[list[str]]]:
        """Every table Django knows, row by row (by primary key), each value as its typed repr."""
        return json.loads(self.python(DUMP).splitlines()[-1])

    def counts(self) -> dict[str, int]:
        return json.loads(self.python(COUNT).splitlines()[-1])

    def files(self) -> dict[str, bytes]:
        if not self.media.exists():
            return {}
        return {
            p.relative_to(self.media).as_posix(): p.read_bytes() for p in self.media.rglob("*") if p.is_file()
        }


# Values as Python sees them through Django, typed: Decimal('…'), datetime in UTC, bytes as hex.
# Independent of the backup's own encoding, so a type or precision slip shows up as a difference.
DUMP = """
import json, django
django.setup()
from datetime import UTC, datetime
from django.db import connection
from huikuan.backup.tables import installed_tables

def canon(value):
    if isinstance(value, datetime):
        return "datetime " + value.astimezone(UTC).isoformat()
    if isinstance(value, (bytes, memoryview)):
        return "bytes " + bytes(value).hex()
    if isinstance(value, (dict, list)):
        return "json " + json.dumps(value, sort_keys=True, ensure_ascii=False)
    return repr(value)

out = {}
existing = set(connection.introspection.table_names())
for table in installed_tables():
    if table.name not in existing:
        continue
    rows = table.model._base_manager.order_by("pk").values_list(*[f.attname for f in table.fields])
    out[table.name] = [[canon(v) for v in row] for row in rows]
print(json.dumps(out, ensure_ascii=False))
"""

COUNT = """
import json, django
django.setup()
from django.db import connection
from huikuan.backup.tables import installed_tables
existing = set(connection.introspection.table_names())
print(json.dumps({t.name: t.model._base_manager.count() for t in installed_tables() if t.name in existing}))
"""

# Rows the generator does not make: a document uploaded through the service (its stored name is
# random, the user's Chinese name is data), a file with a Chinese path, a money amount of 15
# significant digits (all a SQLite REAL keeps exact), a binary model, nested JSON, a session, a queued task.
ENRICH = """
import django
django.setup()
import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.core.files.uploadedfile import SimpleUploadedFile
from huikuan.accounts.models import User
from huikuan.audit.log import log_action
from huikuan.collection.services.documents import DocumentInput, upload_document
from huikuan.ledger.models import CalendarDay, Contract, ExchangeRate
from huikuan.prediction.models import PredictionModel
from huikuan.tasks import apply_customer_credit

contract = Contract.objects.order_by("pk").first()
user = User.objects.order_by("pk").first()
pdf = b"%PDF-1.4\\n" + bytes(range(256)) * 40
upload_document(
    contract,
    SimpleUploadedFile("验收单（盖章）2026.pdf", pdf, content_type="application/pdf"),
    DocumentInput(kind="acceptance_certificate", title="验收单"),
    actor=user,
)
manual = Path(settings.MEDIA_ROOT) / "手工归档" / "对账确认函 华东 2026.pdf"
manual.parent.mkdir(parents=True, exist_ok=True)
manual.write_bytes(b"%PDF-1.7\\n\\x00\\xff" + "对账".encode() * 500)
Contract.objects.filter(pk=contract.pk).update(amount=Decimal("1234567890123.45"))
ExchangeRate.objects.create(currency="USD", effective_on=date(2026, 11, 27), rate_to_base=Decimal("7.123457"))
CalendarDay.objects.create(day=date(2031, 1, 1), kind="holiday", name="元旦")
blob = bytes(range(256)) * 8 + b"\\x00\\x00"
PredictionModel.objects.create(
    trained_at=datetime(2026, 11, 27, 1, 2, 3, 456789, tzinfo=UTC), as_of=date(2026, 11, 26), n_train=5,
    features=["逾期天数", "amount"], params={"learning_rate": 0.03, "trees": 50}, metrics={"mae": 4.06},
    library="1.9.1", blob=blob, sha256=hashlib.sha256(blob).hexdigest(),
)
log_action("test.backup.nested", actor=user, data={"嵌套": {"列表": [1, "二", None], "金额": "0.01"}})
session = SessionStore()
session["备注"] = "会话"
session.create()
apply_customer_credit.enqueue(contract.customer_id)
print("enriched")
"""


def build_source(home: Path, vendor: str) -> Instance:
    source = Instance(home, vendor)
    source.huikuan("init", "--quiet")
    source.huikuan("generate", "--scale", "small", "--seed", "7", "--as-of", "2026-11-27", "--quiet")
    source.huikuan("daily", "--as-of", "2026-11-27", "--quiet")
    source.python(ENRICH)
    return source


def rewrite(archive: Path, out: Path, change) -> None:
    """Copy a backup with ``change(members: dict[name, bytes])`` applied (members edited in memory)."""
    with zipfile.ZipFile(archive) as zin:
        members = {info.filename: zin.read(info.filename) for info in zin.infolist()}
    change(members)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, body in members.items():
            zout.writestr(name, body)


def reseal_manifest(members: dict[str, bytes], manifest: dict) -> None:
    """Store ``manifest`` with a matching manifest.sha256, as a careful forger would."""
    import hashlib

    body = json.dumps(manifest, ensure_ascii=False).encode()
    members["manifest.json"] = body
    members["manifest.sha256"] = (hashlib.sha256(body).hexdigest() + "  manifest.json\n").encode()
