"""Contester une facture: the customer says what is wrong (`disputes.open_dispute`); the operator's
team looks at it, and reminders about the invoice wait until they decide."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from telcobill.billing.models import DocumentKind
from telcobill.errors import Invalid, NotAllowed
from telcobill.payments.models import Dispute
from telcobill.payments.services import ledger
from telcobill.payments.services.disputes import open_dispute

from ..access import Space, customer_page
from .accounts import page
from .forms import DisputeForm


@customer_page
def dispute_invoice(request: HttpRequest, space: Space, number: str) -> HttpResponse:
    space.require("pay")
    invoice = space.invoice(number)
    if invoice.kind != DocumentKind.INVOICE:
        raise Http404("a credit note is not contested")
    pending = Dispute.objects.filter(invoice=invoice, outcome=Dispute.Outcome.OPEN).first()
    left = ledger.open_amount(invoice)
    form = DisputeForm(request.POST or None)
    if request.method == "POST" and not pending and left > 0 and form.is_valid():
        try:
            open_dispute(invoice, description=form.cleaned_data["description"], by=space.person)
        except Invalid:
            form.add_error("description", _("Dites-nous en quelques mots ce que vous contestez."))
        except NotAllowed:  # contested meanwhile
            pending = Dispute.objects.filter(invoice=invoice, outcome=Dispute.Outcome.OPEN).first()
        else:
            messages.success(request, _("Votre contestation de la facture %(number)s est enregistrée. Un conseiller "
                                        "l'examine et vous répond ; vous ne recevrez pas de relance d'ici là.")
                             % {"number": invoice.number})
            return redirect("portal:payments")
    return page(request, "dispute.html", space, {"invoice": invoice, "form": form, "pending": pending, "left": left})
