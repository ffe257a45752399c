"""Close a dispute: the invoice is due after all, the customer was right (a credit note), or what
is left is written off."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from telcobill.errors import TelcobillError
from telcobill.payments.models import Dispute
from telcobill.payments.services import ledger
from telcobill.payments.services.staff import close_dispute

from ..access import frame, staff_page
from ..forms import CloseDisputeForm


@staff_page("payments.change_dispute")
def close(request: HttpRequest, pk: int) -> HttpResponse:
    dispute = get_object_or_404(Dispute.objects.select_related("invoice__billing_account"), pk=pk)
    if dispute.outcome:
        messages.info(request, _("Cette contestation est déjà close : %(outcome)s.")
                      % {"outcome": dispute.get_outcome_display()})
        return redirect("admin:payments_dispute_change", dispute.pk)
    form = CloseDisputeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = form.cleaned_data["outcome"]
        try:
            close_dispute(dispute, outcome=outcome, by=request.user, note=form.cleaned_data["note"])
        except TelcobillError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Contestation de la facture %(invoice)s close : %(outcome)s.")
                             % {"invoice": dispute.invoice.number, "outcome": Dispute.Outcome(outcome).label})
            return redirect("admin:payments_dispute_changelist")
    context = frame(request, _("Clore la contestation de la facture %(number)s") % {"number": dispute.invoice.number},
                    dispute=dispute, form=form, open_amount=ledger.open_amount(dispute.invoice),
                    invoice_url=reverse("admin:billing_invoice_change", args=[dispute.invoice_id]))
    return render(request, "backoffice/dispute_close.html", context, status=400 if form.errors else 200)
