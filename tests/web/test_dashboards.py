"""报表: each user sees only the figures of the portfolio they may see, from the latest daily run."""

from __future__ import annotations

import io
import json
import re
from datetime import date
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from conftest import World
from factories import PASSWORD
from huikuan.analytics.models import DailyRun
from huikuan.analytics.run import run_daily
from huikuan.collection.models import Promise
from huikuan.ledger.models import Contract, Receivable

AS_OF = date(2026, 5, 20)


def client_for(username: str) -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def charts_of(html: str) -> dict[str, dict]:
    """The chart documents the page embeds (json_script), by chart name."""
    found = re.findall(r'<script id="chart-(\w+)-data" type="application/json">(.*?)</script>', html, re.S)
    return {name: json.loads(body) for name, body in found}


def categories(html: str) -> set[str]:
    charts = charts_of(html)
    return set(charts["aging"]["categories"]) | set(charts["rates"]["categories"])


def test_dashboard_without_a_run_says_so(world: World) -> None:
    response = client_for("sales_a").get("/dashboards/")
    assert response.status_code == 200
    assert "还没有完成的每日运行" in response.content.decode()


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("sales_a", {"sales_a"}),
        ("sales_b", {"sales_b"}),
        ("mgr_east", {"sales_a", "sales_b"}),
        ("mgr_north", {"sales_c"}),
        ("finance", {"sales_a", "sales_b", "sales_c"}),
        ("admin", {"sales_a", "sales_b", "sales_c"}),
    ],
)
def test_dashboard_holds_only_the_salespeople_in_scope(world: World, persona: str, expected: set) -> None:
    run_daily(AS_OF)
    html = client_for(persona).get("/dashboards/").content.decode()
    assert categories(html) == expected
    for other in {"sales_a", "sales_b", "sales_c"} - expected:
        assert other not in html


def test_every_chart_has_series(world: World) -> None:
    run_daily(AS_OF)
    charts = charts_of(client_for("mgr_east").get("/dashboards/").content.decode())
    assert set(charts) == {"aging", "rates", "trend", "forecast", "promises", "completeness"}
    assert all(chart["series"] for chart in charts.values())
    aging = charts["aging"]
    overdue = {s["name"]: s["data"] for s in aging["series"]}
    assert overdue["31–60天"] == [700.0, 700.0] and overdue["91–180天"] == [300.0, 300.0]


def test_salesperson_cards_are_their_own_totals(world: World) -> None:
    run_daily(AS_OF)
    html = client_for("sales_a").get("/dashboards/").content.decode()
    assert "1,000.00" in html  # sales_a's open amount
    assert "3,000.00" not in html  # the company's
    assert "DSO" not in html  # a company-wide figure


def test_finance_sees_company_dso_trend_from_run_history(world: World) -> None:
    run_daily(date(2026, 5, 18))
    run_daily(AS_OF)
    response = client_for("finance").get("/dashboards/trend/")
    assert response.status_code == 200
    table = response.context["table"]
    assert [row[0] for row in table.rows] == [date(2026, 5, 18), AS_OF]
    assert all(row[1] is not None for row in table.rows)


def test_manager_trend_sums_their_team_only(world: World) -> None:
    run_daily(AS_OF)
    table = client_for("mgr_east").get("/dashboards/trend/").context["table"]
    assert table.rows == [[AS_OF, Decimal("2000.00"), Decimal("2000.00"), Decimal("0.00")]]


def test_aging_table_of_a_manager_lists_their_team(world: World) -> None:
    run_daily(AS_OF)
    response = client_for("mgr_east").get("/dashboards/aging/")
    names = [row[0] for row in response.context["table"].rows]
    assert names == ["sales_a", "sales_b"]
    assert "sales_c" not in response.content.decode()


def test_completeness_counts_and_drill_down_are_scoped(world: World) -> None:
    Contract.objects.filter(customer=world.cust_c).update(
        acceptance_standard="按技术协议验收", acceptance_method="现场验收"
    )
    run_daily(AS_OF)
    finance = client_for("finance").get("/dashboards/completeness/").context["table"]
    acceptance = finance.rows[0]
    assert acceptance[2:4] == [2, 3]  # two of three contracts lack acceptance terms
    mine = client_for("sales_a").get("/dashboards/completeness/payer/")
    rows = mine.context["table"].rows
    assert rows == [[world.cust_a.name, "", "sales_a"]]
    assert world.cust_b.name not in mine.content.decode()


def test_scoped_forecast_counts_my_pending_promise(world: World) -> None:
    receivable = Receivable.objects.filter(contract__customer=world.cust_a).order_by("sequence").first()
    promise = Promise.objects.create(
        customer=world.cust_a, amount=Decimal("300.00"), promised_on=date(2026, 5, 29)
    )
    promise.receivables.add(receivable)
    run_daily(AS_OF)
    table = client_for("sales_a").get("/dashboards/forecast/").context["table"]
    week_two = table.rows[1]  # 2026-05-27 … 06-02
    assert week_two[0] == date(2026, 5, 27) and week_two[3] == Decimal("300.00")
    # The run forecasts each owner's receivables the way it forecasts the company's, overdue ones
    # included: the dashboard adds up the owner's weeks and leaves nothing out.
    assert table.note == ""
    mine = DailyRun.latest().summary["forecast_by_owner"][str(world.sales_a.pk)]
    assert [row[5] for row in table.rows] == [Decimal(week["total_c"]) for week in mine]
    other = client_for("sales_b").get("/dashboards/forecast/").context["table"]
    assert all(row[3] == Decimal("0.00") for row in other.rows)
    team = client_for("mgr_east").get("/dashboards/forecast/").context["table"]  # sales_a and sales_b
    assert [row[5] for row in team.rows] == [a[5] + b[5] for a, b in zip(table.rows, other.rows, strict=True)]


def test_excel_export_is_formula_safe(world: World) -> None:
    world.cust_a.name = '=HYPERLINK("http://x")'
    world.cust_a.save()
    run_daily(AS_OF)
    response = client_for("sales_a").get("/dashboards/completeness/payer/?export=xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "客户名称"
    assert sheet["A2"].value == '\'=HYPERLINK("http://x")'


def test_every_table_exports(world: World) -> None:
    run_daily(AS_OF)
    client = client_for("mgr_east")
    for name in ("aging", "collection", "teams", "trend", "forecast", "promises", "completeness"):
        response = client.get(f"/dashboards/{name}/?export=xlsx")
        assert response.status_code == 200, name
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
        assert rows and all(cell is None or "sales_c" not in str(cell) for row in rows for cell in row)


def test_anonymous_is_sent_to_login(db: None) -> None:
    assert Client().get("/dashboards/aging/").status_code == 302
