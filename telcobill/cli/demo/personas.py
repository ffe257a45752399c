"""Whom the demo shows: the customers behind the logins `make demo` prints, chosen from the built
data the same way by the build (its support story, its line user) and by the printed logins."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Count, F, Min

from telcobill.customers.models import Access, Customer, CustomerKind, LineStatus, Role


def showcase_business() -> Customer | None:
    """The business the demo shows: about 20 lines (15 to 25) and the longest history (invoices,
    consumption and plan advice to show), else the one whose line count is closest to 20."""
    counts = (Customer.objects.filter(kind=CustomerKind.BUSINESS)
              .annotate(n=Count("billing_accounts__lines"), first=Min("billing_accounts__lines__activated_on"))
              .values_list("pk", "n", "first").order_by("pk"))
    best = min(counts, key=lambda row: (abs(row[1] - 20) > 5, row[2] or date.max, abs(row[1] - 20), row[0]),
               default=None)
    return Customer.objects.get(pk=best[0]) if best else None


def _serving():
    """Individual holders with a line in service."""
    return Access.objects.filter(role=Role.HOLDER, customer__kind=CustomerKind.INDIVIDUAL,
                                 customer__billing_accounts__lines__status=LineStatus.ACTIVE).distinct()


def individual_holder() -> Access | None:
    """An individual who signs in with an e-mail address, with a line in service; first those
    whose line has a plan advice worth showing (a long enough history on one plan)."""
    serving = _serving().filter(person__email__isnull=False).select_related("person", "customer")
    advised = serving.filter(customer__billing_accounts__lines__plan_advice__best_total__lt=F(
        "customer__billing_accounts__lines__plan_advice__current_total") - Decimal("12.00"))
    return advised.order_by("customer__number").first() or serving.order_by("customer__number").first()


def mobile_holder() -> Access | None:
    """An individual who has only a mobile number to sign in with, with a line in service."""
    return _serving().filter(person__email__isnull=True).select_related("person").order_by("customer__number").first()
