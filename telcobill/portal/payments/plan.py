"""Payer en plusieurs fois: the overdue amount of a billing account spread into monthly
instalments within the operator's limits (`plans.propose` previews, `plans.create_plan` sets it
up, channel "web"); a plan in progress is shown with what is paid of each instalment."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from telcobill.errors import Invalid, NotAllowed
from telcobill.payments.models import PaymentPlan, PlanStatus
from telcobill.payments.services import plans

from ..access import Space, customer_page
from ..templatetags.portal import day, euros
from .accounts import account_of, page
from .words import plan_refusal


@customer_page
def payment_plan(request: HttpRequest, space: Space, account: str) -> HttpResponse:
    space.require("pay")
    account = account_of(space, account)
    today = timezone.localdate()
    business = space.customer.is_business
    current = PaymentPlan.objects.filter(billing_account=account, status=PlanStatus.ACTIVE).first()
    if current:
        paid, states = plans.progress(current, today)
        return page(request, "plan.html", space, {
            "account": account, "current": current, "paid": paid, "states": states,
            "next_due": next((s for s in states if s.state != "paid"), None)})

    invoices, total = plans.eligible(account, today)
    bounds = plans.limits()
    # The counts the operator's limits allow for this amount: only those are offered.
    choices, refusal = {}, None
    for count in range(2, bounds.max_instalments + 1):
        try:
            choices[count] = plans.propose(account, count, on=today)
        except (Invalid, NotAllowed) as error:
            refusal = refusal or error
    count = _count(request)
    error = ""
    if count and count not in choices:
        try:  # asked for a count the limits refuse (an old page, a hand-made address): say why
            plans.propose(account, count, on=today)
        except (Invalid, NotAllowed) as refused:
            error = plan_refusal(refused, business=business)
        count = None
    if request.method == "POST" and count:
        try:
            plan = plans.create_plan(account, count, by=space.person, channel="web", on=today)
        except (Invalid, NotAllowed) as refused:
            error = plan_refusal(refused, business=business)
        else:
            first = plan.instalments.order_by("number").first()
            messages.success(request, _("Votre échéancier est en place : %(count)d mensualités, la première de "
                                        "%(amount)s le %(on)s.") % {"count": count, "amount": euros(first.amount),
                                                                    "on": day(first.due_on)})
            return redirect("portal:payments")
    return page(request, "plan.html", space, {
        "account": account, "invoices": invoices, "total": total, "bounds": bounds,
        "choices": choices, "count": count, "schedule": choices.get(count), "error": error,
        "impossible": plan_refusal(refusal, business=business) if not choices and refusal else ""})


def _count(request: HttpRequest) -> int | None:
    value = request.POST.get("fois") or request.GET.get("fois") or ""
    return int(value) if value.isdigit() else None
