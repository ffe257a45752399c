"""What the payments admin pages share: their look, their links and the columns most of them show."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from telcobill.customers.admin.display import link

# The back office's additions to the admin's look, and the payments lists' own.
LOOK = {"all": ["backoffice/admin.css", "backoffice/payments.css"]}
ACCOUNT_PAGE = "admin:customers_billingaccount_change"


class PaymentsLook:
    """Mixed into each payments ModelAdmin: "—" for nothing, and the payments lists' look."""

    empty_value_display = "—"

    class Media:
        css = LOOK


def invoice_link(invoice) -> str:
    return link("admin:billing_invoice_change", invoice.pk, invoice.number)


def account_link(account) -> str:
    return link(ACCOUNT_PAGE, account.pk, f"{account.number} {account.name}")


def account_column(*, via: str = "", with_name: bool = True):
    """The "compte de facturation" column and field: the account's number (and name), linked to its
    page. `via="invoice"` for rows that reach the account through their invoice. Put it on the
    ModelAdmin as an attribute (`account = account_column()`), as `labelled` columns are."""
    path = f"{via}__billing_account" if via else "billing_account"

    @admin.display(description=_("compte de facturation"), ordering=f"{path}__number")
    def account(obj):
        account = (getattr(obj, via) if via else obj).billing_account
        return account_link(account) if with_name else link(ACCOUNT_PAGE, account.pk, account.number)

    return staticmethod(account)


def invoice_column():
    """The "facture" column and field: the invoice's number linked to its page, "—" for none."""

    @admin.display(description=_("facture"), ordering="invoice__number")
    def invoice(obj):
        return invoice_link(obj.invoice) if obj.invoice_id else "—"

    return staticmethod(invoice)


@admin.display(description=_("factures"))
def invoice_numbers(obj) -> str:
    """The numbers of the invoices a card payment or a payment plan is for, oldest first."""
    return ", ".join(obj.invoices.order_by("issue_date", "pk").values_list("number", flat=True)) or "—"


def may(request, codename: str) -> bool:
    """The user holds the payments permission `codename`."""
    return request.user.has_perm(f"payments.{codename}")
