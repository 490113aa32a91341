"""Who may see what: the one home of row-level access.

- salesperson: the customers they own and the customers of contracts they own; the contracts they own
  (and, for a customer they own, that customer's contracts);
- sales manager: everything a member of their teams (or they themselves) owns;
- finance and admin: every customer.

Every view, admin page and API endpoint narrows its querysets through these functions.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from huikuan.accounts.models import Role, User

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser


def owners_visible_to(user: User) -> QuerySet[User] | None:
    """Users whose portfolio ``user`` may see; None means everybody's."""
    if not user.is_authenticated or not user.is_active:
        return User.objects.none()
    if user.sees_everything:
        return None
    if user.role == Role.MANAGER:
        return User.objects.filter(Q(team__managers=user) | Q(pk=user.pk)).distinct()
    return User.objects.filter(pk=user.pk)


def customer_filter(user: User | AnonymousUser, prefix: str = "") -> Q:
    """A Q object over Customer (or over a model reaching Customer through ``prefix``)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    owners = owners_visible_to(user)  # type: ignore[arg-type]
    if owners is None:
        return Q()
    owner_ids = owners.values("pk")
    return Q(**{f"{prefix}owner__in": owner_ids}) | Q(**{f"{prefix}contracts__owner__in": owner_ids})


def contract_filter(user: User | AnonymousUser, prefix: str = "") -> Q:
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    owners = owners_visible_to(user)  # type: ignore[arg-type]
    if owners is None:
        return Q()
    owner_ids = owners.values("pk")
    return Q(**{f"{prefix}owner__in": owner_ids}) | Q(**{f"{prefix}customer__owner__in": owner_ids})


def visible_customers(user: User | AnonymousUser) -> QuerySet:
    from huikuan.ledger.models import Customer

    return Customer.objects.filter(pk__in=Customer.objects.filter(customer_filter(user)).values("pk"))


def visible_contracts(user: User | AnonymousUser) -> QuerySet:
    from huikuan.ledger.models import Contract

    return Contract.objects.filter(contract_filter(user))


def scope_queryset(queryset: QuerySet, user: User | AnonymousUser) -> QuerySet:
    """Narrow any ledger or collection queryset to what ``user`` may see.

    A model declares how it reaches its customer with ``access_customer_path`` (e.g. "contract__customer")
    or how it reaches its contract with ``access_contract_path``.
    """
    model = queryset.model
    if not user.is_authenticated or not user.is_active:
        return queryset.none()
    if getattr(user, "sees_everything", False):
        return queryset
    owner_path = getattr(model, "access_owner_path", None)
    if owner_path is not None:
        owners = owners_visible_to(user)  # type: ignore[arg-type]
        return (
            queryset.filter(**{f"{owner_path}__in": owners.values("pk")}) if owners is not None else queryset
        )
    contract_path = getattr(model, "access_contract_path", None)
    if contract_path is not None:
        path = f"{contract_path}__" if contract_path else ""
        return queryset.filter(pk__in=queryset.model.objects.filter(contract_filter(user, path)).values("pk"))
    customer_path = getattr(model, "access_customer_path", None)
    if customer_path is None:
        return queryset.none()
    path = f"{customer_path}__" if customer_path else ""
    return queryset.filter(pk__in=queryset.model.objects.filter(customer_filter(user, path)).values("pk"))
