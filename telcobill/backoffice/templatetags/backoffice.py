"""Template helpers of the back office: money as staff read it, the dashboard's bill runs."""

from __future__ import annotations

from decimal import Decimal

from django import template

from telcobill.billing.admin import money
from telcobill.billing.models import BillRun
from telcobill.customers.admin import display

register = template.Library()


@register.filter
def euros(amount) -> str:
    """1 234,50 € (as the admin lists show money); amounts in reports are strings."""
    return money.euros(None if amount in (None, "") else Decimal(str(amount)))


@register.filter
def phone(e164: str) -> str:
    """06 12 34 56 78 on one line; "—" for no number."""
    return display.phone(e164) if e164 else "—"


@register.inclusion_tag("backoffice/recent_bill_runs.html", takes_context=True)
def recent_bill_runs(context, count: int = 4) -> dict:
    user = context["request"].user
    if not user.has_perm("billing.view_billrun"):
        return {"visible": False}
    return {"visible": True, "runs": BillRun.objects.order_by("-cycle")[:count],
            "can_control": user.has_perm("billing.change_billrun")}
