"""How a billing account pays its next invoices: direct debit, card or transfer.

The method is what the next invoices print (means 59, 48 or 58) and what decides whether they
are debited (`collections.plan_collections`) or charged to the saved card
(`cards.charge_saved_card_for`). It changes when the customer completes a new way to pay: a
mandate confirmed with its code (`mandates.confirm_mandate_change`), a card saved on the
provider's page (`card_events`). Invoices already issued keep what they print.
"""

from __future__ import annotations

from django.db import transaction

from telcobill.customers.models import AuditEvent, BillingAccount, PaymentMethod, Person


def use_payment_method(account: BillingAccount, method: str, *, by: Person | None = None) -> bool:
    """Make `method` the account's way of paying its next invoices, audited; False (and nothing
    recorded) when it already was."""
    method = PaymentMethod(method)
    with transaction.atomic():
        previous = (BillingAccount.objects.select_for_update().filter(pk=account.pk)
                    .values_list("payment_method", flat=True).get())
        if previous == method:
            return False
        BillingAccount.objects.filter(pk=account.pk).update(payment_method=method)
        AuditEvent.objects.create(
            actor=by, kind="payments.payment_method_changed", customer=account.customer,
            summary=f"Mode de paiement du compte {account.number} : {PaymentMethod(previous).label} → {method.label}",
            data={"account": account.number, "from": previous, "to": method.value})
    account.payment_method = method
    return True
