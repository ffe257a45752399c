"""The dashboard's "Facturation électronique" box: refused documents to handle, documents waiting
to be deposited, the latest e-reporting and print batch, each a link to its list."""

from __future__ import annotations

from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from telcobill.documents.models import Delivery, DeliveryState
from telcobill.documents.services.delivery import refused_queue

register = template.Library()

QUEUES = [
    (_("Factures électroniques refusées, à traiter"), lambda: refused_queue(), {"queue": "refused"}),
    (_("Factures électroniques à déposer"), lambda: Delivery.objects.filter(state=DeliveryState.PENDING),
     {"state__exact": DeliveryState.PENDING}),
    (_("Factures électroniques en litige"), lambda: Delivery.objects.filter(state=DeliveryState.DISPUTED),
     {"state__exact": DeliveryState.DISPUTED}),
]


@register.inclusion_tag("backoffice/einvoicing_box.html", takes_context=True)
def einvoicing_box(context) -> dict:
    user = context["request"].user
    if not user.has_perm("documents.view_delivery"):
        return {"visible": False}
    url = reverse("admin:documents_delivery_changelist")
    rows = [{"label": label, "count": rows().count(), "url": url + "?" + urlencode(query)}
            for label, rows, query in QUEUES]
    return {"visible": True, "rows": rows, "links": [
        (reverse(f"admin:documents_{name}_changelist"), label) for name, label, permission in [
            ("ereport", _("E-reporting"), "documents.view_ereport"),
            ("printbatch", _("Lots d'impression"), "documents.view_printbatch"),
            ("archiveentry", _("Archive"), "documents.view_archiveentry")] if user.has_perm(permission)]}
