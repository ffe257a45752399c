"""What happens to a line over its life: activation, plan and option changes, suspension,
termination. Each change is recorded, billed by the next bill run (proration from the facts),
and sent to the network as a provisioning order once committed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from telcobill.billing.early_termination import early_termination_fee
from telcobill.billing.models import Charge, Section
from telcobill.billing.proration import add_months, next_month
from telcobill.catalogue.models import CataloguePolicy, Product, ProductKind, Segment, Subscription
from telcobill.catalogue.snapshot import load_snapshot
from telcobill.customers.identifiers import clean_msisdn
from telcobill.customers.models import (
    AuditEvent,
    BillingAccount,
    Line,
    LineStatus,
    Person,
    ProvisioningAction,
    ProvisioningOrder,
)
from telcobill.errors import Invalid, NotAllowed, NotFound

from .provisioning import deliver_after_commit

SIM_FEE = "carte_sim"
EARLY_TERMINATION_FEE = "frais_resiliation_anticipee"


def _policy() -> CataloguePolicy:
    return CataloguePolicy.objects.first() or CataloguePolicy()


def _product(code: str, kind: str) -> Product:
    product = Product.objects.filter(code=code, kind=kind).first()
    if product is None:
        raise NotFound(f"no {kind} {code!r} in the catalogue")
    if product.retired:
        raise NotAllowed(f"{kind} {code} is no longer sold", code="retired")
    return product


def _order(line: Line, action: str, on: date, by: Person | None, **payload) -> ProvisioningOrder:
    order = ProvisioningOrder.objects.create(line=line, action=action, effective_on=on, created_by=by,
                                             payload={"msisdn": line.msisdn, **payload})
    deliver_after_commit(order)
    return order


def _current_plan(line: Line, on: date) -> Subscription | None:
    return (Subscription.objects.filter(line=line, product__kind=ProductKind.PLAN, starts_on__lte=on)
            .exclude(ends_on__lte=on).select_related("product").order_by("-starts_on").first())


@transaction.atomic
def activate_line(*, account: BillingAccount, msisdn: str, plan_code: str, on: date, label: str = "",
                  cost_centre: str = "", sim_fee: str | None = SIM_FEE, by: Person | None = None) -> Line:
    """A new line on `account`, with its plan from `on` (and the SIM card fee, if any)."""
    plan = _product(plan_code, ProductKind.PLAN)
    msisdn = clean_msisdn(msisdn)
    if Line.objects.filter(msisdn=msisdn).exclude(status=LineStatus.TERMINATED).exists():
        raise NotAllowed(f"{msisdn} is already in service", code="msisdn_in_use")
    commitment_end = add_months(on, plan.commitment_months) if plan.commitment_months else None
    line = Line.objects.create(billing_account=account, msisdn=msisdn, label=label, cost_centre=cost_centre,
                               status=LineStatus.ACTIVE, activated_on=on, commitment_end=commitment_end)
    Subscription.objects.create(line=line, product=plan, starts_on=on)
    if sim_fee and Product.objects.filter(code=sim_fee).exists():
        Charge.objects.create(billing_account=account, line=line, product=Product.objects.get(code=sim_fee),
                              section=Section.ONE_OFF, description="", charged_on=on, created_by=by)
    return line


@dataclass(frozen=True)
class PlanChange:
    """What a plan change would do, decided before anything is written (the page's preview and
    the change itself read the same answer)."""

    current: Subscription | None
    plan: Product
    effective_on: date
    commitment_end: date | None  # the line's commitment end once changed


def _changeable(line: Line) -> None:
    if line.status == LineStatus.TERMINATED:
        raise NotAllowed(f"line {line.msisdn} is terminated", code="terminated")


def _sold_to(product: Product, line: Line) -> None:
    """A product of one segment is sold to that segment's customers only (catalogue `segment`)."""
    kind = line.billing_account.customer.kind
    if product.segment not in (Segment.ALL, kind):
        raise NotAllowed(f"{product.kind} {product.code} is sold to {product.segment} customers only",
                         code="segment")


def check_plan_change(*, line: Line, plan_code: str, requested_on: date) -> PlanChange:
    """Refuse a change the catalogue does not allow; otherwise say when it takes effect: an
    upgrade (higher tier) on the day by default, a downgrade on the first day of the next cycle."""
    new_plan = _product(plan_code, ProductKind.PLAN)
    _changeable(line)
    _sold_to(new_plan, line)
    current = _current_plan(line, requested_on)
    if current and current.product_id == new_plan.pk:
        raise Invalid(f"line {line.msisdn} already has plan {plan_code}", code="same_plan")
    policy = _policy()
    upgrade = current is None or new_plan.tier > current.product.tier
    rule = policy.upgrade if upgrade else policy.downgrade
    effective = requested_on if rule == "immediate" else next_month(requested_on)
    commitment_end = line.commitment_end
    if new_plan.commitment_months and (commitment_end is None or commitment_end < effective):
        commitment_end = add_months(effective, new_plan.commitment_months)
    return PlanChange(current, new_plan, effective, commitment_end)


@transaction.atomic
def change_plan(*, line: Line, plan_code: str, requested_on: date, by: Person | None = None) -> date:
    """Move the line to another plan under the catalogue's policy (`check_plan_change`). Returns
    the date it takes effect; the next bill run prorates both plans by day."""
    change = check_plan_change(line=line, plan_code=plan_code, requested_on=requested_on)
    effective = change.effective_on
    Subscription.objects.filter(line=line, product__kind=ProductKind.PLAN, starts_on__gte=effective).delete()
    if change.current:
        change.current.ends_on = effective
        change.current.save(update_fields=["ends_on"])
    Subscription.objects.create(line=line, product=change.plan, starts_on=effective)
    if change.commitment_end != line.commitment_end:
        line.commitment_end = change.commitment_end
        line.save(update_fields=["commitment_end"])
    _order(line, ProvisioningAction.CHANGE_PLAN, effective, by, plan=plan_code)
    return effective


def check_add_option(*, line: Line, option_code: str, on: date) -> Product:
    """The option, if the line may take it on `on` (segment, compatible plan, not there yet)."""
    option = _product(option_code, ProductKind.OPTION)
    _changeable(line)
    _sold_to(option, line)
    plan = _current_plan(line, on)
    if option.compatible_plans and (plan is None or plan.product.code not in option.compatible_plans):
        raise NotAllowed(f"option {option_code} cannot be added to plan {plan.product.code if plan else '-'}",
                         code="incompatible_option")
    if Subscription.objects.filter(line=line, product=option, starts_on__lte=on).exclude(ends_on__lte=on).exists():
        raise Invalid(f"line {line.msisdn} already has option {option_code}", code="option_present")
    return option


@transaction.atomic
def add_option(*, line: Line, option_code: str, on: date, by: Person | None = None) -> Subscription:
    option = check_add_option(line=line, option_code=option_code, on=on)
    subscription = Subscription.objects.create(line=line, product=option, starts_on=on)
    _order(line, ProvisioningAction.CHANGE_PLAN, on, by, add_option=option_code)
    return subscription


def check_remove_option(*, line: Line, option_code: str, on: date) -> Subscription:
    """The line's subscription to the option in force on `on`, or NotFound."""
    _changeable(line)
    subscription = (Subscription.objects.filter(line=line, product__code=option_code,
                                                product__kind=ProductKind.OPTION, starts_on__lte=on)
                    .exclude(ends_on__lte=on).first())
    if subscription is None:
        raise NotFound(f"line {line.msisdn} has no option {option_code} on {on}", code="no_option")
    return subscription


@transaction.atomic
def remove_option(*, line: Line, option_code: str, on: date, by: Person | None = None) -> None:
    """The option stops at the end of `on` - 1: billed up to the day before."""
    subscription = check_remove_option(line=line, option_code=option_code, on=on)
    subscription.ends_on = on
    subscription.save(update_fields=["ends_on"])
    _order(line, ProvisioningAction.CHANGE_PLAN, on, by, remove_option=option_code)


@transaction.atomic
def suspend_line(*, line: Line, on: date, reason: str, by: Person | None = None) -> ProvisioningOrder:
    """Suspend a line (lost or stolen SIM, unpaid): the network bars it; the plan stays billed."""
    if line.status != LineStatus.ACTIVE:
        raise NotAllowed(f"line {line.msisdn} is {line.get_status_display().lower()}, not active")
    line.status = LineStatus.SUSPENDED
    line.save(update_fields=["status"])
    AuditEvent.objects.create(actor=by, kind="line.suspended", customer=line.billing_account.customer,
                              summary=f"{line.msisdn} suspended: {reason}", data={"reason": reason})
    return _order(line, ProvisioningAction.SUSPEND, on, by, reason=reason)


@transaction.atomic
def terminate_line(*, line: Line, last_day: date, reason: str, by: Person | None = None) -> Charge | None:
    """End the line's service after `last_day`: subscriptions stop, fees billed in advance beyond
    it are credited by the next bill run, and inside a commitment the early-termination fee
    (catalogue policy) is charged. Returns that charge, if any."""
    if line.status == LineStatus.TERMINATED:
        raise NotAllowed(f"line {line.msisdn} is already terminated")
    plan = _current_plan(line, last_day)
    end = last_day + timedelta(days=1)
    for subscription in Subscription.objects.filter(line=line).exclude(ends_on__lte=end):
        subscription.ends_on = max(end, subscription.starts_on)
        subscription.save(update_fields=["ends_on"])
    line.status, line.terminated_on = LineStatus.TERMINATED, last_day
    line.save(update_fields=["status", "terminated_on"])
    charge = None
    if plan and line.commitment_end:
        price = load_snapshot().product(plan.product.code).price_on(last_day)
        fee = early_termination_fee(monthly_price=price.amount, activated_on=line.activated_on,
                                    commitment_end=line.commitment_end, terminated_on=last_day,
                                    policy=_policy().early_termination_fee,
                                    consumer=not line.billing_account.customer.is_business)
        if fee > 0:
            fee_product = Product.objects.filter(code=EARLY_TERMINATION_FEE).first()
            charge = Charge.objects.create(
                billing_account=line.billing_account, line=line, product=fee_product, section=Section.ONE_OFF,
                description=f"Frais de résiliation anticipée (fin d'engagement le {line.commitment_end:%d/%m/%Y})",
                charged_on=last_day, unit_price=fee, includes_vat=price.includes_vat,
                vat_rule_code=plan.product.vat_rule.code, created_by=by)
    AuditEvent.objects.create(actor=by, kind="line.terminated", customer=line.billing_account.customer,
                              summary=f"{line.msisdn} terminated after {last_day}: {reason}",
                              data={"reason": reason, "last_day": last_day.isoformat()})
    _order(line, ProvisioningAction.TERMINATE, end, by, reason=reason)
    return charge


@transaction.atomic
def set_roaming_cap(*, line: Line, opt_out: bool, on: date, by: Person | None = None) -> ProvisioningOrder | None:
    """The customer keeps (or lifts) the EUR 50 data spend cap outside the EU (RULES.md): recorded
    on the line, audited, and sent to the network, which enforces it. Nothing when unchanged."""
    line = Line.objects.select_for_update().get(pk=line.pk)
    if line.roaming_cap_opt_out == opt_out:
        return None
    line.roaming_cap_opt_out = opt_out
    line.save(update_fields=["roaming_cap_opt_out"])
    what = "lifted" if opt_out else "restored"
    AuditEvent.objects.create(actor=by, kind="line.roaming_cap", customer=line.billing_account.customer,
                              summary=f"{line.msisdn}: roaming data cap {what}", data={"opt_out": opt_out})
    return _order(line, ProvisioningAction.ROAMING_CAP, on, by, cap="none" if opt_out else "default")


@transaction.atomic
def set_line_details(*, line: Line, label: str, cost_centre: str, by: Person | None = None) -> Line:
    """The line's label (its user's name, "Standard") and the cost centre a business files it
    under: recorded and audited. Nothing when unchanged."""
    label, cost_centre = " ".join(label.split()), " ".join(cost_centre.split())
    if len(label) > Line._meta.get_field("label").max_length:
        raise Invalid(f"label {label!r} is too long", code="label_too_long")
    if len(cost_centre) > Line._meta.get_field("cost_centre").max_length:
        raise Invalid(f"cost centre {cost_centre!r} is too long", code="cost_centre_too_long")
    line = Line.objects.select_for_update().get(pk=line.pk)
    before = {"label": line.label, "cost_centre": line.cost_centre}
    after = {"label": label, "cost_centre": cost_centre}
    if before == after:
        return line
    line.label, line.cost_centre = label, cost_centre
    line.save(update_fields=["label", "cost_centre"])
    AuditEvent.objects.create(actor=by, kind="line.details", customer=line.billing_account.customer,
                              summary=f"{line.msisdn}: label {label!r}, cost centre {cost_centre!r}",
                              data={"before": before, "after": after})
    return line
