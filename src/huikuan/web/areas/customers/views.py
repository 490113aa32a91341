"""客户 / Customer 360: 知彼 — who pays, when the money can move, what is owed and what happened."""

from __future__ import annotations

from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from huikuan.accounts.access import visible_contracts, visible_customers
from huikuan.analytics.customer import unchanged_run
from huikuan.analytics.models import DailyRun
from huikuan.collection.models import Activity, Promise
from huikuan.collection.services.sanctions import credit_holds
from huikuan.ledger.models import ContactRole, Document, Receivable
from huikuan.ledger.services.balances import open_of_row, with_open
from huikuan.privacy import rights
from huikuan.web.access import customer_or_404

SECTIONS_SECONDS = 60 * 60 * 24
KEY_ROLES = (ContactRole.DECISION_MAKER, ContactRole.ACCEPTOR, ContactRole.PAYER)


@login_required
def customer_list(request: HttpRequest) -> HttpResponse:
    customers = (
        visible_customers(request.user).select_related("owner").annotate(n_contracts=Count("contracts"))
    )
    query = request.GET.get("q", "").strip()
    if query:
        customers = customers.filter(
            Q(name__icontains=query) | Q(code__icontains=query) | Q(aliases__alias__icontains=query)
        ).distinct()
    page = Paginator(customers.order_by("name"), 50).get_page(request.GET.get("page"))
    template = "web/customers/_rows.html" if request.htmx else "web/customers/list.html"
    return render(request, template, {"page": page, "query": query})


def _role_map(contacts: list) -> list[dict]:
    contacts = [c for c in contacts if c.erased_at is None]
    rows = []
    for role in KEY_ROLES:
        holders = [c for c in contacts if role in c.roles]
        rows.append({"role": role, "label": role.label, "contacts": holders, "missing": not holders})
    return rows


def _receivable_rows(user, customer, as_of: date, run: DailyRun | None) -> list[dict]:
    from huikuan.analytics.customer import customer_judgements

    receivables = list(
        with_open(
            Receivable.objects.filter(
                contract__in=visible_contracts(user).filter(customer=customer), is_void=False
            )
            .select_related("contract")
            .order_by("due_on", "sequence"),
            as_of,
        )
    )
    from huikuan.prediction.service import customer_outlook

    opens = {r.pk: open_of_row(r) for r in receivables}
    statuses = {s["id"]: s for s in customer_judgements(customer.pk, as_of, run)}
    outlook = customer_outlook(customer.pk, as_of)  # empty until `huikuan predict train` has run
    lang = "en" if (get_language() or "").startswith("en") else "zh-hans"
    rows = []
    for r in receivables:
        days = (as_of - r.due_on).days
        prediction = outlook.get(r.pk)
        rows.append(
            {
                "r": r,
                "open": opens[r.pk],
                "days_overdue": days,
                "status": statuses.get(r.pk),
                "outlook": prediction.text(lang) if prediction is not None else "",
            }
        )
    return rows


def _sections(request: HttpRequest, customer, as_of: date, run: DailyRun | None) -> dict:
    """Receivables, timeline, promises, sanctions and documents, rendered, with the totals above them."""
    rows = _receivable_rows(request.user, customer, as_of, run)
    open_rows = [row for row in rows if row["open"] > 0]
    statuses = [row["status"] for row in open_rows if row["status"]]
    context = {
        "customer": customer,
        "rows": rows,
        # Only the columns the lists show.
        "sanctions": customer.sanctions.only("customer", "kind", "status", "reason").order_by("-created_at")[
            :20
        ],
        "activities": Activity.objects.filter(customer=customer)
        .select_related("contact")
        .only("occurred_at", "channel", "outcome", "notes", "contact__name")[:30],
        "promises": Promise.objects.filter(customer=customer)
        .only("promised_on", "amount", "status")
        .order_by("-promised_on")[:20],
        "documents": Document.objects.filter(customer=customer)
        .only("kind", "title", "issued_on", "seal_kind")
        .order_by("-created_at")[:30],
    }
    return {
        # No request: the fragment needs no context processor (menu, CSRF), only the active language.
        "html": mark_safe(render_to_string("web/customers/_sections.html", context)),
        "open_total": sum((row["open"] for row in open_rows), 0),
        "overdue_total": sum((row["open"] for row in open_rows if row["days_overdue"] > 0), 0),
        "nature": statuses[0]["nature"] if statuses else None,
    }


@login_required
def customer_detail(request: HttpRequest, customer_pk: int) -> HttpResponse:
    customer = customer_or_404(request.user, customer_pk)
    as_of = timezone.localdate()
    # While nothing about the customer has been saved since the daily run started, the lower part
    # of the page is what it was: kept per user (what they may see) and language until then, in the
    # shared cache, so a page rendered by one server process serves the others too.
    run = unchanged_run(customer.pk, as_of)
    key = None
    if run is not None:
        stamp = run.finished_at.timestamp() if run.finished_at else 0
        key = f"customer-page:{run.pk}:{stamp}:{customer.pk}:{request.user.pk}:{get_language()}"
    kept = caches["default"]
    sections = kept.get(key) if key else None
    if sections is None:
        # The customer's contacts, credit hold, other creditors and third-party payers are kept
        # with it: all are among what `changed_since` watches.
        sections = {**_sections(request, customer, as_of, run), **_people(customer)}
        if key:
            kept.set(key, sections, SECTIONS_SECONDS)
    context = {
        "customer": customer,
        "as_of": as_of,
        "sections": sections,
        "role_map": _role_map(sections["contacts"]),
        "credit_hold": sections["credit_hold"],
        "creditors": sections["creditors"],
        "payers": sections["payers"],
        "contacts": sections["contacts"],
        "may_export": rights.may_export(request.user),
        "may_erase": rights.may_erase(request.user),
    }
    return render(request, "web/customers/detail.html", context)


def _people(customer) -> dict:
    """The upper part's lists: contacts (erased last), the active credit hold, creditors, payers."""
    return {
        "contacts": list(customer.contacts.order_by("erased_at", "pk")),
        "credit_hold": credit_holds().filter(customer=customer).first(),
        "creditors": list(customer.other_creditors.all()),
        "payers": list(customer.third_party_payers.all()),
    }
