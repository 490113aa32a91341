"""``huikuan generate``: a synthetic portfolio of Chinese B2B project sales at the sizes of DESIGN §5.

Deterministic for (scale, seed, as_of): the same inputs into an empty database give identical rows.
Dates are laid out around as_of — contracts signed over the last four years, milestones due from years
ago to a year ahead — so every aging bucket, debts over a year old and limitation-period cases occur.
Everything is written with bulk inserts in one transaction: all or nothing.

>>> result = generate("small", seed=1, as_of=date(2026, 11, 27))  # doctest: +SKIP
>>> result.counts["receivables"]  # doctest: +SKIP
10000
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from huikuan.demo.context import SCALES, Context, Scale

__all__ = ["SCALES", "GenerateResult", "Scale", "generate"]

# 1-year and 5-year LPR as published by the PBoC / National Interbank Funding Center (fractions).
LPR = [
    ("lpr_1y", date(2019, 8, 20), "0.0425"),
    ("lpr_1y", date(2019, 9, 20), "0.0420"),
    ("lpr_1y", date(2019, 11, 20), "0.0415"),
    ("lpr_1y", date(2020, 2, 20), "0.0405"),
    ("lpr_1y", date(2020, 4, 20), "0.0385"),
    ("lpr_1y", date(2021, 12, 20), "0.0380"),
    ("lpr_1y", date(2022, 1, 20), "0.0370"),
    ("lpr_1y", date(2022, 8, 22), "0.0365"),
    ("lpr_1y", date(2023, 6, 20), "0.0355"),
    ("lpr_1y", date(2023, 8, 21), "0.0345"),
    ("lpr_1y", date(2024, 7, 22), "0.0335"),
    ("lpr_1y", date(2024, 10, 21), "0.0310"),
    ("lpr_1y", date(2025, 5, 20), "0.0300"),
    ("lpr_5y", date(2019, 8, 20), "0.0485"),
    ("lpr_5y", date(2022, 5, 20), "0.0445"),
    ("lpr_5y", date(2023, 6, 20), "0.0420"),
    ("lpr_5y", date(2024, 2, 20), "0.0395"),
    ("lpr_5y", date(2024, 7, 22), "0.0385"),
    ("lpr_5y", date(2024, 10, 21), "0.0360"),
    ("lpr_5y", date(2025, 5, 20), "0.0350"),
]


@dataclass
class GenerateResult:
    scale: Scale
    seed: int
    as_of: date
    counts: dict[str, int]
    seconds: float
    tables: dict[str, int] = field(default_factory=dict)  # rows per database table

    def summary(self) -> str:
        c = self.counts
        return (
            f"已生成演示数据 / generated {self.scale.name} portfolio (seed {self.seed}, as of {self.as_of}): "
            f"客户 {c['customers']:,} customers, 合同 {c['contracts']:,} contracts, "
            f"应收 {c['receivables']:,} receivables, 回款 {c['payments']:,} payments, "
            f"催款活动 {c['activities']:,} activities — {self.seconds:.1f} s"
        )


def generate(scale: str | Scale, *, seed: int = 1, as_of: date, progress: bool = False) -> GenerateResult:
    """Generate a portfolio into the (customer-free) default database; see the module docstring."""
    from django.db import connection, transaction

    from huikuan.audit.log import log_action
    from huikuan.cli import CommandError
    from huikuan.ledger.models import Customer

    if isinstance(scale, str):
        if scale not in SCALES:
            raise CommandError(f"未知规模 {scale}，可选：{'、'.join(SCALES)}")
        scale = SCALES[scale]
    if seed < 0:
        raise CommandError("随机种子必须是非负整数 / seed must not be negative")
    started = time.perf_counter()
    # created_at/updated_at of every row: as_of 08:00 Beijing time (00:00 UTC), so output is deterministic.
    instant = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
    with ExitStack() as stack:
        bar = _progress(stack) if progress else None
        stack.enter_context(_big_cache(connection))
        with transaction.atomic():
            if Customer.objects.exists():
                raise CommandError(
                    "数据库中已有客户数据，拒绝生成演示数据；请换一个空数据库（如新的 HUIKUAN_HOME）"
                )
            from huikuan.demo.bulk import BulkWriter

            writer = BulkWriter(connection, instant, bar)
            ctx = Context(seed=seed, as_of=as_of, scale=scale, writer=writer)
            counts = _build(ctx)
            if connection.vendor == "postgresql":
                writer.reset_sequences()
                with connection.cursor() as cursor:  # statistics for the planner after a bulk load
                    cursor.execute("ANALYZE")
            seconds = round(time.perf_counter() - started, 1)
            log_action(
                "demo.portfolio.generated",
                data={"scale": scale.name, "seed": seed, "as_of": as_of.isoformat(), "counts": counts},
            )
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # Vacuumed now, the freshly loaded tables do not bring autovacuum over every one of them in
        # the minutes after (competing with the first users); index-only scans work at once.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM")
        seconds = round(time.perf_counter() - started, 1)
    return GenerateResult(scale, seed, as_of, counts, seconds, dict(writer.counts))


def _build(ctx: Context) -> dict[str, int]:
    from huikuan.demo.activities import write_bulk_activities
    from huikuan.demo.casework import write_issues, write_other_creditors, write_reviews, write_targets
    from huikuan.demo.customers import build_customers
    from huikuan.demo.deals import build_deals, write_deals
    from huikuan.demo.paperwork import write_documents, write_invoices
    from huikuan.demo.payments import prepare_money
    from huikuan.demo.people import create_staff
    from huikuan.demo.promises import write_promises

    small = ctx.scale.customers <= SCALES["small"].customers
    staff = create_staff(ctx.rng(0), ctx.scale.customers, small, ctx.writer)
    _company(ctx, small)
    cust = build_customers(ctx, staff)
    deals = build_deals(ctx, cust)
    settlement, pieces, write_money = prepare_money(ctx, cust, deals, staff)
    write_deals(ctx, cust, deals, settlement)
    write_money()
    write_invoices(ctx, cust, deals, settlement)
    acceptance_doc = write_documents(ctx, cust, deals, settlement, pieces)
    made = write_promises(ctx, cust, deals, settlement, pieces, staff)
    write_bulk_activities(ctx, cust, deals, settlement, ctx.scale.activities - made)
    write_issues(ctx, cust, deals, settlement, acceptance_doc)
    write_other_creditors(ctx, cust)
    write_targets(ctx, deals, staff)
    write_reviews(ctx, cust, deals, settlement, staff)
    return _counts(ctx)


def _counts(ctx: Context) -> dict[str, int]:
    from huikuan.collection.models import Activity
    from huikuan.ledger.models import Contract, Customer, Payment, Receivable

    rows = ctx.writer.counts
    return {
        "customers": rows.get(Customer._meta.db_table, 0),
        "contracts": rows.get(Contract._meta.db_table, 0),
        "receivables": rows.get(Receivable._meta.db_table, 0),
        "payments": rows.get(Payment._meta.db_table, 0),
        "activities": rows.get(Activity._meta.db_table, 0),
    }


def _company(ctx: Context, small: bool) -> None:
    """Company settings and the dated LPR table (only rates published by as_of; existing days kept)."""
    from huikuan.ledger.models import CompanySettings, InterestRate

    settings = CompanySettings.current()
    settings.name = settings.name or "杭州华信智联科技股份有限公司"
    settings.we_are_sme = small  # a small firm is itself an SME under the 2025 regulation
    settings.save()
    for kind, day, rate in LPR:
        if day <= ctx.as_of:
            InterestRate.objects.get_or_create(
                kind=kind, effective_from=day, defaults={"rate": Decimal(rate)}
            )


@contextmanager
def _big_cache(connection: Any) -> Iterator[None]:
    """SQLite: a bigger page cache while we write (index inserts of a large run need it), then back."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _progress(stack: ExitStack) -> Any:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return stack.enter_context(
        Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    )
