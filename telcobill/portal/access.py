"""Who sees what in the customer space: the customer a person manages now, their role on it,
and every query of the pages scoped by it.

A person may have access to several customers (a manager of two companies, someone who is also
the holder of a family contract); they choose one, kept in the session. Everything a page reads
goes through `Space`: an object outside it answers 404 (a stranger's identifiers reveal nothing),
an action the role does not allow answers 403 with the reason.

Roles (ARCHITECTURE.md): the holder does everything; a manager handles lines, plans, options and
support, not bank details nor people; an accountant reads invoices and payments and exports, and
changes nothing; a line user sees their own line's consumption only.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.utils import timezone

from telcobill.billing.models import Invoice, InvoiceStatus
from telcobill.billing.proration import add_months
from telcobill.customers.models import Access, BillingAccount, Customer, Line, Person, Role

SESSION_KEY = "portal_customer"

# What each role may do, beyond reading what it sees.
ACTIONS = {
    "see_invoices": {Role.HOLDER, Role.MANAGER, Role.ACCOUNTANT},
    "pay": {Role.HOLDER, Role.MANAGER, Role.ACCOUNTANT},
    "bank_details": {Role.HOLDER},
    "people": {Role.HOLDER},
    "account": {Role.HOLDER},
    "see_lines": {Role.HOLDER, Role.MANAGER, Role.ACCOUNTANT},
    "lines": {Role.HOLDER, Role.MANAGER},
    "support": {Role.HOLDER, Role.MANAGER, Role.ACCOUNTANT, Role.LINE_USER},
}

# How far back invoices are listed (the archive keeps 10 years; RULES.md, UX).
VISIBLE_MONTHS = {"individual": 24, "business": 72}


@dataclass(frozen=True)
class Space:
    person: Person
    customer: Customer
    role: str
    line_id: int | None  # a line user's line

    @property
    def role_label(self) -> str:
        return Role(self.role).label

    @property
    def allows(self) -> dict[str, bool]:
        """What the role may do, for templates: `{% if space.allows.bank_details %}`."""
        return {action: self.role in roles for action, roles in ACTIONS.items()}

    def can(self, action: str) -> bool:
        return self.role in ACTIONS[action]

    def require(self, action: str) -> None:
        if not self.can(action):
            raise PermissionDenied(action)

    def accounts(self) -> QuerySet[BillingAccount]:
        accounts = BillingAccount.objects.filter(customer=self.customer)
        if self.role == Role.LINE_USER:
            return accounts.filter(lines__pk=self.line_id)
        return accounts

    def lines(self) -> QuerySet[Line]:
        lines = Line.objects.filter(billing_account__customer=self.customer)
        return lines.filter(pk=self.line_id) if self.role == Role.LINE_USER else lines

    def line(self, pk: int) -> Line:
        line = self.lines().filter(pk=pk).first()
        if line is None:
            raise Http404("no such line")
        return line

    @property
    def oldest_visible(self) -> date:
        return add_months(timezone.localdate(), -VISIBLE_MONTHS[self.customer.kind]).replace(day=1)

    def invoices(self) -> QuerySet[Invoice]:
        """Issued invoices and credit notes of the visible period (none for a line user)."""
        if not self.can("see_invoices"):
            return Invoice.objects.none()
        return Invoice.objects.filter(billing_account__customer=self.customer, status=InvoiceStatus.ISSUED,
                                      issue_date__gte=self.oldest_visible)

    def invoice(self, number: str) -> Invoice:
        invoice = self.invoices().filter(number=number).select_related("billing_account").first()
        if invoice is None:
            raise Http404("no such invoice")
        return invoice


def accesses(person: Person) -> QuerySet[Access]:
    return person.accesses.select_related("customer").order_by("customer__name")


def current_space(request: HttpRequest) -> Space | None:
    """The space of the customer chosen in this session (or the only one), None to choose."""
    rows = list(accesses(request.user))
    chosen = request.session.get(SESSION_KEY)
    access = next((a for a in rows if a.customer_id == chosen), None)
    if access is None and len(rows) == 1:
        access = rows[0]
    if access is None:
        return None
    return Space(person=request.user, customer=access.customer, role=access.role, line_id=access.line_id)


def space_for(person: Person, customer_number: str | None = None) -> Space | None:
    """The space of `person` on the customer numbered so (or their only one): the API's way."""
    rows = list(accesses(person))
    if customer_number:
        rows = [a for a in rows if a.customer.number == customer_number]
    if len(rows) != 1:
        return None
    access = rows[0]
    return Space(person=person, customer=access.customer, role=access.role, line_id=access.line_id)


def customer_page(view):
    """A customer-space page: signed in, not staff, a customer chosen; the view gets `space`."""

    @wraps(view)
    def page(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if request.user.is_staff:
            return redirect("admin:index")
        space = current_space(request)
        if space is None:
            return redirect("portal:choose")
        request.space = space
        return view(request, space, *args, **kwargs)

    return page
