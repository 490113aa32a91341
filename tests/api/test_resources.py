"""Reading and writing through the API: pagination, filters, ETag/If-Match, errors as JSON."""

from __future__ import annotations

from datetime import date

import pytest

from api.conftest import ApiClient, Tokens
from conftest import World
from huikuan.audit.models import AuditEntry
from huikuan.collection.models import Promise

pytestmark = pytest.mark.django_db


def test_a_change_with_a_stale_etag_is_refused_with_412(api: ApiClient, tokens: Tokens, world: World) -> None:
    first = api.get(f"/customers/{world.cust_a.pk}", tokens.sales_a)
    etag = first.headers["ETag"]
    changed = api.patch(
        f"/customers/{world.cust_a.pk}", tokens.sales_a, {"book_close_day": 25}, **{"If-Match": etag}
    )
    assert changed.status == 200 and changed.body["book_close_day"] == 25
    assert changed.headers["ETag"] != etag
    stale = api.patch(
        f"/customers/{world.cust_a.pk}", tokens.sales_a, {"book_close_day": 20}, **{"If-Match": etag}
    )
    assert stale.status == 412
    assert stale.body["code"] == "precondition_failed" and "重新读取" in stale.body["message"]
    assert api.get(f"/customers/{world.cust_a.pk}", tokens.sales_a).body["book_close_day"] == 25
    audit = AuditEntry.objects.filter(action="ledger.customer.changed").first()
    assert audit is not None and audit.data["changes"]["book_close_day"] == [None, 25]


def test_create_customer_contact_contract_and_receivable(
    api: ApiClient, tokens: Tokens, world: World
) -> None:
    customer = api.post("/customers", tokens.sales_a, {"name": "苏州丁机械有限公司", "code": "C-900"})
    assert customer.status == 201 and customer.body["owner_id"] == world.sales_a.pk
    cid = customer.body["id"]
    contact = api.post(
        "/contacts", tokens.sales_a, {"customer_id": cid, "name": "王会计", "roles": ["payer", "finance"]}
    )
    assert contact.status == 201 and contact.body["roles"] == ["payer", "finance"]
    contract = api.post(
        "/contracts", tokens.sales_a, {"customer_id": cid, "number": "HT-900", "amount": "5000.00"}
    )
    assert contract.status == 201 and contract.body["owner_id"] == world.sales_a.pk
    receivable = api.post(
        "/receivables",
        tokens.sales_a,
        {
            "contract_id": contract.body["id"],
            "amount": "5000.00",
            "due_on": "2026-06-30",
            "kind": "acceptance",
        },
    )
    assert receivable.status == 201
    assert receivable.body["open_amount"] == "5000.00" and receivable.body["customer_id"] == cid
    duplicate = api.post("/customers", tokens.sales_b, {"name": "重复编码", "code": "C-900"})
    assert duplicate.status == 400 and duplicate.body["code"] == "invalid"


def test_a_salesperson_cannot_give_a_customer_to_someone_outside_their_portfolio(
    api: ApiClient, tokens: Tokens, world: World
) -> None:
    response = api.post("/customers", tokens.sales_a, {"name": "某客户", "owner_id": world.sales_c.pk})
    assert response.status == 400 and response.body["code"] == "owner_not_visible"


def test_bad_input_is_a_json_error_never_a_500(api: ApiClient, tokens: Tokens, world: World) -> None:
    bad_uscc = api.post("/customers", tokens.erp, {"name": "X", "uscc": "91350100M000100Y40"})
    assert bad_uscc.status in (400, 422) and bad_uscc.body["message"]
    not_json = api.client.post(
        "/api/v1/customers", data="{not json", content_type="application/json",
        headers={"Authorization": f"Bearer {tokens.finance}"},
    )  # fmt: skip
    assert not_json.status_code in (400, 422) and "code" in not_json.json()
    huge = api.get("/customers/99999999999999999999", tokens.finance)
    assert huge.status == 422 and huge.body["code"] == "invalid_input"
    assert api.get("/receivables?status=nonsense", tokens.finance).status == 422


def test_pagination_and_filters(api: ApiClient, tokens: Tokens, world: World) -> None:
    first = api.get("/receivables?limit=2&offset=0", tokens.finance)
    second = api.get("/receivables?limit=2&offset=2", tokens.finance)
    assert first.body["count"] == 6 and len(first.body["items"]) == 2
    ids = {r["id"] for r in first.body["items"]} | {r["id"] for r in second.body["items"]}
    assert len(ids) == 4
    mine = api.get(f"/receivables?owner={world.sales_b.pk}&due_from=2026-03-01", tokens.finance)
    assert mine.body["count"] == 1 and mine.body["items"][0]["due_on"] == "2026-04-01"
    assert api.get("/receivables?status=open", tokens.finance).body["count"] == 6
    contracts = api.get(f"/contracts?customer={world.cust_c.pk}", tokens.finance)
    assert [c["number"] for c in contracts.body["items"]] == ["HT-C-001"]


def test_activity_with_a_promise_goes_through_the_collection_use_case(
    api: ApiClient, tokens: Tokens, world: World
) -> None:
    receivable = api.get(f"/receivables?customer={world.cust_a.pk}", tokens.sales_a).body["items"][0]
    today = date.today()
    body = {
        "receivable_id": receivable["id"],
        "channel": "call",
        "outcome": "promised",
        "notes": "财务说月底付",
        "promises": [{"amount": "100.00", "on": today.replace(year=today.year + 1).isoformat()}],
    }
    created = api.post("/activities", tokens.sales_a, body)
    assert created.status == 201, created.body
    assert len(created.body["promise_ids"]) == 1
    promise = Promise.objects.get(pk=created.body["promise_ids"][0])
    assert promise.status == "pending" and promise.customer_id == world.cust_a.pk
    listed = api.get(f"/promises?customer={world.cust_a.pk}", tokens.sales_a)
    assert [p["id"] for p in listed.body["items"]] == [promise.pk]
    other = api.post("/activities", tokens.sales_b, body)
    assert other.status == 404
    erp = api.post("/activities", tokens.erp, body)
    assert erp.status == 403 and erp.body["code"] == "user_token_required"
    too_much = api.post(
        "/promises",
        tokens.sales_a,
        {"receivable_id": receivable["id"], "amount": "99999.00", "promised_on": body["promises"][0]["on"],
         "channel": "visit"},
    )  # fmt: skip
    assert too_much.status == 400 and too_much.body["code"] == "promise_over_open"


def test_contract_and_receivable_changes_check_the_etag_and_never_touch_amounts(
    api: ApiClient, tokens: Tokens, world: World
) -> None:
    contract = api.get(f"/contracts?customer={world.cust_a.pk}", tokens.sales_a).body["items"][0]
    current = api.get(f"/contracts/{contract['id']}", tokens.sales_a)
    changed = api.patch(
        f"/contracts/{contract['id']}", tokens.sales_a, {"acceptance_method": "书面验收单"},
        **{"If-Match": current.headers["ETag"]},
    )  # fmt: skip
    assert changed.status == 200 and changed.body["acceptance_method"] == "书面验收单"
    stale = api.patch(
        f"/contracts/{contract['id']}", tokens.sales_a, {"spec": "X"}, **{"If-Match": current.headers["ETag"]}
    )
    assert stale.status == 412
    receivable = api.get(f"/receivables?contract={contract['id']}", tokens.sales_a).body["items"][0]
    etag = api.get(f"/receivables/{receivable['id']}", tokens.sales_a).headers["ETag"]
    paused = api.patch(
        f"/receivables/{receivable['id']}", tokens.sales_a,
        {"pause_until": "2026-12-31", "pause_reason": "客户审计中"}, **{"If-Match": etag},
    )  # fmt: skip
    assert paused.status == 200 and paused.body["pause_until"] == "2026-12-31"
    amount = api.patch(f"/receivables/{receivable['id']}", tokens.sales_a, {"amount": "1.00"})
    assert amount.status == 422  # not a field a client may set
    assert api.patch(f"/receivables/{receivable['id']}", tokens.sales_b, {"pause_reason": "x"}).status == 404
