"""Refund a billing account's credit to the customer, by SEPA credit transfer or on a card payment."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from telcobill.customers.models import BillingAccount
from telcobill.errors import TelcobillError
from telcobill.formats import iban_masked
from telcobill.payments.models import CardPayment, CardPaymentStatus, Mandate, MandateStatus, Method
from telcobill.payments.services import ledger
from telcobill.payments.services.refunds import refund, refundable

from ..access import frame, staff_page
from ..forms import RefundForm
from ..templatetags.backoffice import euros


@staff_page("payments.add_refund")
def refund_account(request: HttpRequest, number: str) -> HttpResponse:
    account = get_object_or_404(BillingAccount.objects.select_related("customer"), number=number)
    balance = ledger.balance(account)
    mandate = Mandate.objects.filter(billing_account=account, status=MandateStatus.ACTIVE).first()
    mandate_iban = iban_masked(mandate.iban) if mandate else ""
    form = RefundForm(request.POST or None, credit=balance.credit, mandate_iban=mandate_iban)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = refund(account, amount=data["amount"], method=data["method"], reason=data["reason"],
                          by=request.user, iban=data["iban"], holder=data["holder"])
        except TelcobillError as exc:
            form.add_error(None, exc.message)
        else:
            if done.method == Method.TRANSFER:
                what = _("par virement sur %(iban)s : il part avec la prochaine remise pain.001") % {
                    "iban": iban_masked(done.iban)}
            else:
                what = _("sur la carte du paiement %(ref)s") % {"ref": done.card_payment.provider_ref}
            messages.success(request, _("Remboursement %(ref)s de %(amount)s %(what)s.")
                             % {"ref": done.end_to_end_id, "amount": euros(done.amount), "what": what})
            return redirect("admin:payments_refund_change", done.pk)
    cards = [{"payment": p, "refundable": refundable(p)} for p in CardPayment.objects.filter(
        billing_account=account, status=CardPaymentStatus.PAID).order_by("-paid_at")[:10]]
    context = frame(request, _("Rembourser le compte %(number)s") % {"number": account.number},
                    account=account, balance=balance, mandate=mandate, form=form, cards=cards,
                    account_url=reverse("admin:customers_billingaccount_change", args=[account.pk]),
                    mandate_iban=mandate_iban)
    return render(request, "backoffice/refund.html", context, status=400 if form.errors else 200)
