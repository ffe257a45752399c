"""Template helpers of the back office: money as staff read it, the dashboard's bill runs."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format

from telcobill.billing.models import BillRun
from telcobill.customers.identifiers import format_msisdn

register = template.Library()


@register.filter
def euros(amount) -> str:
    """12,50 € (French decimal comma, two decimals); "—" for nothing."""
    if amount in (None, ""):
        return "—"
    return f"{number_format(Decimal(str(amount)), 2, use_l10n=True, force_grouping=True)}\u00a0€"


@register.filter
def phone(e164: str) -> str:
    """06 12 34 56 78 on one line; "—" for no number."""
    return format_msisdn(e164).replace(" ", "\u00a0") if e164 else "—"


@register.inclusion_tag("backoffice/recent_bill_runs.html", takes_context=True)
def recent_bill_runs(context, count: int = 4) -> dict:
    user = context["request"].user
    if not user.has_perm("billing.view_billrun"):
        return {"visible": False}
    return {"visible": True, "runs": BillRun.objects.order_by("-cycle")[:count],
            "can_control": user.has_perm("billing.change_billrun")}
