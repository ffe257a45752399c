"""Manual adjustments: an amount staff add to an account's next document, with a trace."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import transaction

from telcobill.customers.models import AuditEvent, BillingAccount, Line, Person
from telcobill.errors import Invalid

from ..models import Charge, Section


@transaction.atomic
def add_adjustment(*, account: BillingAccount, amount: Decimal, includes_vat: bool, description: str,
                   charged_on: date, line: Line | None = None, by: Person | None = None,
                   vat_rule_code: str = "standard") -> Charge:
    """A positive amount is charged, a negative one credited, on the account's next document."""
    if not description.strip():
        raise Invalid("an adjustment needs a description: it is printed on the invoice")
    if amount == 0:
        raise Invalid("an adjustment of 0 € changes nothing")
    if line is not None and line.billing_account_id != account.pk:
        raise Invalid(f"line {line.msisdn} is not billed to account {account.number}")
    charge = Charge.objects.create(billing_account=account, line=line, section=Section.ADJUSTMENTS,
                                   description=description, charged_on=charged_on, quantity=Decimal(1),
                                   unit_price=amount, includes_vat=includes_vat, vat_rule_code=vat_rule_code,
                                   created_by=by)
    basis = "incl." if includes_vat else "excl."
    AuditEvent.objects.create(
        actor=by, kind="charge.adjustment_added", customer=account.customer,
        summary=f"adjustment of {amount} € ({basis} VAT) on {account.number}: {description}"[:300],
        data={"charge": charge.pk, "account": account.number, "amount": str(amount), "includes_vat": includes_vat,
              "line": line.msisdn if line else None})
    return charge
