"""The API documentation page works without internet: no CDN, its scripts are served by huikuan."""

from __future__ import annotations

from django.test import Client


def test_api_docs_load_swagger_from_our_own_static_files(db) -> None:
    body = Client().get("/api/docs").content.decode()
    assert "cdn." not in body and "unpkg" not in body
    assert "/static/ninja/swagger-ui-bundle" in body
