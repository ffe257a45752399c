"""Collecting issued invoices by SEPA direct debit.

`plan_collections` gives each issued invoice of an account paying by direct debit, with an active
mandate, one collection, on its due date but never sooner than the pre-notification delay after
its issue (the invoice, which prints the mandate reference and the date, is the pre-notification).
`collect(on)` puts every planned collection due by that date into one new pain.008 batch: a
collection is claimed by exactly one batch, however often and however concurrently it runs, and
the file is validated against the XSD before the claim commits.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from telcobill.billing.models import DocumentKind, Invoice, InvoiceStatus
from telcobill.customers.models import PaymentMethod

from ..models import (
    Collection,
    CollectionBatch,
    CollectionStatus,
    Mandate,
    MandateStatus,
    PaymentEvent,
    PaymentEventKind,
)
from . import ledger, pain


def plan_collections(invoice_ids: list[int] | None = None) -> int:
    """Plan a collection for every issued invoice to be debited that has none (of `invoice_ids`,
    the invoices just issued, when given); returns how many."""
    delay = timedelta(days=settings.PAYMENTS["prenotification_days"])
    invoices = Invoice.objects.filter(status=InvoiceStatus.ISSUED, kind=DocumentKind.INVOICE, total_gross__gt=0,
                                      billing_account__payment_method=PaymentMethod.DIRECT_DEBIT,
                                      collection__isnull=True)
    if invoice_ids is not None:
        invoices = invoices.filter(pk__in=invoice_ids)
    invoices = list(invoices.only("pk", "number", "issue_date", "due_date", "total_gross", "billing_account_id",
                                  "payment"))
    mandates = {m.billing_account_id: m for m in Mandate.objects.filter(
        status=MandateStatus.ACTIVE, billing_account_id__in={i.billing_account_id for i in invoices})}
    # Only what the invoice says is collected by the mandate (means 59): a penalty invoice, paid
    # by transfer, is not debited.
    invoices = [invoice for invoice in invoices if invoice.billing_account_id in mandates
                and (invoice.payment or {}).get("means_code") == "59"]
    # A credit on the account (a credit note, an overpayment) already paid part or all of it.
    left = ledger.open_amounts([invoice.pk for invoice in invoices])
    planned = [Collection(invoice=invoice, mandate=mandates[invoice.billing_account_id],
                          amount=left.get(invoice.pk, invoice.total_gross),
                          collect_on=_collection_date(invoice, delay), end_to_end_id=invoice.number)
               for invoice in invoices if left.get(invoice.pk, invoice.total_gross) > 0]
    # A concurrent planner may have planned some: the one-to-one key keeps one, the others are skipped.
    Collection.objects.bulk_create(planned, batch_size=2000, ignore_conflicts=True)
    return len(planned)


def _collection_date(invoice: Invoice, delay: timedelta) -> date:
    """The date the invoice printed (it is the pre-notification), never sooner than the delay."""
    printed = (invoice.payment or {}).get("collection_date")
    due = date.fromisoformat(printed) if printed else (invoice.due_date or invoice.issue_date)
    return max(due, invoice.issue_date + delay)


def collect(on: date, *, now: datetime | None = None) -> CollectionBatch | None:
    """One pain.008 batch of every planned collection due on or before `on`, presented for `on`
    (or None when there is nothing to collect)."""
    plan_collections()
    with transaction.atomic():
        # Claim: the rows are locked (PostgreSQL) or the database is (SQLite's IMMEDIATE
        # transactions); a second run waits, then finds them batched.
        claimed = list(Collection.objects.select_for_update(of=("self",)).select_related("mandate").filter(
            status=CollectionStatus.PLANNED, batch__isnull=True, collect_on__lte=on).order_by("pk"))
        # What is still open is collected: a credit note, a transfer or a card payment since the
        # invoice may have paid part of it, or all (the collection is then cancelled).
        left = ledger.open_amounts([c.invoice_id for c in claimed])
        cancelled = [c for c in claimed if left.get(c.invoice_id, c.amount) <= 0]
        if cancelled:
            Collection.objects.filter(pk__in=[c.pk for c in cancelled]).update(status=CollectionStatus.CANCELLED)
        claimed = [c for c in claimed if left.get(c.invoice_id, c.amount) > 0]
        claimed = _on_active_mandates(claimed)
        for collection in claimed:
            collection.amount = min(collection.amount, left.get(collection.invoice_id, collection.amount))
        if not claimed:
            return None
        now = now or timezone.now()
        message_id = f"TB{now:%Y%m%d%H%M%S%f}"[:35]
        mandates = {c.mandate_id for c in claimed}
        invoices = dict(Invoice.objects.filter(pk__in=[c.invoice_id for c in claimed]).values_list("pk", "number"))
        groups: dict[str, list[pain.Debit]] = {"FRST": [], "RCUR": []}
        for collection in claimed:
            mandate = collection.mandate
            collection.sequence = "FRST" if mandate.first_collected_on is None else "RCUR"
            groups[collection.sequence].append(pain.Debit(
                end_to_end_id=collection.end_to_end_id, amount=collection.amount,
                mandate_reference=mandate.reference, signed_on=timezone.localdate(mandate.signed_at),
                debtor=mandate.holder, street=mandate.street, postcode=mandate.postcode, city=mandate.city,
                country=mandate.country, iban=mandate.iban, bic=mandate.bic,
                remittance=f"Facture {invoices[collection.invoice_id]}"))
        xml = pain.pain008(message_id, timezone.localtime(now), on, creditor(), groups)
        pain.validate(xml)
        path = _write(message_id, xml)
        batch = CollectionBatch.objects.create(
            message_id=message_id, collect_on=on, count=len(claimed), total=sum(c.amount for c in claimed),
            path=path.name, sha256=hashlib.sha256(xml).hexdigest())
        for collection in claimed:
            collection.batch = batch
            collection.status = CollectionStatus.SUBMITTED
        Collection.objects.bulk_update(claimed, ["batch", "status", "sequence", "amount"], batch_size=2000)
        PaymentEvent.objects.bulk_create([
            PaymentEvent(collection=c, kind=PaymentEventKind.SUBMITTED, at=now, amount=c.amount,
                         end_to_end_id=c.end_to_end_id) for c in claimed], batch_size=2000)
        Mandate.objects.filter(pk__in=list(mandates), first_collected_on__isnull=True).update(first_collected_on=on)
        Mandate.objects.filter(pk__in=list(mandates)).update(last_collected_on=on)
    return batch


def _on_active_mandates(claimed: list[Collection]) -> list[Collection]:
    """A debit is presented only under a mandate in force: one planned under a mandate since
    replaced (a new IBAN) moves to the new one; without one (stopped by the bank, lapsed) it is
    cancelled, and the invoice is due like any other (dunning)."""
    stale = [c for c in claimed if c.mandate.status != MandateStatus.ACTIVE]
    if not stale:
        return claimed
    active = {m.billing_account_id: m for m in Mandate.objects.filter(
        status=MandateStatus.ACTIVE, billing_account_id__in={c.mandate.billing_account_id for c in stale})}
    cancelled = []
    for collection in stale:
        replacement = active.get(collection.mandate.billing_account_id)
        if replacement:
            collection.mandate = replacement
            Collection.objects.filter(pk=collection.pk).update(mandate=replacement)
        else:
            cancelled.append(collection)
    Collection.objects.filter(pk__in=[c.pk for c in cancelled]).update(status=CollectionStatus.CANCELLED)
    return [c for c in claimed if c not in cancelled]


def batch_file(batch: CollectionBatch) -> Path:
    """Where a batch's pain.008 file is kept."""
    return Path(settings.PAYMENTS["sepa_dir"]) / batch.path


def creditor() -> pain.Creditor:
    operator = settings.OPERATOR
    return pain.Creditor(name=operator["name"], iban=operator["iban"], bic=operator["bic"],
                         identifier=operator["creditor_identifier"], street=operator["address_line1"],
                         postcode=operator["postcode"], city=operator["city"], country=operator["country_code"])


def _write(message_id: str, xml: bytes) -> Path:
    folder = Path(settings.PAYMENTS["sepa_dir"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{message_id}.xml"
    path.write_bytes(xml)
    return path
