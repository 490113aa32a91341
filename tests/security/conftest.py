"""Objects of sales_b's customer with a stored document file, for the access matrix and header tests."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from conftest import World
from huikuan.ledger.models import Document
from test_url_access import objects_of_customer_b


@pytest.fixture
def ids(world: World, settings, tmp_path) -> dict[str, int]:
    settings.MEDIA_ROOT = tmp_path
    found = objects_of_customer_b(world)
    document = Document.objects.get(pk=found["document_pk"])
    document.file.save("签收单.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    return found
