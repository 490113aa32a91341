"""SQLite under load: a clerk's save waits for a long write instead of failing with "database is locked"."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.db import connection

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite locking behaviour")

LONG_WRITE = """
import time, django
django.setup()
from django.db import transaction
from huikuan.ledger.models import CustomerGroup
with transaction.atomic():
    CustomerGroup.objects.create(name="long write")
    print("locked", flush=True)
    time.sleep(2)
"""

# Reads first, then writes in the same transaction: with a deferred BEGIN this upgrade fails at once
# with "database is locked" while another writer holds the lock.
CLERK_SAVE = """
import django
django.setup()
from django.db import transaction
from huikuan.ledger.models import CustomerGroup
with transaction.atomic():
    n = CustomerGroup.objects.count()
    CustomerGroup.objects.create(name=f"clerk {n}")
print("saved")
"""


def test_clerk_save_waits_for_a_long_write(tmp_path: Path) -> None:
    env = {**os.environ, "HUIKUAN_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "huikuan.settings"}
    env.pop("HUIKUAN_DATABASE_URL", None)
    subprocess.run([sys.executable, "-m", "huikuan", "init", "--quiet"], env=env, check=True)
    writer = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(LONG_WRITE)], env=env, stdout=subprocess.PIPE, text=True
    )
    assert writer.stdout.readline().strip() == "locked"
    clerk = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(CLERK_SAVE)], env=env, capture_output=True, text=True
    )
    writer.wait(timeout=30)
    assert clerk.returncode == 0, clerk.stderr
    assert clerk.stdout.strip() == "saved"
    assert writer.returncode == 0
