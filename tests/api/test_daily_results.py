"""Worklist, daily results and KPIs come from the latest finished daily run, narrowed like the web."""

from __future__ import annotations

from datetime import date

import pytest

from api.conftest import ApiClient, Tokens
from conftest import World
from huikuan.analytics.run import run_daily

pytestmark = pytest.mark.django_db
AS_OF = date(2026, 11, 27)


def test_without_a_finished_run_the_answer_says_so(api: ApiClient, tokens: Tokens) -> None:
    response = api.get("/worklist", tokens.sales_a)
    assert response.status == 404 and response.body["code"] == "no_daily_run"


def test_worklist_is_the_callers_in_run_order(api: ApiClient, tokens: Tokens, world: World) -> None:
    run = run_daily(AS_OF, trigger="test").run
    mine = api.get("/worklist", tokens.sales_a).body
    assert mine["run_id"] == run.pk and mine["as_of"] == "2026-11-27"
    assert {r["customer_id"] for r in mine["items"]} == {world.cust_a.pk}
    assert [r["rank"] for r in mine["items"]] == sorted(r["rank"] for r in mine["items"])
    first = mine["items"][0]
    assert first["customer_name"] == world.cust_a.name and first["reasons"]
    assert all(r["message"] for r in first["reasons"])
    team = api.get("/worklist", tokens.mgr_east).body
    assert {r["customer_id"] for r in team["items"]} == {world.cust_a.pk, world.cust_b.pk}
    assert api.get(f"/worklist?owner={world.sales_c.pk}", tokens.sales_a).body["count"] == 0
    everyone = api.get("/daily-run/results?overdue_only=true", tokens.erp).body
    assert everyone["count"] == 6


def test_kpis_and_run_totals_follow_the_callers_view(api: ApiClient, tokens: Tokens, world: World) -> None:
    run_daily(AS_OF, trigger="test")
    own = api.get("/kpis", tokens.sales_a).body
    assert set(own["by_owner"]) == {"sales_a"} and own["company"] is None and own["teams"] == {}
    manager = api.get("/kpis", tokens.mgr_east).body
    assert set(manager["by_owner"]) == {"sales_a", "sales_b"} and set(manager["teams"]) == {"华东"}
    company = api.get("/kpis", tokens.finance).body
    assert company["company"]["dso"] is not None and "华北" in company["teams"]
    assert api.get("/daily-run", tokens.sales_a).body["totals"] is None
    assert api.get("/daily-run", tokens.finance).body["totals"]["amount_open"] == "3000.00"
