"""Shared fixtures: a small ledger with the personas every access test uses.

team 华东: manager `mgr_east`, salespeople `sales_a` and `sales_b`
team 华北: manager `mgr_north`, salesperson `sales_c`
finance clerk `finance`, admin `admin`
Each salesperson owns one customer with one contract of two milestones.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass

import pytest

from factories import make_customer, make_user
from huikuan.accounts.models import Role, Team, User
from huikuan.ledger.models import Customer

# `huikuan serve` and `worker` refuse to start without a real secret key outside demo mode; the command-line
# tests start them as production would, so the suite supplies one (docs/security.md).
os.environ.setdefault("HUIKUAN_SECRET_KEY", secrets.token_urlsafe(50))


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    # The real hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Pages render without a collectstatic run.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@dataclass
class World:
    mgr_east: User
    mgr_north: User
    sales_a: User
    sales_b: User
    sales_c: User
    finance: User
    admin: User
    cust_a: Customer
    cust_b: Customer
    cust_c: Customer


@pytest.fixture
def world(db: None) -> World:
    east = Team.objects.create(name="华东")
    north = Team.objects.create(name="华北")
    mgr_east = make_user("mgr_east", Role.MANAGER)
    mgr_north = make_user("mgr_north", Role.MANAGER)
    east.managers.add(mgr_east)
    north.managers.add(mgr_north)
    sales_a = make_user("sales_a", Role.SALESPERSON, east)
    sales_b = make_user("sales_b", Role.SALESPERSON, east)
    sales_c = make_user("sales_c", Role.SALESPERSON, north)
    finance = make_user("finance", Role.FINANCE)
    admin = make_user("admin", Role.ADMIN)
    return World(
        mgr_east,
        mgr_north,
        sales_a,
        sales_b,
        sales_c,
        finance,
        admin,
        make_customer("杭州甲科技有限公司", sales_a, number="HT-A-001"),
        make_customer("南京乙工程有限公司", sales_b, number="HT-B-001"),
        make_customer("北京丙集团有限公司", sales_c, number="HT-C-001"),
    )
