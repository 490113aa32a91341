"""schemathesis against the OpenAPI document, in process (WSGI): no 500 and no schema violation.

Every operation gets a bounded number of generated requests, valid ones and invalid ones, with an
integration token that has every scope, over the `world` ledger and a finished daily run. The whole
document is fuzzed inside one test so the ledger and the run are built once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from conftest import World
from huikuan.analytics.run import run_daily
from huikuan.api.tokens import create_token
from huikuan.wsgi import application

CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
EXAMPLES = {GenerationMode.POSITIVE: 12, GenerationMode.NEGATIVE: 6}


@pytest.fixture
def keep_test_connection() -> Iterator[None]:
    """Requests go through the WSGI handler, which closes old connections at request end; that would
    drop the test's transaction on PostgreSQL (Django's own test client does the same as this)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.usefixtures("keep_test_connection")
def test_the_api_never_fails_on_generated_requests(world: World) -> None:
    run_daily(date(2026, 11, 27), trigger="test")
    token = create_token(
        scopes=["read", "write", "payments", "credit-status", "exposures"], integration="fuzz"
    )[1]
    headers = {"Authorization": f"Bearer {token}"}
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 30
    calls = {"n": 0}
    failures: list[str] = []
    for operation in operations:
        for mode, examples in EXAMPLES.items():

            @given(case=operation.as_strategy(generation_mode=mode))
            @settings(
                max_examples=examples,
                deadline=None,
                derandomize=True,
                database=None,
                suppress_health_check=list(HealthCheck),
            )
            def fuzz(case: schemathesis.Case) -> None:
                calls["n"] += 1
                case.call_and_validate(headers=headers, checks=CHECKS)

            try:
                fuzz()
            except Exception as exc:  # collect every operation's failure, not just the first
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    assert failures == []
    assert calls["n"] >= len(operations) * 5
