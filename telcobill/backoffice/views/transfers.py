"""Assign a transfer that named no single invoice: to a billing account, paying the invoices
staff name (in order) or the oldest open ones; what is left is credit on the account."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from telcobill.billing.models import DocumentKind, Invoice, InvoiceStatus
from telcobill.billing.services.numbering import invoice_number_pattern
from telcobill.customers.models import BillingAccount
from telcobill.errors import TelcobillError
from telcobill.payments.models import Transfer, TransferStatus
from telcobill.payments.services import ledger
from telcobill.payments.services.staff import assign_transfer

from ..access import frame, staff_page
from ..forms import AssignTransferForm
from ..templatetags.backoffice import euros

QUEUE = "admin:payments_transfer_changelist"


def open_invoices(account: BillingAccount) -> list[dict]:
    """The account's issued invoices with something still to pay, oldest first."""
    invoices = list(Invoice.objects.filter(billing_account=account, kind=DocumentKind.INVOICE,
                                           status=InvoiceStatus.ISSUED).order_by("issue_date", "pk"))
    left = ledger.open_amounts([i.pk for i in invoices])
    return [{"invoice": i, "open": left[i.pk]} for i in invoices if left.get(i.pk, 0) > 0]


def suggestion(transfer: Transfer) -> dict:
    """What the reference names, when its invoices are all of one account: a starting point that
    staff confirm, never applied by itself."""
    numbers = list(dict.fromkeys(invoice_number_pattern().findall(transfer.reference)))
    issued = Invoice.objects.filter(number__in=numbers, kind=DocumentKind.INVOICE, status=InvoiceStatus.ISSUED)
    account_of = dict(issued.values_list("number", "billing_account__number"))
    accounts = set(account_of.values())
    if len(accounts) != 1:
        return {}
    return {"account_number": accounts.pop(), "invoice_numbers": " ".join(n for n in numbers if n in account_of)}


@staff_page("payments.change_transfer")
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = get_object_or_404(Transfer.objects.select_related("bank_file"), pk=pk)
    queue = reverse(QUEUE) + "?" + urlencode({"status__exact": TransferStatus.UNMATCHED})
    if transfer.status != TransferStatus.UNMATCHED:
        messages.info(request, _("Ce virement est déjà rapproché."))
        return redirect("admin:payments_transfer_change", transfer.pk)
    form = AssignTransferForm(request.POST or None, initial=suggestion(transfer))
    preview = "preview" in request.POST
    if request.method == "POST" and not preview and form.is_valid():
        account, invoices = form.cleaned_data["account"], form.cleaned_data["invoices"]
        try:
            assign_transfer(transfer, account=account, invoices=invoices, by=request.user)
        except TelcobillError as exc:
            form.add_error(None, exc.message)
        else:
            paid = " : " + ", ".join(i.number for i in invoices) if invoices else ""
            messages.success(request, _("Virement de %(amount)s affecté au compte %(account)s%(paid)s. Solde du "
                                        "compte : %(balance)s.")
                             % {"amount": euros(transfer.amount), "account": account.number, "paid": paid,
                                "balance": euros(ledger.balance(account).balance)})
            return redirect(queue)
    account = _account(form)
    context = frame(
        request, _("Affecter un virement"), transfer=transfer, form=form, account=account,
        invoices=open_invoices(account) if account else [], balance=ledger.balance(account) if account else None,
        queue_url=queue, search_url=reverse("admin:customers_billingaccount_changelist") + "?" + urlencode(
            {"q": transfer.debtor}))
    return render(request, "backoffice/transfer_assign.html", context, status=400 if form.errors else 200)


def _account(form: AssignTransferForm) -> BillingAccount | None:
    """The account typed (once it is known), or the one the reference suggests."""
    if form.is_bound:
        form.is_valid()
        return form.cleaned_data.get("account")
    number = form.initial.get("account_number")
    return BillingAccount.objects.filter(number=number).first() if number else None
