"""Receivables by age ("Créances par ancienneté"): what customers owe on a date, by how late it is,
as a chart and a table, the customers with the most overdue, and whether the ledger reconciles."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from telcobill.payments.services import ledger
from telcobill.payments.services.receivables import AgeBucket, CustomerReceivables, receivables_by_age

from ..access import frame, staff_page
from ..forms import ReceivablesForm
from ..templatetags.backoffice import euros
from .chart import bar_chart

TOP_CUSTOMERS = 10
RECONCILIATION_LABELS = {
    "invoiced": gettext_lazy("Facturé"), "credited": gettext_lazy("Avoirs"), "paid": gettext_lazy("Encaissé"),
    "reversed": gettext_lazy("Paiements retournés"), "refunded": gettext_lazy("Remboursé"),
    "written_off": gettext_lazy("Passé en perte"), "owed": gettext_lazy("Reste dû"),
    "credit": gettext_lazy("Crédit non utilisé"),
}


def overdue(customer: CustomerReceivables) -> Decimal:
    """What the customer owes past its due date."""
    return customer.total - customer.buckets[AgeBucket.NOT_DUE]


def _tick(amount: Decimal, decimals: int) -> str:
    return f"{number_format(amount, decimals, use_l10n=True, force_grouping=True)}\u00a0€"


@staff_page("payments.view_ledgerentry")
def receivables(request: HttpRequest) -> HttpResponse:
    form = ReceivablesForm(request.GET if "on" in request.GET else None, initial={"on": timezone.localdate()})
    on = form.day()
    report = receivables_by_age(on)
    total = report.total
    counts = Counter(invoice.bucket for invoice in report.invoices)
    buckets = [{"label": bucket.label, "amount": report.totals[bucket], "count": counts[bucket],
                "share": report.totals[bucket] * 100 / total if total else Decimal(0)} for bucket in AgeBucket]
    late = total - report.totals[AgeBucket.NOT_DUE]
    chart = bar_chart(
        [(str(bucket.label), report.totals[bucket]) for bucket in AgeBucket],
        title=_("Créances par ancienneté au %(on)s") % {"on": f"{on:%d/%m/%Y}"},
        desc="; ".join(f"{bucket.label} : {euros(report.totals[bucket])}" for bucket in AgeBucket) + ".",
        x_title=_("Retard après l'échéance"), y_title=_("Montant TTC restant dû"), amount_text=euros, tick_text=_tick)
    top = sorted((c for c in report.customers if overdue(c) > 0), key=lambda c: (-overdue(c), c.number))
    reconciliation = ledger.reconcile()
    context = frame(
        request, _("Créances par ancienneté"), form=form, on=on, report=report, buckets=buckets, chart=chart,
        total=total, late=late, invoice_count=len(report.invoices),
        top=[{"customer": c, "overdue": overdue(c),
              "url": reverse("admin:customers_customer_changelist") + f"?q={c.number}"}
             for c in top[:TOP_CUSTOMERS]],
        reconciliation=reconciliation,
        reconciliation_totals=[(RECONCILIATION_LABELS[key], value) for key, value in reconciliation.totals.items()
                               if key in RECONCILIATION_LABELS])
    return render(request, "backoffice/receivables.html", context, status=400 if form.errors else 200)
