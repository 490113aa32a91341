"""How the daily run's largest reads reach the database (analytics.load.queries)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection

from huikuan.analytics.load import queries


def test_the_activity_window_is_read_from_its_covering_index(db: None) -> None:
    """The last 180 days' signals come from the `activity_window` index alone: reading the
    activity rows themselves (with their notes) made this the run's slowest query."""
    if connection.vendor != "sqlite":
        pytest.skip("PostgreSQL's planner picks by table size; the plan is SQLite's")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + queries(date(2026, 11, 27))["activities"])
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "COVERING INDEX activity_window" in plan, plan
