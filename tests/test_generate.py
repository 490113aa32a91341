"""The synthetic portfolio: deterministic, the sizes asked for, and consistent like a real ledger."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest
from django.contrib.auth.hashers import is_password_usable
from django.db import connection, transaction
from django.db.models import F

from huikuan.cli import CommandError, build_parser
from huikuan.core.uscc import is_valid_uscc
from huikuan.demo.generate import Scale, generate

TINY = Scale(customers=30, contracts=120, receivables=330, payments=300, activities=900, name="tiny")
AS_OF = date(2026, 11, 27)


def models():
    from huikuan.accounts.models import Team, User
    from huikuan.collection import models as c
    from huikuan.ledger import models as m

    main = [
        Team, User, m.CustomerGroup, m.Customer, m.CustomerAlias, m.BankAccount, m.ThirdPartyPayer,
        m.Contact, m.Contract, m.Receivable, m.Invoice, m.Document, m.Payment, m.Allocation, m.Adjustment,
        c.Activity, c.Promise, c.PaymentPlan, c.BlockingIssue, c.Approval, c.OtherCreditor,
        c.CollectionTarget, c.NatureReview, c.Sanction,
    ]  # fmt: skip
    links = [
        m.Invoice.receivables.through, m.Document.receivables.through, c.Activity.receivables.through,
        c.Promise.receivables.through, c.PaymentPlan.receivables.through, c.BlockingIssue.receivables.through,
        c.BlockingIssue.evidence.through,
    ]  # fmt: skip
    return main + links


def digest() -> dict[str, str]:
    """A hash of every row of the portfolio's tables, in id order."""
    out = {}
    with connection.cursor() as cursor:
        for model in models():
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")
            out[model._meta.db_table] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return out


class Rollback(Exception):
    pass


def generate_and_digest(seed: int, as_of: date = AS_OF) -> dict[str, str]:
    """Generate into the (empty) test database, hash it, and roll back: a fresh database each time."""
    try:
        with transaction.atomic():
            generate(TINY, seed=seed, as_of=as_of)
            result = digest()
            raise Rollback
    except Rollback:
        pass
    return result


def scalar(sql: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return int(cursor.fetchone()[0] or 0)


def t(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def cents(expr: str) -> str:
    """Exact integer cents of a money column (SQLite stores decimals as numbers)."""
    return f"CAST(ROUND({expr} * 100) AS BIGINT)"


@pytest.fixture
def tiny(db):
    return generate(TINY, seed=7, as_of=AS_OF)


def test_same_seed_and_day_give_identical_rows(db):
    first = generate_and_digest(seed=3)
    assert generate_and_digest(seed=3) == first


def test_another_seed_or_day_gives_other_rows(db):
    first = generate_and_digest(seed=3)
    assert generate_and_digest(seed=4)["ledger_customer"] != first["ledger_customer"]
    assert (
        generate_and_digest(seed=3, as_of=date(2026, 6, 30))["ledger_receivable"]
        != first["ledger_receivable"]
    )


def test_sizes_are_as_asked(tiny):
    from huikuan.collection.models import Activity
    from huikuan.ledger.models import Contract, Customer, Payment, Receivable

    assert tiny.counts == {
        "customers": 30,
        "contracts": 120,
        "receivables": 330,
        "payments": 300,
        "activities": 900,
    }
    assert [m.objects.count() for m in (Customer, Contract, Receivable, Payment, Activity)] == [
        30,
        120,
        330,
        300,
        900,
    ]
    assert "30 customers" in tiny.summary()


def test_allocations_never_exceed_the_payment(tiny):
    from huikuan.ledger.models import Allocation, Payment

    over = scalar(
        f"SELECT COUNT(*) FROM (SELECT p.id, {cents('p.amount')} AS paid, SUM({cents('a.amount')}) AS used"
        f" FROM {t(Payment)} p JOIN {t(Allocation)} a ON a.payment_id = p.id GROUP BY p.id, p.amount) x"
        " WHERE used > paid"
    )
    assert over == 0
    assert scalar(f"SELECT COUNT(*) FROM {t(Allocation)} WHERE amount <= 0") == 0


def test_allocations_and_adjustments_never_exceed_the_receivable(tiny):
    from huikuan.ledger.models import Adjustment, Allocation, Receivable

    over = scalar(
        f"SELECT COUNT(*) FROM {t(Receivable)} r"
        f" WHERE (SELECT COALESCE(SUM({cents('a.amount')}), 0) FROM {t(Allocation)} a WHERE a.receivable_id = r.id)"
        f" + (SELECT COALESCE(SUM({cents('j.amount')}), 0) FROM {t(Adjustment)} j"
        "     WHERE j.receivable_id = r.id AND j.status = 'approved')"
        f" > {cents('r.amount')}"
    )
    assert over == 0


def test_allocations_stay_within_the_customer(tiny):
    from huikuan.ledger.models import Allocation, Contract, Payment, Receivable

    assert not scalar(
        f"SELECT COUNT(*) FROM {t(Allocation)} a JOIN {t(Payment)} p ON p.id = a.payment_id"
        f" JOIN {t(Receivable)} r ON r.id = a.receivable_id JOIN {t(Contract)} c ON c.id = r.contract_id"
        " WHERE c.customer_id <> p.customer_id"
    )


def test_some_payments_leave_credit_or_are_unallocated(tiny):
    from huikuan.ledger.models import Allocation, Payment

    unallocated = scalar(
        f"SELECT COUNT(*) FROM {t(Payment)} p WHERE p.amount > 0"
        f" AND NOT EXISTS (SELECT 1 FROM {t(Allocation)} a WHERE a.payment_id = p.id)"
    )
    assert unallocated > 0


def test_milestones_add_up_to_the_contract_amount(tiny):
    from huikuan.ledger.models import Contract, Receivable

    mismatched = scalar(
        f"SELECT COUNT(*) FROM {t(Contract)} c WHERE {cents('c.amount')} <>"
        f" (SELECT SUM({cents('r.amount')}) FROM {t(Receivable)} r WHERE r.contract_id = c.id)"
    )
    assert mismatched == 0


def test_money_arrives_only_for_milestones_already_receivable(tiny):
    from huikuan.ledger.models import Allocation, Payment, Receivable

    assert not scalar(
        f"SELECT COUNT(*) FROM {t(Allocation)} a JOIN {t(Payment)} p ON p.id = a.payment_id"
        f" JOIN {t(Receivable)} r ON r.id = a.receivable_id"
        " WHERE r.recognised_on IS NULL OR p.paid_on < r.recognised_on"
    )
    assert not Receivable.objects.filter(recognised_on__gt=F("due_on")).exists()


def test_promise_status_agrees_with_the_kept_amount(tiny):
    from huikuan.collection.models import Promise

    for status, amount, kept in Promise.objects.values_list("status", "amount", "kept_amount"):
        assert 0 <= kept <= amount
        assert (status == "kept") == (kept == amount)
        assert status != "broken" or kept == 0


def test_every_uscc_is_valid_and_unique(tiny):
    from huikuan.ledger.models import Customer

    codes = list(Customer.objects.values_list("uscc", flat=True))
    assert all(is_valid_uscc(code) for code in codes)
    assert len(set(codes)) == len(codes)


def test_payment_references_are_unique(tiny):
    from huikuan.ledger.models import Payment

    refs = list(Payment.objects.values_list("reference", flat=True))
    assert all(refs) and len(set(refs)) == len(refs)


def test_bills_have_a_maturity_after_receipt(tiny):
    from huikuan.ledger.models import Payment

    for paid_on, maturity in Payment.objects.filter(
        method__in=["bank_bill", "commercial_bill", "digital_voucher"]
    ).values_list("paid_on", "bill_maturity"):
        assert maturity > paid_on


def test_nothing_happens_after_as_of(tiny):
    from huikuan.collection.models import Activity
    from huikuan.ledger.models import Contract, Invoice, Payment

    assert not Payment.objects.filter(paid_on__gt=AS_OF).exists()
    assert not Contract.objects.filter(signed_on__gt=AS_OF).exists()
    assert not Invoice.objects.filter(issued_on__gt=AS_OF).exists()
    assert not Activity.objects.filter(occurred_at__date__gt=AS_OF).exists()


def test_refuses_a_database_that_already_has_customers(tiny):
    with pytest.raises(CommandError, match="已有客户"):
        generate(TINY, seed=8, as_of=AS_OF)


def test_one_audit_entry_for_the_run(tiny):
    from huikuan.audit.models import AuditEntry

    entry = AuditEntry.objects.get(action="demo.portfolio.generated")
    assert entry.data["seed"] == 7 and entry.data["counts"]["receivables"] == 330


def test_as_of_is_a_command_line_option():
    args = build_parser().parse_args(["generate", "--scale", "small", "--as-of", "2026-11-27"])
    assert args.as_of == date(2026, 11, 27)


def test_small_scale_is_a_believable_portfolio(db):
    from huikuan.accounts.models import Role, Team, User
    from huikuan.collection.models import BlockingIssue, Promise
    from huikuan.ledger.models import Receivable

    result = generate("small", seed=1, as_of=AS_OF)
    assert result.counts == {
        "customers": 500, "contracts": 3_000, "receivables": 10_000, "payments": 10_000, "activities": 30_000,
    }  # fmt: skip

    team = Team.objects.get(name="华东销售一部")
    assert [u.username for u in team.managers.all()] == ["wangfang"]
    assert set(team.members.values_list("username", flat=True)) == {"zhangsan", "lisi"}
    finance = User.objects.get(username="zhaomin")
    assert finance.role == Role.FINANCE and finance.groups.filter(name="role:finance").exists()
    assert not any(is_password_usable(u.password) for u in User.objects.all())

    # Every aging bucket, debts over a year and past the 3-year limitation, and milestones not yet due.
    from huikuan.ledger.models import Allocation

    open_days = scalar_list(
        f"SELECT r.due_on FROM {t(Receivable)} r WHERE r.recognised_on IS NOT NULL AND {cents('r.amount')} >"
        f" (SELECT COALESCE(SUM({cents('a.amount')}), 0) FROM {t(Allocation)} a WHERE a.receivable_id = r.id)"
    )
    overdue = [(AS_OF - d).days for d in open_days]
    for low, high in (
        (-9999, 0),
        (1, 30),
        (31, 60),
        (61, 90),
        (91, 180),
        (181, 365),
        (366, 1095),
        (1096, 9999),
    ):
        assert any(low <= days <= high for days in overdue), (low, high)
    assert Receivable.objects.filter(recognised_on__isnull=True).exists()
    assert BlockingIssue.objects.filter(is_dispute=True, status="open").exists()
    assert {"kept", "broken", "partly_kept", "pending"} <= set(
        Promise.objects.values_list("status", flat=True)
    )
    assert Promise.objects.filter(plan__isnull=False).exists()


def scalar_list(sql: str) -> list[date]:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [d if isinstance(d, date) else date.fromisoformat(d) for (d,) in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_generated_tables_are_left_vacuumed():
    """After a bulk load autovacuum would visit every table in the next minutes, competing with the
    first users; `generate` vacuums them itself: each generated table was vacuumed after the load."""
    if connection.vendor != "postgresql":
        pytest.skip("VACUUM is PostgreSQL's")
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        started = cursor.fetchone()[0]
    generate(TINY, seed=5, as_of=AS_OF)
    tables = [model._meta.db_table for model in models()]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT relname, last_vacuum FROM pg_stat_user_tables WHERE relname = ANY(%s)", [tables]
        )
        vacuumed = dict(cursor.fetchall())
    assert set(vacuumed) == set(tables)
    assert all(at is not None and at >= started for at in vacuumed.values()), vacuumed
