"""What the payments admin pages share: their look and their links."""

from __future__ import annotations

from telcobill.customers.admin.display import link

# The back office's additions to the admin's look, and the payments lists' own.
LOOK = {"all": ["backoffice/admin.css", "backoffice/payments.css"]}


def invoice_link(invoice) -> str:
    return link("admin:billing_invoice_change", invoice.pk, invoice.number)


def account_link(account) -> str:
    return link("admin:customers_billingaccount_change", account.pk, f"{account.number} {account.name}")


def may(request, codename: str) -> bool:
    """The user holds the payments permission `codename`."""
    return request.user.has_perm(f"payments.{codename}")
