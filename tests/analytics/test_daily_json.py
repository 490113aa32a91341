"""`huikuan daily --json FILE`: the document of FORMATS.md, validated by the JSON Schema in the repo."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import jsonschema
import pytest

from analytics.portfolio import build_portfolio
from huikuan.analytics.jsonout import SCHEMA_PATH
from huikuan.analytics.models import DailyRun
from huikuan.cli import main

AS_OF = date(2026, 11, 27)
FORMATS_KEYS = [
    "as_of",
    "base_currency",
    "calendar_note",
    "warnings",
    "totals",
    "aging",
    "kpis",
    "receivables",
    "worklist",
]
RECEIVABLE_KEYS = [
    "id", "customer", "customer_id", "contract_no", "milestone", "owner", "currency", "amount", "open", "due_on",
    "days_overdue", "bucket", "nature", "risk", "readiness_gaps", "pause_until", "pause_reason",
    "limitation_expires_on", "priority", "rank_reasons", "next_action",
]  # fmt: skip


@pytest.fixture
def document(db: None, tmp_path: Path) -> dict:
    build_portfolio(7, AS_OF, customers=20)
    path = tmp_path / "daily.json"
    assert main(["daily", "--as-of", AS_OF.isoformat(), "--json", str(path), "--quiet"]) == 0
    return json.loads(path.read_text(encoding="utf-8"))


def test_the_json_validates_against_the_schema_kept_in_the_repo(document: dict) -> None:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)


def test_the_contract_keys_are_all_there(document: dict) -> None:
    assert list(document)[: len(FORMATS_KEYS) - 2] == FORMATS_KEYS[:-2]
    assert set(FORMATS_KEYS) <= set(document)
    assert {"receivables_open", "amount_open", "amount_overdue"} <= set(document["totals"])
    assert {"dso", "cei", "add", "collection_rate_month", "promise_kept_rate", "by_owner"} <= set(
        document["kpis"]
    )
    for owner in document["kpis"]["by_owner"].values():
        assert {"collection_rate_month", "collected_month", "target_month"} <= set(owner)
    assert document["receivables"], "the portfolio has open receivables"
    for item in document["receivables"]:
        assert list(item)[: len(RECEIVABLE_KEYS)] == RECEIVABLE_KEYS
        assert list(item["next_action"]) == [
            "kind",
            "on",
            "contact_role",
            "contact_id",
            "strategy",
            "reasons",
        ]


def test_the_document_adds_up(document: dict) -> None:
    items = document["receivables"]
    assert document["totals"]["receivables_open"] == len(items)
    base = [Decimal(i["open_base"]) for i in items if i["open_base"] is not None]
    assert sum(base) == Decimal(document["totals"]["amount_open"])
    assert sum(Decimal(v) for v in document["aging"].values()) == Decimal(document["totals"]["amount_open"])
    assert all(Decimal(i["open"]) > 0 for i in items)
    by_id = {i["id"]: i for i in items}
    for owner, ids in document["worklist"].items():
        assert [by_id[i]["owner"] for i in ids] == [owner] * len(ids)
        assert [by_id[i]["rank"] for i in ids] == list(range(1, len(ids) + 1))
        priorities = [by_id[i]["priority"] for i in ids]
        assert priorities == sorted(priorities, reverse=True)
    run = DailyRun.latest()
    assert run is not None and document["run_id"] == run.pk
    assert run.statuses().count() == len(items)


def test_a_run_without_any_receivable_still_writes_a_valid_document(db: None, tmp_path: Path) -> None:
    path = tmp_path / "empty.json"
    assert main(["daily", "--as-of", AS_OF.isoformat(), "--json", str(path), "--quiet"]) == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))).validate(document)
    assert document["receivables"] == [] and document["totals"]["amount_open"] == "0.00"


def test_stored_status_rows_explain_the_same_reasons_as_the_document(document: dict) -> None:
    run = DailyRun.latest()
    assert run is not None
    by_id = {i["id"]: i for i in document["receivables"]}
    for status in run.statuses():
        item = by_id[status.receivable_id]
        explained = status.explained(run)
        assert [code for code, _severity in explained["gaps"]] == item["readiness_gaps"]
        assert explained["rank_reasons"] == item["rank_reasons"]
        assert [r["code"] for r in explained["reasons"]] == item["next_action"]["reasons"]
        assert (status.strategy, status.action_kind, status.rank) == (
            item["next_action"]["strategy"], item["next_action"]["kind"], item["rank"],
        )  # fmt: skip
        first = explained["reasons"][0]
        if first["code"] == "blocking_gap":
            assert (
                first["params"]["gap"] == item["readiness_gaps"][0]
                or first["params"]["gap"] in item["readiness_gaps"]
            )


def test_the_run_returned_holds_what_was_stored(db: None) -> None:
    """`run_daily` hands back the published run without reading it again: its fields must be
    those in the database (the screen and the JSON file are made from it)."""
    from huikuan.analytics.run import run_daily

    build_portfolio(11, AS_OF, customers=12)
    outcome = run_daily(AS_OF)
    stored = DailyRun.objects.get(pk=outcome.run.pk)
    assert stored.status == DailyRun.Status.FINISHED == outcome.run.status
    assert stored.finished_at == outcome.run.finished_at and stored.finished_at is not None
    for name in ("as_of", "receivables_open", "calendar_note", "warnings", "counts", "timings", "summary"):
        assert json.loads(json.dumps(getattr(outcome.run, name), default=str)) == json.loads(
            json.dumps(getattr(stored, name), default=str)
        ), name
