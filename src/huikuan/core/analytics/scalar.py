"""The reference semantics: one receivable evaluated by the scalar rules of ``huikuan.core``.

The web page for one customer calls `evaluate_rows`; the daily run's vectorised pipeline
(`evaluate.py`) must give the same answers, which `tests/analytics/test_bulk_equals_scalar.py`
checks on random portfolios. Both read the same facts frame (`facts.py`); this module then
applies readiness_gaps, classify_nature, risk, expected_days_to_pay, milestone_limitation,
evidence_complete, can_pay_now, future_business, pause_for, next_rung, recommend,
best_ask_date and priority, one receivable at a time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

import polars as pl

from huikuan.core.analytics.asks import budget_key, choose_contact, deciding_reason
from huikuan.core.analytics.evaluate import annual_cost_of_money, company_tables, work_calendar
from huikuan.core.analytics.facts import ROLES, SEAL_NAMES, Facts
from huikuan.core.analytics.promises import combine_pause, core_allocations, core_promises
from huikuan.core.analytics.schema import Portfolio, RunSettings
from huikuan.core.analytics.strategy import sanction_facts
from huikuan.core.availability import AvailabilityError, parse_availability
from huikuan.core.calendar import WorkCalendar
from huikuan.core.inputs import (
    FUNDS_SHORT,
    can_pay_now,
    evidence_complete,
    evidence_facts_from,
    expected_days_to_pay,
    future_business,
    risk,
)
from huikuan.core.interest import sme_regulation_applies
from huikuan.core.limitation import InterruptionEvent, milestone_limitation
from huikuan.core.money import from_cents_int
from huikuan.core.nature import NatureFacts, classify_nature
from huikuan.core.priority import priority
from huikuan.core.promises import Dispute, PromiseOutcome, PromisePolicy, pause_for, promise_outcomes
from huikuan.core.readiness import InvoiceFact, ReadinessSnapshot, readiness_gaps
from huikuan.core.sanctions import next_rung
from huikuan.core.strategy import Situation, recommend
from huikuan.core.tables import DecisionTables
from huikuan.core.timing import TimingInput, TimingPolicy, best_ask_date

LIMITATION_TIERS = (
    "limitation_expired",
    "limitation_within_30",
    "limitation_within_90",
    "limitation_within_180",
)


@dataclass
class Context:
    """What the scalar rules need besides the receivable's own row."""

    as_of: date
    settings: RunSettings
    tables: DecisionTables
    r: float
    calendar: WorkCalendar
    invoices: dict[int, list[InvoiceFact]]
    events: dict[int, list[InterruptionEvent]]
    outcomes: list[PromiseOutcome]
    disputes: list[Dispute]
    by_customer: dict[int, list[PromiseOutcome]] = field(default_factory=dict)


def context(p: Portfolio, facts: Facts, as_of: date, settings: RunSettings) -> Context:
    tables = company_tables(settings)
    r, _warnings = annual_cost_of_money(settings, tables)
    invoices: dict[int, list[InvoiceFact]] = {}
    for rid, number, status, amount in p.invoices.select(
        "receivable_id", "number", "status", "amount_c"
    ).iter_rows():
        invoices.setdefault(rid, []).append(InvoiceFact(number, status, from_cents_int(amount)))
    events: dict[int, list[InterruptionEvent]] = {}
    for rid, on, kind, seal in facts.events.select("receivable_id", "on", "kind", "seal").iter_rows():
        events.setdefault(rid, []).append(InterruptionEvent(on, kind, frozenset({rid}), seal))
    promises = core_promises(p.promises, p.promise_links)
    customer_of = dict(p.promises.select("id", "customer_id").iter_rows())
    allocations = core_allocations(facts.allocations.filter(pl.col("eff_on") <= as_of))
    policy = PromisePolicy(grace_days=settings.promise_grace_days)
    by_customer: dict[int, list[PromiseOutcome]] = {}
    for customer in {customer_of[pr.id] for pr in promises}:
        mine = [pr for pr in promises if customer_of[pr.id] == customer]
        named = set().union(*(pr.receivable_ids for pr in mine))
        allocs = [a for a in allocations if a.receivable_id in named]
        by_customer[customer] = list(promise_outcomes(mine, allocs, as_of, policy))
    outcomes = [o for group in by_customer.values() for o in group]
    disputes = [
        Dispute(f"D{rid}", frozenset({rid}), as_of) for rid in facts.disputes["receivable_id"].to_list()
    ]
    return Context(
        as_of, settings, tables, r, work_calendar(p), invoices, events, outcomes, disputes, by_customer
    )


def snapshot(row: dict[str, Any], ctx: Context) -> ReadinessSnapshot:
    def flag(name: str) -> str | None:
        return "x" if row[name] else None

    roles = frozenset(role for role in ROLES if row[f"{role}_id"] is not None)
    return ReadinessSnapshot(
        project_name=flag("has_project"),
        contract_amount=Decimal(1) if row["has_amount"] else None,
        signed_on=date(2000, 1, 1) if row["has_signed"] else None,
        owner=flag("has_owner"),
        acceptance_standard=flag("has_acc_standard"),
        acceptance_method=flag("has_acc_method"),
        payment_method=flag("has_payment_terms"),
        due_on=row["due_on"],
        trigger_event=row["trigger_event"],
        milestone_kind=row["kind"],
        trigger_fired=row["trigger_fired"],
        contact_roles=roles,
        book_close_day=row["book_close_day"],
        needs_budget=row["needs_budget"],
        budget_month=row["budget_month"],
        invoice_before_payment=row["invoice_before_payment"],
        invoice_requirements="x" if row["has_invoice_req"] else "",
        funds_status=row["funds_status"] or None,
        open_blocking_issues=tuple(str(i) for i in range(row["open_issues"])),
        receivable_amount=from_cents_int(row["amount_c"]),
        invoices=tuple(ctx.invoices.get(row["id"], ())),
        has_delivery_receipt=row["has_delivery_receipt"],
        has_acceptance_certificate=row["has_acceptance_cert"],
        last_confirmation_on=row["last_conf_on"],
        last_confirmation_seal=SEAL_NAMES.get(row["last_conf_seal"] or "", row["last_conf_seal"]),
    )


def evaluate_rows(rows: Iterable[dict[str, Any]], ctx: Context) -> list[dict[str, Any]]:
    return [evaluate_row(row, ctx) for row in rows]


def evaluate_row(row: dict[str, Any], ctx: Context) -> dict[str, Any]:
    """Every result of one receivable, by the scalar rules (keys as the bulk result columns)."""
    as_of, t = ctx.as_of, ctx.tables
    rid, days = row["id"], row["days_overdue"]
    snap = snapshot(row, ctx)
    gaps = readiness_gaps(snap, as_of, t.readiness)
    mine = ctx.by_customer.get(row["customer_id"], [])
    broken = [o for o in mine if o.status == "broken"]
    answered = row["answered_last_contact"]
    budget_delay = bool(row["needs_budget"]) and row["budget_year"] != as_of.year
    nature_facts = NatureFacts(
        dispute_open=row["dispute_open"],
        broken_promise_dates=tuple(o.promise.promised_on for o in broken),
        evasion_recorded=row["evasion"],
        refuses_to_stamp=row["refused_to_stamp"],
        denies_debt=row["denied_debt"],
        pays_others_not_us=row["pays_others"],
        on_time_share=row["on_time_share"],
        last_stamped_confirmation_on=row["last_conf_on"],
        last_payment_on=row["last_paid_on"],
        answered_last_contact=answered,
        known_budget_delay=budget_delay,
        funds_tight_cooperative=row["funds_status"] in FUNDS_SHORT and bool(answered),
        malicious_confirmed_by=row["malicious_confirmed_by"],
    )
    nat = classify_nature(nature_facts, as_of, t.nature)
    p = risk(nat.nature, days, t.risk, model_probability=row.get("model_risk")).value
    expected = expected_days_to_pay(
        days, row["median_days_late"], predicted_days=row.get("model_days"), table=t.risk
    ).value
    lim = milestone_limitation(rid, row["due_on"], ctx.events.get(rid, []), as_of)
    evidence = evidence_complete(
        evidence_facts_from(
            snap,
            as_of,
            has_contract_document=row["has_contract_doc"],
            last_demand_delivered_on=row["last_demand_on"],
            limitation_expires_on=lim.expires_on,
            tables=t,
        )
    ).value
    pause = pause_for(rid, ctx.outcomes, ctx.disputes, as_of)
    pause_until, pause_reason = combine_pause(pause, row["manual_until"], row["manual_reason"] or "", as_of)
    open_base = from_cents_int(row["open_base_c"] or 0)
    sanction = None
    if nat.nature == "malicious" and evidence:
        facts = {
            **row,
            "nature": nat.nature,
            "evidence_complete": evidence,
            "limitation_expires_on": lim.expires_on,
        }
        proposal = next_rung(sanction_facts(facts, as_of), as_of, t.sanctions)
        sanction = proposal.rung if proposal else None
    other = row["active_contracts"] - (1 if row["contract_active"] == 1 else 0)
    situation = Situation(
        as_of=as_of,
        nature=nat.nature,
        open_amount=open_base,
        gaps=gaps,
        limitation_expires_on=lim.expires_on,
        pause_until=pause_until,
        pause_reason=pause_reason,
        evidence_complete=evidence,
        funds_status=row["funds_status"] or None,
        budget_delay=budget_delay,
        sme_protected=sme_regulation_applies(ctx.settings.we_are_sme, row["customer_type"] or ""),
        future_business=future_business(row["relationship"], other).value,
        can_pay_now=can_pay_now(row["funds_status"], row["needs_budget"], row["budget_year"], as_of).value,
        risk=p,
        expected_days=expected,
        cost_of_money=ctx.r,
        unanswered_reminders=row["unanswered"],
        next_sanction=sanction,
    )
    first = recommend(situation, t)
    role, contact = choose_contact(first.roles, {r: row[f"{r}_id"] for r in ROLES})
    availability = row[f"{role}_av"] if contact is not None and role is not None else None
    plan = best_ask_date(
        TimingInput(
            as_of=as_of,
            book_close_day=row["book_close_day"],
            bank_close_day=row["bank_close_day"],
            transfer_days=row["transfer_days"],
            needs_budget=bool(row["needs_budget"]),
            budget_month=row["budget_month"],
            budget_year=budget_key(row["needs_budget"], row["budget_year"], as_of.year),
            sme_regulated=situation.sme_protected,
            availability=_windows(availability),
        ),
        ctx.calendar,
        TimingPolicy(approval_lead_workdays=ctx.settings.approval_lead_workdays),
    )
    rec = recommend(Situation(**{**_fields(situation), "next_window_on": plan.ask_by}), t)
    named_broken = any(
        rid in o.promise.receivable_ids for o in broken if _within(o.promise.promised_on, as_of, t)
    )
    prio = priority(
        open_base,
        p,
        days_overdue=days,
        as_of=as_of,
        limitation_expires_on=lim.expires_on,
        broken_promise=named_broken,
        workdays_to_window_close=plan.workdays_left,
        table=t.priority,
    )
    return {
        "id": rid,
        "gaps": [g.code for g in gaps],
        "first_block": next((g.code for g in gaps if g.severity == "block"), None),
        "nature": nat.nature,
        "nature_score": nat.score,
        "nature_codes": [r.code for r in nat.reasons],
        "risk": p,
        "expected_days": expected,
        "limitation_expires_on": lim.expires_on,
        "limitation_code": next((r.code for r in lim.reasons if r.code in LIMITATION_TIERS), None),
        "evidence_complete": evidence,
        "pause_until": pause_until,
        "pause_reason": pause_reason,
        "sanction": sanction,
        "strategy": rec.strategy,
        "action_kind": rec.action,
        "contact_role": role,
        "contact_id": contact,
        "reason_codes": [r.code for r in rec.reasons],
        "reasons": rec.reasons,
        "action_on": pause_until if rec.strategy == "wait" else plan.ask_on,
        "timing_code": deciding_reason(plan).code or None,
        "workdays_left": plan.workdays_left,
        "priority": prio.score,
        "rank_reasons": [r.code for r in prio.reasons],
    }


def _within(day: date, as_of: date, t: DecisionTables) -> bool:
    return 0 <= (as_of - day).days <= t.nature.broken_promise_window_days


def _windows(text: str | None) -> tuple[Any, ...]:
    if not text:
        return ()
    try:
        return parse_availability(text)
    except AvailabilityError:
        return ()


def _fields(s: Situation) -> dict[str, Any]:
    return {name: getattr(s, name) for name in Situation.__dataclass_fields__}
