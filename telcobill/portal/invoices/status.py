"""An invoice's status in the customer's words, from the ledger and its debit."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils.translation import gettext as _

from telcobill.billing.models import DocumentKind, Invoice
from telcobill.payments.models import Collection, CollectionStatus
from telcobill.payments.services import ledger

from ..templatetags.portal import day, euros


@dataclass(frozen=True)
class Status:
    code: str  # paid | credited | due | debit_planned | debit_sent | late | rejected | credit_note
    label: str
    tone: str  # ok | info | warning | danger (the colour; the label always says it in words)
    left: Decimal


def statuses(invoices: list[Invoice], today: date) -> dict[int, Status]:
    """Each document's status, in two queries whatever the number of documents."""
    ids = [i.pk for i in invoices if i.kind == DocumentKind.INVOICE]
    left = ledger.open_amounts(ids)
    debits = {c.invoice_id: c for c in Collection.objects.filter(invoice_id__in=ids)}
    credited = {i.corrects_id for i in invoices if i.kind == DocumentKind.CREDIT_NOTE}
    return {i.pk: _status(i, left.get(i.pk, Decimal(0)), debits.get(i.pk), i.pk in credited, today)
            for i in invoices}


def _status(invoice: Invoice, left: Decimal, debit: Collection | None, credited: bool, today: date) -> Status:
    if invoice.kind == DocumentKind.CREDIT_NOTE:
        return Status("credit_note", _("Avoir"), "info", Decimal(0))
    if left <= 0:
        if credited and invoice.total_gross > 0:
            return Status("credited", _("Payée ou créditée"), "ok", left)
        return Status("paid", _("Payée"), "ok", left)
    if debit and debit.status == CollectionStatus.PLANNED:
        return Status("debit_planned", _("Prélèvement prévu le %(day)s") % {"day": day(debit.collect_on)}, "info",
                      left)
    if debit and debit.status == CollectionStatus.SUBMITTED:
        return Status("debit_sent", _("Prélèvement en cours"), "info", left)
    if debit and debit.status in (CollectionStatus.REJECTED, CollectionStatus.DISPUTED):
        return Status("rejected", _("Prélèvement rejeté : à régler"), "danger", left)
    if invoice.due_date and invoice.due_date < today:
        return Status("late", _("En retard : %(left)s à régler") % {"left": euros(left)}, "danger", left)
    return Status("due", _("À payer avant le %(day)s") % {"day": day(invoice.due_date)}, "warning", left)

