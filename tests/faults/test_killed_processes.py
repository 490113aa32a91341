"""A process killed (SIGKILL) at any point of an import, a daily run, a series of allocations or a
batch of letters leaves no partial state, and the same operation succeeds afterwards.

Each operation runs once to the end to learn how long it takes, then five more times, each killed at
a seeded-random point of that span (`harness.kill_points`); after every kill a fresh process checks
the invariants of `invariants.py` (money bounds, whole-or-nothing imports, audit complete, the
published daily run whole, every letter's file present). The tests share one installation (SQLite
file, or a database of its own on PostgreSQL) and run in file order; each invariant holds at every
moment, so none depends on another test having run.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from faults.harness import (
    AS_OF,
    FAULTS,
    Outcome,
    Site,
    close_site,
    kill_points,
    open_site,
    payments_file,
    receivables_file,
)

LETTER_CUSTOMERS = 25  # owe money on the confirmations' date (2025 receivables)
BULK_CUSTOMERS = 800  # three 2026 milestones each: the daily run's portfolio
CONFIRMATIONS_AS_OF = "2025-12-31"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    site = open_site(tmp_path_factory.mktemp("faults"))
    try:
        for entry in (
            receivables_file(site, "L-", LETTER_CUSTOMERS, seed=1, year=2025),
            receivables_file(site, "B-", BULK_CUSTOMERS, seed=2),
        ):
            site.huikuan("import", entry["path"], "--kind", "receivables", "--user", "finance")
            site.manifest.append(entry)
        yield site
    finally:
        close_site(site)


def attack(
    site: Site,
    kind: str,
    argv: Callable[[int], list[str]],
    span: float,
    after_kill: Callable[[int, Outcome, dict[str, Any]], None] | None = None,
    extra_env: dict[str, str] | None = None,
) -> list[Outcome]:
    """Run ``argv(i)`` killed at each of the seeded points; the invariants hold after every kill."""
    outcomes = []
    for i, delay in enumerate(kill_points(kind, span)):
        outcome = site.run_until(argv(i), delay, extra_env)
        assert outcome.killed or outcome.returncode == 0, (kind, i, outcome.stderr)
        report = site.check()
        assert report["violations"] == [], (kind, i, delay, report["violations"])
        if after_kill is not None:
            after_kill(i, outcome, report)
        outcomes.append(outcome)
    print(f"{kind}: span {span:.1f} s, kills at", [(o.after_s, o.killed) for o in outcomes])
    # A point after the command had already ended proves nothing; at least one must land.
    assert any(o.killed for o in outcomes), f"{kind}: every command ended before its kill point"
    return outcomes


def test_killed_allocations_never_exceed_payments_or_receivables(site: Site) -> None:
    def argv(seed: int) -> list[str]:
        return [str(FAULTS / "allocations.py"), str(seed), "60"]

    full = site.run_until(argv(100), None)
    assert full.returncode == 0, full.stderr
    outcomes = attack(site, "allocations", lambda i: argv(101 + i), full.after_s)

    # The same series again, where it was killed: recorded payments are found by their reference.
    last = max(i for i, o in enumerate(outcomes) if o.killed)
    again = site.run_until(argv(101 + last), None)
    assert again.returncode == 0, again.stderr
    report = site.check()
    assert report["violations"] == []
    assert report["facts"]["audit"]["allocation_entries"] > 0


def test_killed_daily_run_leaves_the_published_run_whole(site: Site) -> None:
    daily = ["-m", "huikuan", "daily", "--as-of", AS_OF, "--quiet"]
    small_chunks = {"HUIKUAN_WRITE_CHUNK": "500"}  # SQLite commits the staged rows chunk by chunk
    full = site.run_until(daily, None, small_chunks)
    assert full.returncode == 0, full.stderr
    first = site.check()["facts"]["daily"]
    assert first["latest_rows"] > BULK_CUSTOMERS

    def still_published(_i: int, outcome: Outcome, report: dict[str, Any]) -> None:
        facts = report["facts"]["daily"]
        # Readers see a finished run, whole: the one before, or this one if it got to publish.
        assert facts["latest"] is not None and facts["latest_rows"] == first["latest_rows"]

    outcomes = attack(site, "daily", lambda _i: daily, full.after_s, still_published, small_chunks)

    again = site.run_until(daily, None, small_chunks)
    assert again.returncode == 0, again.stderr
    report = site.check()
    assert report["violations"] == []
    runs = report["facts"]["daily"]["runs"]
    # Every killed run that had started was marked failed by the next one; none is left running.
    assert "running" not in runs
    assert runs["finished"] >= 2 + sum(1 for o in outcomes if not o.killed)
    assert sum(runs.values()) <= 2 + len(outcomes)


def test_killed_letter_batch_records_all_letters_or_none(site: Site) -> None:
    def argv(i: int) -> list[str]:
        out = site.work / f"confirmations-{i}.zip"
        return ["-m", "huikuan", "letter", "confirmations", "--as-of", CONFIRMATIONS_AS_OF, "--out", str(out)]

    full = site.run_until(argv(0), None)
    assert full.returncode == 0, full.stderr
    documents = [site.check()["facts"]["letters"]["documents"]]
    assert documents[0] == LETTER_CUSTOMERS
    assert _letters_in(site.work / "confirmations-0.zip") == LETTER_CUSTOMERS

    def whole_batch(i: int, _outcome: Outcome, report: dict[str, Any]) -> None:
        now = report["facts"]["letters"]["documents"]
        assert now - documents[-1] in (0, LETTER_CUSTOMERS), "a batch was recorded in part"
        out = site.work / f"confirmations-{i + 1}.zip"
        if out.exists():  # the zip appears only once every letter in it is recorded
            assert now - documents[-1] == LETTER_CUSTOMERS
            assert _letters_in(out) == LETTER_CUSTOMERS
        documents.append(now)

    attack(site, "letters", lambda i: argv(i + 1), full.after_s, whole_batch)

    again = site.run_until(argv(9), None)
    assert again.returncode == 0, again.stderr
    report = site.check(files_settled=True)
    assert report["violations"] == []
    assert report["facts"]["letters"]["documents"] == documents[-1] + LETTER_CUSTOMERS


def _letters_in(path: Path) -> int:
    with zipfile.ZipFile(path) as bundle:
        names = bundle.namelist()
    assert "清单.xlsx" in names
    return sum(1 for n in names if n.endswith(".docx"))


def test_killed_import_writes_the_whole_file_or_nothing(site: Site) -> None:
    codes = [f"B-C{i:05d}" for i in range(BULK_CUSTOMERS)]

    def import_argv(entry: dict[str, Any]) -> list[str]:
        return ["-m", "huikuan", "import", entry["path"], "--kind", entry["kind"], "--user", "finance"]

    calibration = receivables_file(site, "R0-", 800, seed=10)
    site.manifest.append(calibration)
    full = site.run_until(import_argv(calibration), None)
    assert full.returncode == 0, full.stderr
    files = []
    for i in range(1, 6):
        if i % 2:
            entry = receivables_file(site, f"R{i}-", 800, seed=10 + i)
        else:
            entry = payments_file(site, f"P{i}-", codes, 2400, seed=10 + i)
        site.manifest.append(entry)
        files.append(entry)

    attack(site, "imports", lambda i: import_argv(files[i]), full.after_s)

    # Importing the same files again succeeds: the missing ones arrive whole, the others are
    # recognised (receivables by contract and milestone, payments by reference) and left as they are.
    for entry in files:
        again = site.run_until(import_argv(entry), None)
        assert again.returncode == 0, again.stderr
    report = site.check()
    assert report["violations"] == []
    assert report["facts"]["imports"]["files"] == {e["tag"]: e["rows"] for e in site.manifest}
