"""How an account receives its invoices: e-facture (an e-mail at each new invoice, its PDF attached
on request) or paper, and the language of its documents and e-mails."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from telcobill.errors import Invalid

from ..models import AuditEvent, BillingAccount, Person

FIELDS = ("paperless", "paperless_pdf", "language")


def change_invoice_preferences(account: BillingAccount, *, by: Person | None, paperless: bool, with_pdf: bool,
                               language: str) -> BillingAccount:
    """Save the preferences (the PDF is attached only to e-factures) and audit what changed. An
    e-facture needs a billing e-mail to go to (Invalid, code "paperless")."""
    if language not in dict(settings.LANGUAGES):
        raise Invalid(_("Choisissez le français ou l'anglais."), code="language")
    with transaction.atomic():
        account = BillingAccount.objects.select_for_update().select_related("customer").get(pk=account.pk)
        if paperless and not account.email:
            raise Invalid(_("Ajoutez d'abord une adresse e-mail de facturation : c'est là que nous envoyons "
                            "vos factures."), code="paperless")
        new = {"paperless": paperless, "paperless_pdf": paperless and with_pdf, "language": language}
        before = {field: getattr(account, field) for field in FIELDS}
        if new == before:
            return account
        for field, value in new.items():
            setattr(account, field, value)
        account.save(update_fields=list(FIELDS))
        words = "e-facture" + (" avec PDF" if new["paperless_pdf"] else "") if paperless else "facture papier"
        AuditEvent.objects.create(
            actor=by, kind="customers.invoice_preferences_changed", customer=account.customer,
            summary=f"Compte {account.number} : {words}, documents en {language}",
            data={"account": account.number, "before": before, "after": new})
    return account
