"""The permission matrix: every page, admin model and API operation × every role, with guessed ids.

The objects belong to ``sales_b``'s customer (the ``ids`` fixture: ``objects_of_customer_b`` of
test_url_access.py plus a stored document file), so
the roles are: the salesperson who owns them (sales_b), another salesperson of the same team (sales_a), the
manager of another team (mgr_north), their own manager (mgr_east), finance, admin and anonymous. Each URL is
also requested with an id that does not exist.

URL patterns are enumerated from Django's resolver and API operations from the OpenAPI document; one that is
not classified below fails the test, so a new page or endpoint cannot ship without an access rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from conftest import World
from huikuan.api.api import api as ninja_api
from huikuan.api.tokens import create_token

pytestmark = pytest.mark.django_db

OWNER, COLLEAGUE, OTHER_MANAGER, OWN_MANAGER, FINANCE, ADMIN, ANONYMOUS = (
    "sales_b",
    "sales_a",
    "mgr_north",
    "mgr_east",
    "finance",
    "admin",
    "anonymous",
)
ROLES = (OWNER, COLLEAGUE, OTHER_MANAGER, OWN_MANAGER, FINANCE, ADMIN, ANONYMOUS)
SEES_THE_OBJECT = {OWNER, OWN_MANAGER, FINANCE, ADMIN}
MISSING_ID = 987654321

LOGIN, HIDDEN, FORBIDDEN, NOT_ALLOWED = "login", 404, 403, 405
REFUSED = (403, 404)


@dataclass(frozen=True)
class Page:
    """What a page answers to a user who may use it (``get``; ``post`` for an empty form post).

    ``roles``: who may use it at all (others get 403); None = everyone logged in. Pages with an object id
    also hide other portfolios' objects (404). ``public``: no login needed.
    """

    get: int | tuple[int, ...]
    post: int | tuple[int, ...]
    roles: frozenset[str] | None = None
    public: bool = False


FINANCE_ONLY = frozenset({FINANCE, ADMIN})
SALES_ROLES = frozenset({OWNER, COLLEAGUE, OTHER_MANAGER, OWN_MANAGER})
GET_ONLY = {"get": 200, "post": NOT_ALLOWED}
POST_ONLY_REDIRECT = {"get": NOT_ALLOWED, "post": 302}
POST_ONLY_FRAGMENT = {"get": NOT_ALLOWED, "post": 200}
FORM = {"get": 200, "post": 400}  # an empty form post is answered with the form and its errors (400)
READ = {"get": 200, "post": 200}  # list pages read filters from either method
DASHBOARD_TABLES = (
    "aging",
    "collection",
    "teams",
    "trend",
    "forecast",
    "promises",
    "completeness",
    "completeness_acceptance",
    "completeness_payment_terms",
    "completeness_payer",
    "completeness_decision_maker",
    "completeness_book_close",
)

PAGES: dict[str, Page] = {
    "health": Page(get=200, post=200, public=True),
    "login": Page(get=200, post=200, public=True),
    "logout": Page(get=NOT_ALLOWED, post=302, public=True),
    "set_language": Page(get=302, post=302, public=True),
    "home": Page(**GET_ONLY),
    "today:worklist": Page(**GET_ONLY),
    "today:log": Page(**FORM),
    "customers:list": Page(**READ),
    "customers:detail": Page(**READ),
    # Personal data of a contact (PIPL): export needs the right to change contacts (not finance), erasure
    # is for managers and administrators.
    "customers:contact-export": Page(get=NOT_ALLOWED, post=200, roles=frozenset(SALES_ROLES | {ADMIN})),
    "customers:contact-erase": Page(get=200, post=200, roles=frozenset({OTHER_MANAGER, OWN_MANAGER, ADMIN})),
    "customers:contact-pattern": Page(get=NOT_ALLOWED, post=302, roles=frozenset(SALES_ROLES | {ADMIN})),
    "contracts:list": Page(**READ),
    "contracts:detail": Page(**READ),
    "contracts:upload": Page(get=NOT_ALLOWED, post=400),
    "contracts:document": Page(get=200, post=200),
    "contracts:delivered": Page(**POST_ONLY_REDIRECT),
    "contracts:returned": Page(**POST_ONLY_REDIRECT),
    "contracts:letter": Page(**POST_ONLY_REDIRECT),
    "contracts:evidence": Page(**POST_ONLY_FRAGMENT),
    "contracts:plan": Page(**FORM),
    "contracts:plan_preview": Page(**POST_ONLY_FRAGMENT),
    "contracts:split": Page(**FORM),
    "contracts:split_preview": Page(**POST_ONLY_FRAGMENT),
    "meetings:plan": Page(get=200, post=302),
    "meetings:lint": Page(**POST_ONLY_FRAGMENT),
    "promises:list": Page(**GET_ONLY),
    "sanctions:list": Page(**READ),
    "sanctions:propose": Page(**FORM),
    "sanctions:assess": Page(**POST_ONLY_FRAGMENT),
    "sanctions:detail": Page(**READ),
    # Decisions are checked by the use case (maker-checker); an empty post is an invalid form.
    "sanctions:decide": Page(**POST_ONLY_REDIRECT),
    "sanctions:activate": Page(**POST_ONLY_REDIRECT),
    "sanctions:lift": Page(**POST_ONLY_REDIRECT),
    "approvals:inbox": Page(**READ),
    "approvals:decide": Page(**POST_ONLY_REDIRECT),
    "approvals:decide_adjustment": Page(**POST_ONLY_REDIRECT),
    "approvals:decide_sanction": Page(**POST_ONLY_REDIRECT),
    "dashboards:dashboard": Page(**READ),
    **{f"dashboards:{table}": Page(**READ) for table in DASHBOARD_TABLES},
    "targets:list": Page(**READ),
    "targets:set": Page(get=NOT_ALLOWED, post=302),
    "targets:commission": Page(**READ),
    "claims:pool": Page(**READ),
    "claims:claim": Page(**FORM),
    "claims:detail": Page(**READ),
    "claims:review": Page(**READ, roles=FINANCE_ONLY),
    "claims:dismiss": Page(get=NOT_ALLOWED, post=302, roles=FINANCE_ONLY),
    "claims:approve": Page(get=NOT_ALLOWED, post=302, roles=FINANCE_ONLY),
    "claims:reject": Page(get=NOT_ALLOWED, post=302, roles=FINANCE_ONLY),
    "imports:upload": Page(get=200, post=400, roles=FINANCE_ONLY),
    # The import pages take the job's unguessable token as a parameter: without a valid one, 404.
    "imports:job": Page(get=404, post=404, roles=FINANCE_ONLY),
    "imports:confirm": Page(get=NOT_ALLOWED, post=404, roles=FINANCE_ONLY),
    "imports:errors": Page(get=404, post=404, roles=FINANCE_ONLY),
}


def site_patterns(resolver: URLResolver | None = None, prefix: str = "", namespace: str = ""):
    """(route, name, pattern) for every URL of the site except the admin and the API (tested below)."""
    for entry in (resolver or get_resolver()).url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in ("admin", "api"):
                continue
            yield from site_patterns(entry, prefix + str(entry.pattern), entry.namespace or namespace)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            yield prefix + str(entry.pattern), name, entry


def fill(route: str, pattern: URLPattern, ids: dict[str, int], missing: bool = False) -> str:
    url = "/" + route
    for keyword in pattern.pattern.converters:
        url = url.replace(f"<int:{keyword}>", str(MISSING_ID if missing else ids[keyword]))
    return url


def expected(page: Page, method: str, role: str, has_object: bool) -> Any:
    allowed = page.get if method == "get" else page.post
    if page.public:
        return allowed
    if role == ANONYMOUS:
        return LOGIN
    refusals = set()
    if has_object and role not in SEES_THE_OBJECT:
        refusals.add(HIDDEN)
    if page.roles is not None and role not in page.roles:
        refusals.add(FORBIDDEN)
    if refusals:
        # A method the view never accepts is refused before anything else is looked at.
        return NOT_ALLOWED if allowed == NOT_ALLOWED else tuple(sorted(refusals))
    return allowed


def outcome(response: Any) -> Any:
    if response.status_code == 302 and response["Location"].startswith("/login/"):
        return LOGIN
    return response.status_code


def matches(got: Any, want: Any) -> bool:
    return got in want if isinstance(want, tuple) else got == want


def client_for(world: World, role: str) -> Client:
    client = Client()
    if role != ANONYMOUS:
        client.force_login(getattr(world, role))
    return client


def test_every_page_is_classified() -> None:
    names = {name for _route, name, _pattern in site_patterns()}
    unclassified = sorted(names - PAGES.keys())
    assert not unclassified, f"add an access rule to PAGES for {unclassified}"
    assert not PAGES.keys() - names, f"PAGES names URLs that no longer exist: {sorted(PAGES.keys() - names)}"


@pytest.mark.parametrize("role", ROLES)
def test_every_page_by_role(world: World, ids: dict[str, int], role: str) -> None:
    wrong = []
    client = client_for(world, role)
    for route, name, pattern in site_patterns():
        page = PAGES[name]
        has_object = bool(pattern.pattern.converters)
        url = fill(route, pattern, ids)
        for method in ("get", "post"):
            # Logging out gets a client of its own, so the other pages are still asked as this role.
            response = getattr(client_for(world, role) if name == "logout" else client, method)(url)
            got = response.status_code if page.public else outcome(response)
            want = expected(page, method, role, has_object)
            if not matches(got, want):
                wrong.append(f"{method.upper()} {url} ({name}): {got}, expected {want}")
            elif has_object and response.status_code in REFUSED:
                assert world.cust_b.name not in response.content.decode(errors="replace"), url
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("role", [OWNER, FINANCE, ADMIN])
def test_guessed_ids_that_do_not_exist_are_not_found(world: World, ids: dict[str, int], role: str) -> None:
    wrong = []
    for route, name, pattern in site_patterns():
        if not pattern.pattern.converters:
            continue
        url = fill(route, pattern, ids, missing=True)
        page = PAGES[name]
        for method in ("get", "post"):
            want = expected(page, method, role, has_object=True)
            # Not found, or refused by role before the lookup; a method the view never accepts stays 405.
            want = (NOT_ALLOWED,) if want == NOT_ALLOWED else REFUSED if isinstance(want, tuple) else (404,)
            got = outcome(getattr(client_for(world, role), method)(url))
            if got not in want:
                wrong.append(f"{method.upper()} {url}: {got}, expected {want}")
    assert not wrong, "\n".join(wrong)


# --- the admin ---------------------------------------------------------------------------------------------------

# Every registered model: who may open its list (others get 403), and whether its rows are narrowed to the
# user's portfolio (then an object of another portfolio is "not found": the admin redirects to its index).
EVERY_ROLE = frozenset({*SALES_ROLES, FINANCE, ADMIN})
MANAGERS_AND_UP = frozenset({OTHER_MANAGER, OWN_MANAGER, FINANCE, ADMIN})
ADMIN_ONLY = frozenset({ADMIN})
ADMIN_MODELS: dict[str, tuple[frozenset[str], bool]] = {
    "ledger.customer": (EVERY_ROLE, True),
    "ledger.customeralias": (EVERY_ROLE, True),
    "ledger.bankaccount": (EVERY_ROLE, True),
    "ledger.thirdpartypayer": (EVERY_ROLE, True),
    "ledger.contact": (EVERY_ROLE, True),
    "ledger.contract": (EVERY_ROLE, True),
    "ledger.receivable": (EVERY_ROLE, True),
    "ledger.invoice": (EVERY_ROLE, True),
    "ledger.document": (EVERY_ROLE, True),
    "ledger.payment": (EVERY_ROLE, True),
    "ledger.allocation": (EVERY_ROLE, True),
    "ledger.adjustment": (EVERY_ROLE, True),
    "ledger.ownershipchange": (EVERY_ROLE, True),
    "collection.activity": (EVERY_ROLE, True),
    "collection.promise": (EVERY_ROLE, True),
    "collection.paymentplan": (EVERY_ROLE, True),
    "collection.blockingissue": (EVERY_ROLE, True),
    "collection.approval": (EVERY_ROLE, True),
    "collection.sanction": (EVERY_ROLE, True),
    "collection.othercreditor": (EVERY_ROLE, True),
    "collection.naturereview": (EVERY_ROLE, True),
    "collection.collectiontarget": (MANAGERS_AND_UP, False),
    "audit.auditentry": (frozenset({FINANCE, ADMIN}), False),
}


def admin_label(model: Any) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def test_every_admin_model_is_classified() -> None:
    from huikuan.accounts.roles import ROLE_PERMISSIONS

    registered = {admin_label(m) for m in admin.site._registry}
    assert not ADMIN_MODELS.keys() - registered, sorted(ADMIN_MODELS.keys() - registered)
    # A model not listed is for administrators only (settings, users, teams, tokens, lock-outs …):
    # no role may be granted it without classifying it here.
    granted = {label for table in ROLE_PERMISSIONS.values() for label in table}
    unclassified = sorted((registered - ADMIN_MODELS.keys()) & granted)
    assert not unclassified, f"classify {unclassified} in ADMIN_MODELS"


@pytest.mark.parametrize("role", ROLES)
def test_admin_by_role(world: World, ids: dict[str, int], role: str) -> None:
    client = client_for(world, role)
    wrong = []
    for model in admin.site._registry:
        label = admin_label(model)
        roles, _scoped = ADMIN_MODELS.get(label, (ADMIN_ONLY, False))
        url = f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        response = client.get(url)
        if role == ANONYMOUS:
            ok = response.status_code == 302 and response["Location"].startswith("/admin/login/")
        else:
            ok = response.status_code == (200 if role in roles else 403)
        if not ok:
            wrong.append(f"{url}: {response.status_code}")
    assert not wrong, "\n".join(wrong)


OBJECT_OF = {
    "ledger.customer": "customer_pk",
    "ledger.contract": "contract_pk",
    "ledger.receivable": "receivable_pk",
    "ledger.contact": "contact_pk",
    "ledger.document": "document_pk",
    "ledger.invoice": "invoice_pk",
    "ledger.payment": "payment_pk",
    "ledger.adjustment": "adjustment_pk",
    "collection.activity": "activity_pk",
    "collection.promise": "promise_pk",
    "collection.paymentplan": "plan_pk",
    "collection.sanction": "sanction_pk",
    "collection.approval": "approval_pk",
}


@pytest.mark.parametrize("role", ROLES)
def test_admin_object_pages_hide_other_portfolios(world: World, ids: dict[str, int], role: str) -> None:
    client = client_for(world, role)
    for label, keyword in OBJECT_OF.items():
        assert ADMIN_MODELS[label][1], label
        app, model = label.split(".")
        for pk, exists in ((ids[keyword], True), (MISSING_ID, False)):
            url = f"/admin/{app}/{model}/{pk}/change/"
            response = client.get(url)
            if role == ANONYMOUS:
                assert response.status_code == 302 and response["Location"].startswith("/admin/login/"), url
            elif exists and role in SEES_THE_OBJECT:
                assert response.status_code == 200, (url, response.status_code)
            else:
                # Django's admin answers an object it cannot find by going back to the index.
                assert response.status_code == 302 and response["Location"] == "/admin/", (url, response)
                assert world.cust_b.name not in client.get("/admin/").content.decode()


# --- the API -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    """``read``: a GET; ``object``: the path names one row (hidden from other portfolios: 404);
    ``write_status``: what a permitted token gets for ``body`` (an empty JSON object unless said)."""

    object: str | None = None
    write_status: tuple[int, ...] = ()
    roles: frozenset[str] | None = None  # roles whose tokens may call it (others 403); None = every role
    body: str = "{}"


PATH_IDS = {
    "customer_id": "customer_pk",
    "contact_id": "contact_pk",
    "contract_id": "contract_pk",
    "receivable_id": "receivable_pk",
    "payment_id": "payment_pk",
    "activity_id": "activity_pk",
    "promise_id": "promise_pk",
}
CREATE = Operation(write_status=(400, 422))
# Finance reads the sales work but does not change it (huikuan.accounts.roles).
CHANGES_SALES_WORK = frozenset(SALES_ROLES | {ADMIN})
OPERATIONS: dict[str, Operation] = {
    "list_customers": Operation(),
    "create_customer": CREATE,
    "get_customer": Operation(object="customer_id"),
    "update_customer": Operation(object="customer_id", write_status=(200,), roles=CHANGES_SALES_WORK),
    "list_contacts": Operation(),
    "create_contact": CREATE,
    "get_contact": Operation(object="contact_id"),
    "update_contact": Operation(object="contact_id", write_status=(200,), roles=CHANGES_SALES_WORK),
    "list_contracts": Operation(),
    "create_contract": CREATE,
    "get_contract": Operation(object="contract_id"),
    "update_contract": Operation(object="contract_id", write_status=(200,), roles=CHANGES_SALES_WORK),
    "list_receivables": Operation(),
    "create_receivable": CREATE,
    "get_receivable": Operation(object="receivable_id"),
    "update_receivable": Operation(object="receivable_id", write_status=(200,), roles=CHANGES_SALES_WORK),
    "create_payment": CREATE,
    "list_payments": Operation(),
    "get_payment": Operation(object="payment_id"),
    # Only finance records (and reverses) payments; the reversal itself is tested in tests/api.
    "reverse_payment": Operation(
        object="payment_id",
        write_status=(201,),
        roles=FINANCE_ONLY,
        body='{"on": "2026-05-02", "reason": "重复入账"}',
    ),
    "list_activities": Operation(),
    "create_activity": CREATE,
    "get_activity": Operation(object="activity_id"),
    "list_promises": Operation(),
    "create_promise": CREATE,
    "get_promise": Operation(object="promise_id"),
    "daily_run": Operation(),
    "daily_results": Operation(),
    "worklist": Operation(),
    "kpis": Operation(),
    "credit_status": Operation(object="customer_id"),
    "credit_status_bulk": CREATE,
    "post_exposures": CREATE,
    "list_exposures": Operation(),
}
READ_STATUS = (200, 404)  # the daily-run endpoints answer 404 before the first run


def api_operations() -> list[tuple[str, str, str, list[str]]]:
    """(method, path, short name, path parameters) from the OpenAPI document."""
    schema = ninja_api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        for method, op in operations.items():
            operation_id = op["operationId"]
            name = next((n for n in OPERATIONS if operation_id.endswith("_" + n)), operation_id)
            params = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
            assert op.get("security"), f"{method.upper()} {path} is open to anonymous callers"
            found.append((method.upper(), path, name, params))
    return found


def test_every_api_operation_is_classified() -> None:
    names = {name for _m, _p, name, _params in api_operations()}
    assert not names - OPERATIONS.keys(), (
        f"add an access rule to OPERATIONS for {sorted(names - OPERATIONS.keys())}"
    )
    assert not OPERATIONS.keys() - names, sorted(OPERATIONS.keys() - names)
    for _method, path, name, params in api_operations():
        assert set(params) <= PATH_IDS.keys(), f"{path}: unknown path id {params}"
        assert (OPERATIONS[name].object is not None) == bool(params), path


@pytest.mark.parametrize("role", ROLES)
def test_every_api_operation_by_role(world: World, ids: dict[str, int], role: str) -> None:
    token = None
    if role != ANONYMOUS:
        scopes = ["read", "write", "payments", "credit-status", "exposures"]
        token = create_token(scopes=scopes, user=getattr(world, role))[1]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    client = Client()
    wrong = []
    for method, path, name, params in api_operations():
        operation = OPERATIONS[name]
        for missing in (False, True) if params else (False,):
            url = path
            for param in params:
                url = url.replace("{" + param + "}", str(MISSING_ID if missing else ids[PATH_IDS[param]]))
            kwargs: dict[str, Any] = {"headers": headers}
            if method != "GET":
                kwargs.update(data=operation.body, content_type="application/json")
            status = getattr(client, method.lower())(url, **kwargs).status_code
            hidden = missing or (operation.object is not None and role not in SEES_THE_OBJECT)
            if role == ANONYMOUS:
                want: tuple[int, ...] = (401,)
            elif operation.roles is not None and role not in operation.roles:
                want = REFUSED if hidden else (403,)
            elif hidden:
                want = (404,)
            elif method == "GET":
                want = READ_STATUS if name in ("daily_run", "daily_results", "worklist", "kpis") else (200,)
            else:
                want = operation.write_status
            if status not in want:
                wrong.append(f"{method} {url} ({name}): {status}, expected {want}")
    assert not wrong, "\n".join(wrong)
