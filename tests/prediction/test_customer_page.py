"""The customer page says when the customer usually pays and when this receivable will likely be paid."""

from __future__ import annotations

from django.test import Client

from conftest import World
from factories import PASSWORD


def test_customer_page_shows_the_outlook_when_a_model_exists(world: World, monkeypatch) -> None:
    class Outlook:
        def text(self, lang: str) -> str:
            return (
                "通常逾期 12 天付款；本笔预计 2026-12-14 到账"
                if lang == "zh-hans"
                else "usually pays 12 days late"
            )

    receivable_ids = list(world.cust_a.contracts.get().receivables.values_list("pk", flat=True))
    monkeypatch.setattr(
        "huikuan.prediction.service.customer_outlook",
        lambda customer_id, as_of: dict.fromkeys(receivable_ids, Outlook()),
    )
    client = Client()
    assert client.login(username="sales_a", password=PASSWORD)
    body = client.get(f"/customers/{world.cust_a.pk}/").content.decode()
    assert "本笔预计 2026-12-14 到账" in body


def test_customer_page_without_a_model_shows_no_outlook(world: World) -> None:
    client = Client()
    assert client.login(username="sales_a", password=PASSWORD)
    body = client.get(f"/customers/{world.cust_a.pk}/").content.decode()
    assert "预计" not in body
