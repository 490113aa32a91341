"""The invariants a killed process must not break, checked in a fresh process.

    python tests/faults/invariants.py MANIFEST.json [--files-settled]

Prints one JSON line: {"violations": [...], "facts": {...}}. An empty list means:

* money: per payment 0 ≤ Σ allocations ≤ amount (a reversing payment mirrors it); per receivable
  0 ≤ Σ allocations + approved adjustments ≤ amount;
* imports: every file of the manifest is in the ledger whole or not at all, and it is there exactly
  when an ``imports.<kind>.imported`` audit entry carries the file's checksum;
* audit complete — how the audit app links entries to rows: a payment recorded by hand has its
  ``ledger.payment.recorded`` entry (object = the payment), a reversing payment the original's
  ``ledger.payment.reversed`` entry (``reversal_id``), each allocation made by the ledger services a
  line (payment, receivable, amount) of a ``ledger.payment.allocated`` entry on its payment, a
  taken-back allocation its ``ledger.allocation.reversed`` entry; rows written in bulk by an import
  are counted in that import's one entry (``counts``), so the rows nobody else accounts for must
  add up to those counts exactly; no entry names a row that does not exist;
* daily run: every finished run has its one ``analytics.daily_run.published`` entry; the latest
  finished run's status rows are all there (as many as it says, one per receivable) and add up to
  its published total;
* letters: every Document has its file, with the checksum recorded, and one
  ``letters.letter.generated`` entry; with ``--files-settled`` no stored file lacks its Document.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import django

django.setup()

from django.conf import settings  # noqa: E402

from huikuan.analytics.models import DailyRun  # noqa: E402
from huikuan.audit.models import AuditEntry  # noqa: E402
from huikuan.ledger.models import (  # noqa: E402
    Adjustment,
    Allocation,
    Contract,
    Customer,
    Document,
    Payment,
    Receivable,
)

ZERO = Decimal("0.00")


def _sums(queryset: Any, key: str) -> dict[int, Decimal]:
    """Σ amount per ``key``, added up here: SQLite's SUM over NUMERIC adds floats (−2.7e-12 for 0)."""
    out: dict[int, Decimal] = {}
    for pk, amount in queryset.values_list(key, "amount"):
        out[pk] = out.get(pk, ZERO) + amount
    return out


def money(violations: list[str]) -> dict[str, int]:
    by_payment = _sums(Allocation.objects, "payment_id")
    for pk, amount, reversal_of in Payment.objects.values_list("pk", "amount", "reversal_of_id"):
        used = by_payment.get(pk, ZERO)
        ok = ZERO <= used <= amount if reversal_of is None else amount <= used <= ZERO
        if not ok:
            violations.append(f"payment {pk}: allocations {used} outside 0…{amount}")
    by_receivable = _sums(Allocation.objects, "receivable_id")
    adjusted = _sums(Adjustment.objects.filter(status="approved"), "receivable_id")
    for pk, amount in Receivable.objects.values_list("pk", "amount"):
        used = by_receivable.get(pk, ZERO)
        if used < ZERO or used + adjusted.get(pk, ZERO) > amount:
            violations.append(f"receivable {pk}: allocations {used} + adjustments exceed {amount}")
    return {"payments": len(by_payment), "receivables": Receivable.objects.count()}


def _entries(prefix: str) -> list[tuple[str, str, dict[str, Any]]]:
    return list(
        AuditEntry.objects.filter(action__startswith=prefix).values_list("action", "object_id", "data")
    )


def imports(manifest: list[dict[str, Any]], violations: list[str]) -> dict[str, Any]:
    entries = _entries("imports.")
    by_sha: dict[str, list[dict[str, Any]]] = {}
    for _action, _oid, data in entries:
        by_sha.setdefault(data.get("sha256", ""), []).append(data)
    present = {}
    for item in manifest:
        if item["kind"] == "receivables":
            n = Receivable.objects.filter(contract__number__startswith=item["tag"]).count()
        else:
            n = Payment.objects.filter(reference__startswith=item["tag"], reversal_of__isnull=True).count()
        present[item["tag"]] = n
        audited = by_sha.get(item["sha256"], [])
        created = [d["counts"].get(f"{item['kind']}.created", 0) for d in audited]
        if n not in (0, item["rows"]):
            violations.append(f"import {item['tag']}: {n} of {item['rows']} rows written (half applied)")
        elif n and item["rows"] not in created:
            violations.append(f"import {item['tag']}: rows written without their audit entry ({created})")
        elif not n and audited:
            violations.append(f"import {item['tag']}: audit entry without the rows")
    totals: Counter[str] = Counter()
    for _action, _oid, data in entries:
        totals.update(data.get("counts", {}))
    return {"files": present, "import_counts": dict(totals)}


def audit(import_counts: dict[str, int], violations: list[str]) -> dict[str, int]:
    payments = dict(Payment.objects.values_list("pk", "reversal_of_id"))
    recorded = Counter(int(oid) for _a, oid, _d in _entries("ledger.payment.recorded"))
    reversals = {int(d["reversal_id"]): int(oid) for _a, oid, d in _entries("ledger.payment.reversed")}
    for pk, n in recorded.items():
        if pk not in payments or n > 1:
            violations.append(f"ledger.payment.recorded ×{n} for payment {pk} ({pk in payments=})")
    for reversal, original in reversals.items():
        if payments.get(reversal) != original:
            violations.append(f"reversal entry names payment {reversal}, which does not reverse {original}")
    bulk = [pk for pk, rev in payments.items() if pk not in recorded and pk not in reversals]
    imported = import_counts.get("payments.created", 0) + import_counts.get("opening_payments.created", 0)
    if len(bulk) != imported:
        violations.append(f"{len(bulk)} payments without their own entry, imports account for {imported}")

    lines: Counter[tuple[int, int, Decimal]] = Counter()
    for _a, oid, data in _entries("ledger.payment.allocated"):
        lines.update((int(oid), int(rid), Decimal(amount)) for rid, amount in data["lines"])
    rows = Allocation.objects.values_list("payment_id", "receivable_id", "amount", "reversal_of_id", "pk")
    made: Counter[tuple[int, int, Decimal]] = Counter()
    taken_back = {int(oid) for _a, oid, _d in _entries("ledger.allocation.reversed")}
    for payment_id, rid, amount, reversal_of, _pk in rows:
        if reversal_of is None:
            made[(payment_id, rid, amount)] += 1
        elif reversal_of not in taken_back and payment_id not in reversals:
            violations.append(f"reversing allocation of {reversal_of} without its audit entry")
    missing = lines - made
    if missing:
        violations.append(f"audited allocation lines with no allocation: {sorted(missing)[:5]}")
    unaudited = sum(made.values()) - sum(lines.values())
    if unaudited != import_counts.get("allocations.created", 0):
        violations.append(
            f"{unaudited} allocations outside any allocation entry, imports account for "
            f"{import_counts.get('allocations.created', 0)}"
        )
    for model, key in ((Customer, "customers"), (Contract, "contracts"), (Receivable, "receivables")):
        if model.objects.count() != import_counts.get(f"{key}.created", 0):
            violations.append(
                f"{model.objects.count()} {key}, imports account for {import_counts.get(f'{key}.created', 0)}"
            )
    return {"payments": len(payments), "allocations": len(rows), "allocation_entries": sum(lines.values())}


def daily(violations: list[str]) -> dict[str, Any]:
    published = Counter(int(oid) for _a, oid, _d in _entries("analytics.daily_run.published"))
    statuses = dict(DailyRun.objects.values_list("pk", "status"))
    for pk, status in statuses.items():
        if (status == DailyRun.Status.FINISHED) != (published.get(pk, 0) == 1):
            violations.append(f"daily run {pk} is {status} with {published.get(pk, 0)} published entries")
    latest = DailyRun.latest()
    if latest is None:
        return {"runs": Counter(statuses.values())}
    rows = list(latest.statuses().values_list("receivable_id", "open", "currency"))
    ids = [r for r, _o, _c in rows]
    total = sum((o for _r, o, c in rows if c == "CNY"), ZERO)
    if len(rows) != latest.receivables_open or len(set(ids)) != len(ids):
        violations.append(
            f"daily run {latest.pk}: {len(rows)} rows ({len(set(ids))} distinct) for {latest.receivables_open}"
        )
    if str(total) != str(latest.summary["totals"]["amount_open"]):
        violations.append(
            f"daily run {latest.pk}: rows add up to {total}, published {latest.summary['totals']['amount_open']}"
        )
    unknown = set(ids) - set(Receivable.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if unknown:
        violations.append(f"daily run {latest.pk}: rows for unknown receivables {sorted(unknown)[:5]}")
    return {"runs": dict(Counter(statuses.values())), "latest": latest.pk, "latest_rows": len(rows)}


def letters(violations: list[str], files_settled: bool) -> dict[str, Any]:
    root = Path(settings.MEDIA_ROOT)
    generated = Counter(int(oid) for _a, oid, _d in _entries("letters.letter.generated"))
    docs = list(Document.objects.values_list("pk", "file", "sha256"))
    for pk, name, sha in docs:
        path = root / name if name else None
        if path is None or not path.is_file():
            violations.append(f"document {pk}: file {name!r} missing")
        elif hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            violations.append(f"document {pk}: file {name} does not match its checksum")
        if generated.get(pk) != 1:
            violations.append(f"document {pk}: {generated.get(pk, 0)} letters.letter.generated entries")
    if set(generated) - {pk for pk, _n, _s in docs}:
        violations.append("letters.letter.generated entries for documents that do not exist")
    stored = {str(p.relative_to(root)) for p in (root / "documents").rglob("*") if p.is_file()}
    orphans = sorted(stored - {name for _pk, name, _s in docs})
    if files_settled and orphans:
        violations.append(f"{len(orphans)} stored files without a Document: {orphans[:3]}")
    return {"documents": len(docs), "orphan_files": len(orphans)}


def main(argv: list[str]) -> None:
    manifest = json.loads(Path(argv[0]).read_text())
    violations: list[str] = []
    facts: dict[str, Any] = {"money": money(violations)}
    facts["imports"] = imports(manifest, violations)
    facts["audit"] = audit(facts["imports"]["import_counts"], violations)
    facts["daily"] = daily(violations)
    facts["letters"] = letters(violations, "--files-settled" in argv)
    print(json.dumps({"violations": violations, "facts": facts}, ensure_ascii=False, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
