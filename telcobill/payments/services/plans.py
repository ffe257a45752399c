"""Payment plans: an overdue amount split into monthly instalments.

A customer may set one up alone within the operator's limits (`PAYMENTS["plan_max_instalments"]`,
`["plan_min_instalment"]`, `["plan_max_amount"]`); staff may go beyond them. While a plan is kept,
dunning leaves its invoices alone. Instalments are not separate debts: what the plan's invoices
stopped owing since it was agreed (its total less what they still owe) counts, in order, against
the instalments (so a transfer, a card payment or a credit note all count). An instalment still
not covered `plan_grace_days` after its date breaks the plan and dunning resumes where it
stopped; a plan whose invoices are all paid is completed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from telcobill.billing.proration import add_months
from telcobill.customers.models import AuditEvent, BillingAccount, Person
from telcobill.errors import Invalid, NotAllowed
from telcobill.money import CENT

from ..models import Instalment, PaymentPlan, PlanStatus
from . import dunning, ledger


@dataclass(frozen=True)
class Limits:
    max_instalments: int
    min_instalment: Decimal
    max_amount: Decimal


def limits() -> Limits:
    config = settings.PAYMENTS
    return Limits(config["plan_max_instalments"], Decimal(config["plan_min_instalment"]),
                  Decimal(config["plan_max_amount"]))


def eligible(account: BillingAccount, on: date | None = None) -> tuple[list, Decimal]:
    """The account's overdue invoices a plan can cover (oldest first) and their open total."""
    on = on or timezone.localdate()
    rows = dunning.overdue_with_amounts(on, account)
    return [invoice for invoice, _ in rows], sum((left for _, left in rows), Decimal("0.00"))


def schedule(total: Decimal, count: int, first_on: date) -> list[tuple[date, Decimal]]:
    """`count` monthly instalments from `first_on`, equal to the cent; the cents left over go
    on the first one."""
    if count < 1:
        raise Invalid("instalments: at least 1", code="min_instalments")
    share = (total / count).quantize(CENT, ROUND_DOWN)
    amounts = [share] * count
    amounts[0] += total - share * count
    return [(add_months(first_on, index), amount) for index, amount in enumerate(amounts)]


def propose(account: BillingAccount, count: int, *, first_on: date | None = None, staff: bool = False,
            on: date | None = None) -> list[tuple[date, Decimal]]:
    """The instalments a plan would have (a preview for the customer space), or Invalid saying
    which limit it breaks."""
    return _proposal(account, count, first_on=first_on, staff=staff, on=on or timezone.localdate())[2]


def _proposal(account: BillingAccount, count: int, *, first_on: date | None, staff: bool,
              on: date) -> tuple[list, Decimal, list[tuple[date, Decimal]]]:
    """(the overdue invoices, their total, the instalments) within the limits."""
    if PaymentPlan.objects.filter(billing_account=account, status=PlanStatus.ACTIVE).exists():
        raise NotAllowed("this account already has a payment plan in progress", code="plan_in_progress")
    invoices, total = eligible(account, on)
    if not invoices:
        raise Invalid("nothing is overdue on this account: there is nothing to spread", code="nothing_overdue")
    first_on = first_on or on + timedelta(days=7)
    if first_on < on:
        raise Invalid(f"first instalment {first_on}: must not be in the past", code="first_on")
    plan = schedule(total, count, first_on)
    if not staff:
        bounds = limits()
        if count > bounds.max_instalments:
            raise Invalid(f"{count} instalments: at most {bounds.max_instalments}; contact us for more",
                          code="max_instalments")
        if total > bounds.max_amount:
            raise Invalid(f"{total} € overdue: a plan set up online covers at most {bounds.max_amount} €; "
                          f"contact us", code="max_amount")
        if min(amount for _, amount in plan) < bounds.min_instalment:
            raise Invalid(f"instalments of {min(a for _, a in plan)} €: each must be at least "
                          f"{bounds.min_instalment} €; choose fewer instalments", code="min_instalment")
        if first_on > on + timedelta(days=31):
            raise Invalid("the first instalment must fall within a month", code="first_on")
    return invoices, total, plan


def create_plan(account: BillingAccount, count: int, *, first_on: date | None = None, by: Person | None = None,
                channel: str = "web", staff: bool = False, on: date | None = None) -> PaymentPlan:
    """Set up a plan for the account's overdue invoices (one active plan per account)."""
    on = on or timezone.localdate()
    invoices, total, instalments = _proposal(account, count, first_on=first_on, staff=staff, on=on)
    try:
        with transaction.atomic():
            plan = PaymentPlan.objects.create(billing_account=account, total=total, created_by=by, channel=channel,
                                              created_at=ledger.moment(on))
            plan.invoices.set(invoices)
            Instalment.objects.bulk_create([Instalment(plan=plan, number=index, due_on=due_on, amount=amount)
                                            for index, (due_on, amount) in enumerate(instalments, start=1)])
            AuditEvent.objects.create(
                actor=by, kind="payments.plan_created", customer=account.customer,
                summary=f"Échéancier de {total} € en {count} fois ({channel}) : "
                        + ", ".join(i.number for i in invoices),
                data={"plan": plan.pk, "total": str(total), "instalments": count})
    except IntegrityError:
        raise NotAllowed("this account already has a payment plan in progress", code="plan_in_progress") from None
    return plan


@dataclass(frozen=True)
class InstalmentState:
    instalment: Instalment
    covered: Decimal  # how much of it is paid
    state: str  # "paid" | "partly" | "due" | "missed"


def progress(plan: PaymentPlan, on: date | None = None) -> tuple[Decimal, list[InstalmentState]]:
    """What was paid on the plan (its total less what its invoices still owe, by any means) and
    each instalment's state on `on`."""
    on = on or timezone.localdate()
    still_open = sum(ledger.open_amounts(plan.invoices.values_list("pk", flat=True)).values(), Decimal("0.00"))
    paid = max(plan.total - still_open, Decimal("0.00"))
    grace = timedelta(days=settings.PAYMENTS["plan_grace_days"])
    states, left = [], paid
    for instalment in plan.instalments.order_by("number"):
        covered = max(min(left, instalment.amount), Decimal("0.00"))
        left -= covered
        if covered == instalment.amount:
            state = "paid"
        elif instalment.due_on + grace < on:
            state = "missed"
        else:
            state = "partly" if covered else "due"
        states.append(InstalmentState(instalment, covered, state))
    return paid, states


def review_plans(on: date | None = None) -> tuple[list[int], list[int]]:
    """Complete the plans whose invoices are paid; break those with a missed instalment (their
    invoices go back to dunning). Returns (completed, broken) plan ids. Run daily before dunning."""
    on = on or timezone.localdate()
    completed, broken = [], []
    for plan in PaymentPlan.objects.filter(status=PlanStatus.ACTIVE).select_related("billing_account__customer"):
        invoices = list(plan.invoices.values_list("pk", flat=True))
        if all(left <= 0 for left in ledger.open_amounts(invoices).values()):
            status = PlanStatus.COMPLETED
            completed.append(plan.pk)
        elif any(s.state == "missed" for s in progress(plan, on)[1]):
            status = PlanStatus.BROKEN
            broken.append(plan.pk)
        else:
            continue
        PaymentPlan.objects.filter(pk=plan.pk).update(status=status, ended_at=timezone.now())
        AuditEvent.objects.create(kind=f"payments.plan_{status}", customer=plan.billing_account.customer,
                                  summary=f"Échéancier {plan.pk} : {PlanStatus(status).label}",
                                  data={"plan": plan.pk})
    return completed, broken


def cancel_plan(plan: PaymentPlan, *, by: Person, reason: str) -> None:
    if plan.status != PlanStatus.ACTIVE:
        raise NotAllowed(f"this plan is {plan.get_status_display().lower()}, not in progress")
    PaymentPlan.objects.filter(pk=plan.pk).update(status=PlanStatus.CANCELLED, ended_at=timezone.now())
    AuditEvent.objects.create(actor=by, kind="payments.plan_cancelled", customer=plan.billing_account.customer,
                              summary=f"Échéancier {plan.pk} annulé : {reason}"[:300], data={"plan": plan.pk})
