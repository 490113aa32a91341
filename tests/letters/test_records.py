"""A generated letter is a Document (file, SHA-256, receivables, audit); delivery and a stamped return
are recorded on it and move the limitation clock (huikuan.core.limitation) for what it names."""

from __future__ import annotations

import hashlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from conftest import World
from huikuan.audit.models import AuditEntry
from huikuan.core.calendar import add_years
from huikuan.ledger.models import Document
from huikuan.letters.builders import confirmation_data, dunning_data
from huikuan.letters.common import LetterError
from huikuan.letters.evidence.limitation import limitation_view
from huikuan.letters.records import create_letter, mark_delivered, mark_returned
from letters.helpers import contract, receivables

AS_OF = date(2026, 3, 31)


def clock(view, receivable) -> tuple[date, date, tuple[str, ...]]:
    status = next(m for m in view.report.milestones if m.receivable_id == receivable.pk)
    return status.runs_from, status.expires_on, status.codes


@pytest.fixture
def confirmation(world: World, company) -> Document:
    return create_letter(
        confirmation_data(world.cust_a, AS_OF, date(2026, 4, 2)), actor=world.sales_a
    ).document


def test_a_generated_letter_becomes_a_document_with_its_file(
    world: World, confirmation: Document, settings
) -> None:
    doc = confirmation
    assert (
        doc.kind == "balance_confirmation" and doc.covers_whole_balance and doc.issued_on == date(2026, 4, 2)
    )
    assert [r.pk for r in doc.receivables.all()] == [receivables(world.cust_a.contracts.get())[0].pk]
    stored = Path(settings.MEDIA_ROOT) / doc.file.name
    assert stored.is_file() and doc.file.name.startswith(f"documents/{world.cust_a.pk}/")
    assert hashlib.sha256(stored.read_bytes()).hexdigest() == doc.sha256
    assert doc.original_filename == "对账确认函_杭州甲科技有限公司_20260331.docx"
    entry = AuditEntry.objects.get(action="letters.letter.generated", object_id=str(doc.pk))
    assert entry.actor == world.sales_a and entry.customer_id == world.cust_a.pk
    assert entry.data["sha256"] == doc.sha256 and entry.data["total"] == "300.00"
    assert entry.data["letter_no"].startswith(f"DZ-20260402-{world.cust_a.pk}-")


def test_a_stamped_return_restarts_the_clock_for_the_receivables_it_names(world: World, confirmation) -> None:
    first, _second = receivables(world.cust_a.contracts.get())
    later = contract(world.cust_a, "HT-A-009", ("500.00",), (date(2026, 4, 10),))
    before = limitation_view(world.cust_a, date(2026, 6, 1))
    assert clock(before, first)[:2] == (first.due_on, add_years(first.due_on, 3))

    mark_returned(confirmation, date(2026, 4, 20), "company", world.sales_a, confirmed_amount=Decimal("300"))
    after = limitation_view(world.cust_a, date(2026, 6, 1))
    runs_from, expires_on, codes = clock(after, first)
    assert (runs_from, expires_on) == (date(2026, 4, 20), date(2029, 4, 20))
    assert codes[0] == "limitation_restarted" and codes[-1] == "not_legal_advice"
    # A milestone the letter did not name keeps its own clock.
    assert clock(after, receivables(later)[0])[:2] == (date(2026, 4, 10), date(2029, 4, 10))

    confirmation.refresh_from_db()
    assert confirmation.returned_on == date(2026, 4, 20) and confirmation.seal_kind == "company"
    assert confirmation.confirmed_amount == Decimal("300.00") and confirmation.delivered_on == date(
        2026, 4, 20
    )
    entry = AuditEntry.objects.get(action="letters.document.returned")
    assert entry.data["changes"]["seal_kind"] == ["none", "company"]


def test_a_department_seal_counts_but_is_flagged_weak(world: World, confirmation) -> None:
    first = receivables(world.cust_a.contracts.get())[0]
    mark_returned(confirmation, date(2026, 4, 20), "department", world.sales_a)
    _runs, expires_on, codes = clock(limitation_view(world.cust_a, date(2026, 6, 1)), first)
    assert expires_on == date(2029, 4, 20) and "weak_seal" in codes


def test_an_unreturned_letter_does_not_move_the_clock(world: World, confirmation) -> None:
    first = receivables(world.cust_a.contracts.get())[0]
    runs_from, _exp, codes = clock(limitation_view(world.cust_a, date(2026, 6, 1)), first)
    assert runs_from == first.due_on and "unsealed_not_counted" in codes


def test_a_delivered_demand_restarts_the_clock(world: World, company) -> None:
    c = world.cust_a.contracts.get()
    demand = create_letter(dunning_data(c, AS_OF, AS_OF)).document
    assert demand.kind == "demand" and not demand.covers_whole_balance and demand.contract == c
    mark_delivered(demand, date(2026, 4, 3), "EMS 1234567890", world.sales_a)
    first = receivables(c)[0]
    assert clock(limitation_view(world.cust_a, date(2026, 6, 1)), first)[:2] == (
        date(2026, 4, 3),
        date(2029, 4, 3),
    )
    demand.refresh_from_db()
    assert demand.delivery_proof == "EMS 1234567890" and demand.sent_on == date(2026, 4, 3)
    entry = AuditEntry.objects.get(action="letters.document.delivered")
    assert entry.actor == world.sales_a and entry.data["changes"]["delivered_on"] == [None, "2026-04-03"]


def test_delivery_needs_proof_and_dates_cannot_precede_the_letter(world: World, confirmation) -> None:
    with pytest.raises(LetterError, match="送达凭证"):
        mark_delivered(confirmation, date(2026, 4, 3), "  ", world.sales_a)
    with pytest.raises(LetterError, match="早于出具日期"):
        mark_delivered(confirmation, date(2026, 4, 1), "EMS 1", world.sales_a)
    with pytest.raises(LetterError, match="早于出具日期"):
        mark_returned(confirmation, date(2026, 3, 1), "company", world.sales_a)
    with pytest.raises(LetterError, match="印章种类"):
        mark_returned(confirmation, date(2026, 4, 5), "gold", world.sales_a)
    assert not AuditEntry.objects.filter(action__startswith="letters.document").exists()


def test_confirmation_tracking_shows_which_came_back_stamped(world: World, company) -> None:
    from huikuan.letters.service import confirmation_tracking

    letters = {
        c: create_letter(confirmation_data(c, AS_OF, date(2026, 4, 2))).document
        for c in (world.cust_a, world.cust_b, world.cust_c)
    }
    mark_returned(letters[world.cust_a], date(2026, 4, 10), "company", world.sales_a)
    mark_returned(letters[world.cust_b], date(2026, 4, 11), "signature", world.sales_b)
    status = {
        row["customer"]: row["status"] for row in confirmation_tracking(date(2026, 4, 1), date(2026, 4, 30))
    }
    assert status == {world.cust_a: "已盖章寄回", world.cust_b: "已寄回（印章较弱）", world.cust_c: "未寄回"}


def test_a_file_left_by_a_killed_letter_run_is_removed_by_the_next_one(
    world: World, confirmation: Document, settings
) -> None:
    import os
    import time

    from huikuan.letters.records import ORPHAN_AGE

    folder = Path(settings.MEDIA_ROOT) / "documents" / str(world.cust_a.pk)
    left = folder / "0f0f0f0f.docx"  # stored, then the process died before its row was committed
    left.write_bytes(b"PK\x03\x04 half a letter")
    young = folder / "1e1e1e1e.docx"  # another run still in progress
    young.write_bytes(b"PK\x03\x04 being recorded")
    old = time.time() - ORPHAN_AGE.total_seconds() - 60
    os.utime(left, (old, old))
    recorded = Path(confirmation.file.path)
    os.utime(recorded, (old, old))

    create_letter(confirmation_data(world.cust_a, AS_OF, date(2026, 4, 3)), actor=world.sales_a)

    assert not left.exists()
    assert young.exists() and recorded.exists()  # in flight, or recorded: never removed
    entry = AuditEntry.objects.filter(action="letters.orphan_files.removed").get()
    assert entry.data["files"] == [left.relative_to(settings.MEDIA_ROOT).as_posix()]
