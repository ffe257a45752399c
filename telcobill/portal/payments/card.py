"""Payer par carte: what is overdue on a billing account (or one invoice), confirmed, then the
provider's hosted page (`pay_invoices_by_card`). Its answer comes back by webhook; the customer
comes back to /factures/?carte=payee (or =abandon)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from telcobill.errors import Invalid, NotAllowed
from telcobill.money import ZERO
from telcobill.payments.models import PaymentPlan, PlanStatus
from telcobill.payments.services import dunning, ledger, plans
from telcobill.payments.services.card_provider import ProviderFailure
from telcobill.payments.services.cards import cards_available, pay_invoices_by_card

from ..access import Space, customer_page
from ..invoices.status import statuses
from .accounts import account_of, page, transfer_details

# An invoice a customer may pay by card now: owed, and no debit on its way.
PAYABLE = ("late", "rejected", "due")


@customer_page
def pay_by_card(request: HttpRequest, space: Space, account: str) -> HttpResponse:
    space.require("pay")
    account = account_of(space, account)
    number = request.POST.get("facture") or request.GET.get("facture") or ""
    asked = request.POST.get("echeance") or request.GET.get("echeance") or ""
    instalment = _instalment(account, asked) if asked else None
    rows = instalment["rows"] if instalment else _to_pay(space, account, number)
    total = instalment["left"] if instalment else sum((left for _, left in rows), ZERO)
    context = {"account": account, "rows": rows, "total": total, "number": number, "instalment": instalment,
               "business": space.customer.is_business, "available": cards_available(), "failure": ""}
    if request.method == "POST" and rows and total > 0 and context["available"]:
        try:
            payment = pay_invoices_by_card(account, invoices=[invoice for invoice, _ in rows], by=space.person,
                                           amount=total)
        except ProviderFailure:
            context["failure"] = _("La page de paiement n'a pas pu s'ouvrir. Réessayez dans quelques minutes, ou "
                                   "payez par virement.")
        except NotAllowed:  # cards switched off meanwhile
            context["available"] = False
        except Invalid:  # paid meanwhile
            messages.info(request, _("Tout est déjà réglé : il n'y a plus rien à payer."))
            return redirect("portal:payments")
        else:
            return redirect(payment.url)
    if not context["available"]:
        context["operator"] = transfer_details()
    return page(request, "card.html", space, context)


def _to_pay(space: Space, account, number: str) -> list[tuple]:
    """(invoice, what it still owes): the one asked for if it can be paid now, else the account's
    overdue invoices (those the dunning would chase: no debit, dispute or plan waiting)."""
    today = timezone.localdate()
    if number:
        invoice = space.invoice(number)
        if invoice.billing_account_id != account.pk:
            raise Http404("not this account's invoice")
        status = statuses([invoice], today)[invoice.pk]
        return [(invoice, status.left)] if status.code in PAYABLE else []
    return dunning.overdue_with_amounts(today, account)


def _instalment(account, asked: str) -> dict:
    """An instalment of the account's plan in progress: what is left of it, paid on the plan's
    invoices (oldest first, as the plan counts it)."""
    plan = PaymentPlan.objects.filter(billing_account=account, status=PlanStatus.ACTIVE).first()
    _, states = plans.progress(plan, timezone.localdate()) if plan else (None, [])
    state = next((s for s in states if str(s.instalment.number) == asked), None)
    if state is None:
        raise Http404("no such instalment")
    invoices = list(plan.invoices.order_by("issue_date", "number"))
    left = ledger.open_amounts([i.pk for i in invoices])
    rows = [(i, left[i.pk]) for i in invoices if left.get(i.pk, 0) > 0]
    return {"number": state.instalment.number, "of": len(states), "due_on": state.instalment.due_on, "rows": rows,
            # never more than the invoices still owe (a credit note may have paid part of the plan)
            "left": min(state.instalment.amount - state.covered, sum((a for _, a in rows), ZERO))}
