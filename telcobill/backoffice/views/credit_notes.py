"""Issue a credit note for an invoice: the whole of it, chosen lines, or an amount incl. VAT."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from telcobill.billing.services.credit_notes import credited_so_far, find_issued_invoice
from telcobill.errors import NotFound, TelcobillError
from telcobill.money import incl_vat
from telcobill.workflows.credit_note import credit_invoice

from ..access import frame, staff_page
from ..forms import CreditNoteForm
from ..templatetags.backoffice import euros


@staff_page("billing.add_invoice")
def credit_note(request: HttpRequest, number: str) -> HttpResponse:
    try:
        invoice = find_issued_invoice(number)
    except NotFound as exc:
        raise Http404(exc.message) from None
    lines = list(invoice.lines.order_by("position"))
    form = CreditNoteForm(request.POST or None, lines=lines)
    if request.method == "POST" and form.is_valid():
        try:
            note = credit_invoice(number, reason=form.cleaned_data["reason"], by=request.user,
                                  **form.use_case_arguments())
        except TelcobillError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Avoir %(note)s émis pour la facture %(invoice)s : %(amount)s TTC.")
                             % {"note": note.number, "invoice": number, "amount": euros(note.total_gross)})
            return redirect("admin:billing_invoice_change", note.pk)
    credited = credited_so_far(invoice)
    rows = [{"line": ln, "incl_vat": incl_vat(ln.net_amount, ln.vat_rate)} for ln in lines]
    context = frame(request, _("Émettre un avoir sur la facture %(number)s") % {"number": number},
                    invoice=invoice, rows=rows, form=form, credited=credited,
                    remaining=invoice.total_gross - credited,
                    invoice_url=reverse("admin:billing_invoice_change", args=[invoice.pk]))
    return render(request, "backoffice/credit_note.html", context, status=400 if form.errors else 200)
