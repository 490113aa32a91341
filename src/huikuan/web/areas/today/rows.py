"""Worklist rows: the latest finished daily run's judgement of each receivable, ready to show.

A row comes from one of two places, with the same shape:
- the run's status row (`StatusRow` + `explained`), the normal case;
- `customer_statuses` (the scalar rules, same answers as the run) for a customer with something
  recorded since the run finished — so a promise logged this morning shows as "wait" at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from huikuan.accounts.access import contract_filter
from huikuan.accounts.models import User
from huikuan.analytics.models import DailyRun, StatusRow
from huikuan.collection.models import Activity, Promise
from huikuan.collection.services.sanctions import held_customer_ids
from huikuan.core.limitation import warning_tier
from huikuan.core.reasons import Reason, registry
from huikuan.core.tables import DEFAULT_TABLES
from huikuan.ledger.models import Contact, Receivable
from huikuan.ledger.services.balances import open_amounts


@dataclass
class WorkRow:
    receivable: Receivable
    rank: int | None
    open: Decimal
    days_overdue: int
    nature: str
    strategy: str
    action_kind: str
    action_on: date | None
    contact_role: str
    contact: Contact | None
    reasons: list[Reason]
    rank_reasons: list[Reason]
    block_gaps: list[str]
    warn_gaps: list[str]
    pause: Reason | str | None
    limitation: Reason | None
    credit_hold: bool = False
    owner: Any = None  # whose worklist the row is on (shown in a team view)
    fresh: bool = False  # re-evaluated after something was recorded today
    cache_key: str | None = None  # what the rendered row depends on (None: do not keep it)

    @property
    def customer(self) -> Any:
        return self.receivable.contract.customer

    @property
    def contract(self) -> Any:
        return self.receivable.contract

    @property
    def waiting(self) -> bool:
        return self.strategy == "wait"

    @property
    def gap_warnings(self) -> list[str]:
        """Blocking gaps, unless the next action already is to fix them (its reasons say so)."""
        return [] if self.strategy == "fix_gap" else self.block_gaps


def limitation_warning(expires_on: date | None, as_of: date) -> Reason | None:
    """The warning tier of the core's limitation policy (`warning_tier`) as the row's sentence: an
    expired clock asks for a re-acknowledgement; None when the date is far off."""
    tier = warning_tier(expires_on, as_of) if expires_on is not None else None
    if tier is None:
        return None
    if tier == "limitation_expired":
        return Reason("reacknowledge", {"expires_on": expires_on})
    return Reason(tier, {"days_left": (expires_on - as_of).days, "expires_on": expires_on})


def pause_note(until: date | None, reason: str | None) -> Reason | str | None:
    if until is not None:
        return Reason("paused_until", {"until": until, "reason": reason or "manual"})
    if reason == "dispute":
        return _("存在未解决的争议：暂停催款，直至争议解决")
    return None


def rank_reasons(
    codes: Iterable[str], expires_on: date | None, as_of: date, workdays: int | None = None
) -> list[Reason]:
    """Rank reason codes with the parameters their sentences need (from the priority table)."""
    table = DEFAULT_TABLES.priority
    out = []
    for code in codes:
        if code == "limitation_expires_soon":
            days = (expires_on - as_of).days if expires_on else table.limitation_within_days
            out.append(Reason(code, {"days": days, "factor": table.limitation_factor}))
        elif code == "broken_promise":
            out.append(Reason(code, {"factor": table.broken_promise_factor}))
        elif code == "window_closes_soon":
            left = workdays if workdays is not None else table.window_within_workdays
            out.append(Reason(code, {"workdays": left, "factor": table.window_factor}))
        else:
            out.append(Reason(code))
    return out


def _complete(reason: Reason) -> bool:
    """A reason whose sentence has every parameter it names (timing params are not in scalar rows)."""
    pair = registry().texts.get(reason.code)
    return pair is None or "{" not in pair[0] or bool(reason.params)


def _gaps_from_codes(codes: list[str], first_block: str | None) -> tuple[list[str], list[str]]:
    severities = DEFAULT_TABLES.readiness.severities
    block = [c for c in codes if c == first_block or severities.get(c) == "block"]
    return block, [c for c in codes if c not in block]


def from_status(
    s: StatusRow, run: DailyRun, receivable: Receivable, contact: Contact | None, held: set[int]
) -> WorkRow:
    explained = s.explained(run)
    gaps = explained["gaps"]
    return WorkRow(
        receivable=receivable,
        rank=s.rank,
        open=s.open,
        days_overdue=s.days_overdue,
        nature=s.nature,
        strategy=s.strategy,
        action_kind=s.action_kind,
        action_on=s.action_on,
        contact_role=s.contact_role,
        contact=contact,
        reasons=[Reason(r["code"], r["params"]) for r in explained["reasons"]],
        rank_reasons=rank_reasons(explained["rank_reasons"], s.limitation_expires_on, run.as_of),
        block_gaps=[c for c, sev in gaps if sev == "block"],
        warn_gaps=[c for c, sev in gaps if sev != "block"],
        pause=pause_note(s.pause_until, s.pause_reason),
        limitation=limitation_warning(s.limitation_expires_on, run.as_of),
        credit_hold=receivable.contract.customer_id in held,
        cache_key=row_key(run, s, receivable, contact, held),
    )


def row_key(
    run: DailyRun, s: StatusRow, receivable: Receivable, contact: Contact | None, held: set[int]
) -> str:
    """Everything a row from the run is rendered from: the run's judgement never changes, the
    rest is the saved state of the receivable, its contract and customer, and the contact."""
    contract = receivable.contract
    parts = (
        run.pk,
        run.finished_at,
        s.owner_id,
        receivable.pk,
        receivable.updated_at,
        contract.updated_at,
        contract.customer.updated_at,
        contact.pk if contact else None,
        contact.updated_at if contact else None,
        contract.customer_id in held,
    )
    return "|".join(str(p) for p in parts)


def from_scalar(
    st: dict[str, Any],
    receivable: Receivable,
    open_amount: Decimal,
    contact: Contact | None,
    today: date,
    held: set[int],
    rank: int | None = None,
) -> WorkRow:
    reasons = list(st["reasons"])
    if st.get("timing_code") and st["strategy"] != "wait":
        reasons.append(Reason(st["timing_code"]))
    block, warn = _gaps_from_codes(st["gaps"], st.get("first_block"))
    return WorkRow(
        receivable=receivable,
        rank=rank,
        open=open_amount,
        days_overdue=(today - receivable.due_on).days,
        nature=st["nature"],
        strategy=st["strategy"],
        action_kind=st["action_kind"],
        action_on=st["action_on"],
        contact_role=st.get("contact_role") or "",
        contact=contact,
        reasons=[r for r in reasons if _complete(r)],
        rank_reasons=rank_reasons(
            st["rank_reasons"], st["limitation_expires_on"], today, st.get("workdays_left")
        ),
        block_gaps=block,
        warn_gaps=warn,
        pause=pause_note(st["pause_until"], st["pause_reason"]),
        limitation=limitation_warning(st["limitation_expires_on"], today),
        credit_hold=receivable.contract.customer_id in held,
        fresh=True,
    )


def _receivables(user: Any, ids: Iterable[int]) -> dict[int, Receivable]:
    # The visibility test on the joined contract, not "contract IN (all visible contracts)":
    # SQLite would build that whole list for every page (tens of ms at mid scale).
    rows = (
        Receivable.objects.filter(pk__in=list(ids))
        .filter(contract_filter(user, "contract__"))
        .select_related("contract__customer")
    )
    return {r.pk: r for r in rows}


def _contacts(ids: Iterable[int | None]) -> dict[int, Contact]:
    wanted = [i for i in ids if i]
    return {c.pk: c for c in Contact.objects.filter(pk__in=wanted, erased_at__isnull=True)}


def touched_since(run: DailyRun, customer_ids: Iterable[int]) -> set[int]:
    """Customers with an activity or a promise recorded after the run finished."""
    ids = list(customer_ids)
    since = run.finished_at or run.started_at
    recent = Q(customer_id__in=ids, created_at__gt=since)
    return set(Activity.objects.filter(recent).values_list("customer_id", flat=True)) | set(
        Promise.objects.filter(recent).values_list("customer_id", flat=True)
    )


def build_rows(user: Any, run: DailyRun, statuses: Iterable[StatusRow], today: date) -> list[WorkRow]:
    """Rows for a page of status rows; customers touched since the run are re-evaluated now."""
    statuses = list(statuses)
    receivables = _receivables(user, (s.receivable_id for s in statuses))
    statuses = [s for s in statuses if s.receivable_id in receivables]
    customer_ids = {s.customer_id for s in statuses}
    held = held_customer_ids(customer_ids)
    touched = touched_since(run, customer_ids)
    fresh: dict[int, dict[str, Any]] = {}
    for customer_id in touched:
        fresh.update({st["id"]: st for st in _evaluate(customer_id, today)})
    contacts = _contacts([s.contact_id for s in statuses] + [st.get("contact_id") for st in fresh.values()])
    owners = User.objects.in_bulk({s.owner_id for s in statuses if s.owner_id})
    opens = open_amounts([rid for rid in receivables if rid in fresh], today) if fresh else {}
    rows = []
    for s in statuses:
        receivable = receivables[s.receivable_id]
        if s.customer_id not in touched:
            row = from_status(s, run, receivable, contacts.get(s.contact_id), held)
        elif s.receivable_id in fresh:
            st = fresh[s.receivable_id]
            contact = contacts.get(st.get("contact_id") or 0)
            row = from_scalar(st, receivable, opens[s.receivable_id], contact, today, held, s.rank)
        else:
            continue  # settled since the run: nothing left to chase
        row.owner = owners.get(s.owner_id)
        rows.append(row)
    return rows


def _evaluate(customer_id: int, today: date) -> list[dict[str, Any]]:
    from huikuan.analytics.customer import customer_statuses

    return customer_statuses(customer_id, today)


def single_row(user: Any, receivable: Receivable, today: date, run: DailyRun | None) -> WorkRow | None:
    """One receivable re-evaluated now (after logging); None when it is settled."""
    receivable = _receivables(user, [receivable.pk]).get(receivable.pk)
    if receivable is None:
        return None
    st = next(
        (x for x in _evaluate(receivable.contract.customer_id, today) if x["id"] == receivable.pk), None
    )
    if st is None:
        return None
    rank = None
    if run is not None:
        found = run.statuses().filter(
            customer_id=receivable.contract.customer_id, receivable_id=receivable.pk
        )
        rank = found.values_list("rank", flat=True).first()
    opens = open_amounts([receivable.pk], today)
    contact = _contacts([st.get("contact_id")]).get(st.get("contact_id") or 0)
    return from_scalar(
        st,
        receivable,
        opens[receivable.pk],
        contact,
        today,
        held_customer_ids([receivable.contract.customer_id]),
        rank,
    )
