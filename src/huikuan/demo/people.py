"""Teams and users of the synthetic portfolio: few rows, written through the ORM.

Small: one team 华东销售一部 with manager ``wangfang``, salespeople ``zhangsan`` and ``lisi`` and finance
``zhaomin``. Bigger scales keep those four and add teams and salespeople so each has a few hundred
customers. Passwords are unusable; the demo set-up sets real ones later.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX

from huikuan.demo.bulk import BulkWriter
from huikuan.demo.names import GIVEN, REGIONS, SURNAMES

CUSTOMERS_PER_SALESPERSON = 300
SALESPEOPLE_PER_TEAM = 8
ORDINALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"]
FIXED = [  # username, display name, role, team index (-1: none)
    ("wangfang", "王芳", "manager", 0),
    ("zhangsan", "张三", "salesperson", 0),
    ("lisi", "李四", "salesperson", 0),
    ("zhaomin", "赵敏", "finance", -1),
]


@dataclass
class Staff:
    sales_ids: np.ndarray  # user ids of salespeople
    sales_team: np.ndarray  # team index per salesperson
    sales_region: np.ndarray  # region index (names.REGIONS) per salesperson
    sales_manager: np.ndarray  # the manager's user id per salesperson
    team_ids: np.ndarray
    manager_ids: np.ndarray  # per team
    finance_ids: np.ndarray

    def manager_of(self, user_ids: np.ndarray) -> np.ndarray:
        """The manager of each salesperson in ``user_ids``."""
        lookup = dict(zip(self.sales_ids.tolist(), self.sales_manager.tolist(), strict=True))
        return np.array([lookup[u] for u in user_ids.tolist()], dtype=np.int64)


def team_names(count: int) -> list[tuple[str, int]]:
    """华东销售一部, 华北销售一部, …, then 二部 … — (name, region index)."""
    out = []
    for ordinal in ORDINALS:
        for region_index, region in enumerate(REGIONS):
            out.append((f"{region}销售{ordinal}部", region_index))
    # Keep 华东 first: it is the home region and small scales have one team only.
    return out[:count]


def person_names(rng: np.random.Generator, n: int) -> list[tuple[str, str]]:
    """(Chinese name, pinyin) pairs."""
    surname = rng.integers(0, len(SURNAMES), n)
    first = rng.integers(0, len(GIVEN), n)
    second = rng.integers(0, len(GIVEN), n)
    two = rng.random(n) < 0.6
    out = []
    for s, a, b, t in zip(surname.tolist(), first.tolist(), second.tolist(), two.tolist(), strict=True):
        name = SURNAMES[s][0] + GIVEN[a][0] + (GIVEN[b][0] if t else "")
        pinyin = SURNAMES[s][1] + GIVEN[a][1] + (GIVEN[b][1] if t else "")
        out.append((name, pinyin))
    return out


def create_staff(rng: np.random.Generator, customers: int, small: bool, writer: BulkWriter) -> Staff:
    """Teams and users (existing ones with the same name are reused and updated).

    New rows get explicit ids (the next free ones), like the rest of the portfolio, so a rerun into
    an identical database gives identical ids on PostgreSQL too (sequences are not transactional).
    """
    from huikuan.accounts.models import Team, User
    from huikuan.accounts.roles import apply_role

    n_sales = 2 if small else max(2, round(customers / CUSTOMERS_PER_SALESPERSON))
    n_teams = 1 if small else -(-n_sales // SALESPEOPLE_PER_TEAM)
    n_finance = 1 if small else max(1, n_sales // 100)
    teams = []
    for name, _region in team_names(n_teams):
        team = Team.objects.filter(name=name).first()
        if team is None:
            team = Team(pk=writer.first_id(Team), name=name)
            team.save(force_insert=True)
        teams.append(team)
    writer.register(Team)
    regions = [region for _name, region in team_names(n_teams)]

    # username, display name, role, team index; generated names get a pinyin username.
    plan = list(FIXED)
    taken = {u for u, *_ in plan}
    extra = person_names(rng, (n_teams - 1) + (n_sales - 2) + (n_finance - 1))
    picks = iter(extra)

    def username(pinyin: str) -> str:
        candidate, k = pinyin, 1
        while candidate in taken:
            k += 1
            candidate = f"{pinyin}{k}"
        taken.add(candidate)
        return candidate

    for team in range(1, n_teams):
        name, py = next(picks)
        plan.append((username(py), name, "manager", team))
    for k in range(n_sales - 2):
        name, py = next(picks)
        plan.append((username(py), name, "salesperson", (k + 2) // SALESPEOPLE_PER_TEAM))
    for _k in range(n_finance - 1):
        name, py = next(picks)
        plan.append((username(py), name, "finance", -1))

    by_role: dict[str, list[tuple[int, int]]] = {"manager": [], "salesperson": [], "finance": []}
    for login, display, role, team in plan:
        user = User.objects.filter(username=login).first()
        new = user is None
        if user is None:
            user = User(pk=writer.first_id(User), username=login)
        user.display_name = display
        user.role = role
        user.team = teams[team] if role == "salesperson" else None
        user.password = f"{UNUSABLE_PASSWORD_PREFIX}demo"  # unusable until the demo set-up sets one
        user.date_joined = writer.instant
        user.save(force_insert=new)
        apply_role(user)
        if role == "manager":
            teams[team].managers.add(user)
        by_role[role].append((user.pk, team))
    writer.register(User)

    managers = [uid for uid, _team in sorted(by_role["manager"], key=lambda x: x[1])]
    sales = by_role["salesperson"]
    sales_team = np.array([team for _uid, team in sales], dtype=np.int64)
    return Staff(
        sales_ids=np.array([uid for uid, _team in sales], dtype=np.int64),
        sales_team=sales_team,
        sales_region=np.array([regions[t] for t in sales_team.tolist()], dtype=np.int64),
        sales_manager=np.array([managers[t] for t in sales_team.tolist()], dtype=np.int64),
        team_ids=np.array([t.pk for t in teams], dtype=np.int64),
        manager_ids=np.array(managers, dtype=np.int64),
        finance_ids=np.array([uid for uid, _team in by_role["finance"]], dtype=np.int64),
    )
