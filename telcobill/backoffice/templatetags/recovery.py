"""The dashboard's "Recouvrement" box: what waits for staff in payments, counted, with links."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from telcobill.payments.models import (
    Dispute,
    DunningRecord,
    DunningStatus,
    PaymentPlan,
    PlanStatus,
    Transfer,
    TransferStatus,
)

register = template.Library()

# (label, permission to see it, the rows it counts, the admin list, its filter)
QUEUES = [
    (_("Suspensions à décider"), "payments.view_dunningrecord",
     lambda: DunningRecord.objects.filter(status=DunningStatus.PROPOSED), "admin:payments_dunningrecord_changelist",
     {"status": DunningStatus.PROPOSED}),
    (_("Contestations en cours"), "payments.view_dispute", lambda: Dispute.objects.filter(outcome=Dispute.Outcome.OPEN),
     "admin:payments_dispute_changelist", {"etat": "open"}),
    (_("Virements à rapprocher"), "payments.view_transfer",
     lambda: Transfer.objects.filter(status=TransferStatus.UNMATCHED), "admin:payments_transfer_changelist",
     {"status__exact": TransferStatus.UNMATCHED}),
    (_("Échéanciers en cours"), "payments.view_paymentplan",
     lambda: PaymentPlan.objects.filter(status=PlanStatus.ACTIVE), "admin:payments_paymentplan_changelist",
     {"status__exact": PlanStatus.ACTIVE}),
]


@register.inclusion_tag("backoffice/recovery_box.html", takes_context=True)
def recovery_box(context) -> dict:
    user = context["request"].user
    rows = [{"label": label, "count": rows().count(), "url": reverse(viewname) + "?" + urlencode(query)}
            for label, permission, rows, viewname, query in QUEUES if user.has_perm(permission)]
    receivables = user.has_perm("payments.view_ledgerentry")
    return {"visible": bool(rows) or receivables, "rows": rows, "receivables": receivables}
