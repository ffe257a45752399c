"""What staff decide that the machine must not guess: whose a transfer is when its reference
names no single invoice, and how a dispute ends. Each decision is audited."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from telcobill.billing.models import DocumentKind, Invoice, InvoiceStatus
from telcobill.customers.models import AuditEvent, BillingAccount, Person
from telcobill.errors import Invalid, NotAllowed

from ..models import Collection, CollectionStatus, Dispute, Transfer, TransferStatus
from . import ledger
from .bank import record_transfer


def assign_transfer(transfer: Transfer, *, account: BillingAccount, invoices: list[Invoice] | None = None,
                    by: Person) -> None:
    """Record an unmatched transfer as the account's payment: it settles `invoices` first (in that
    order), then the oldest open ones; what is left is credit on the account."""
    invoices = invoices or []
    strangers = [i.number for i in invoices if i.billing_account_id != account.pk]
    if strangers:
        raise Invalid(f"{', '.join(strangers)} not billed to account {account.number}")
    if any(i.kind != DocumentKind.INVOICE or i.status != InvoiceStatus.ISSUED for i in invoices):
        raise Invalid("only issued invoices can be settled by a transfer")
    with transaction.atomic():
        transfer = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if transfer.status != TransferStatus.UNMATCHED:
            raise NotAllowed(f"this transfer is already matched ({transfer.invoice or 'to an account'})")
        if transfer.amount <= 0:
            raise Invalid("a transfer of 0 € settles nothing")
        record_transfer(transfer, account.pk, [i.pk for i in invoices], by=by)
        Transfer.objects.filter(pk=transfer.pk).update(status=TransferStatus.MATCHED,
                                                       invoice=invoices[0] if invoices else None)
        AuditEvent.objects.create(
            actor=by, kind="payments.transfer_assigned", customer=account.customer,
            summary=f"Virement de {transfer.amount} € ({transfer.debtor}) affecté au compte {account.number}"
                    + (f" : {', '.join(i.number for i in invoices)}" if invoices else ""),
            data={"transfer": transfer.bank_ref, "account": account.number, "invoices": [i.number for i in invoices]})


def close_dispute(dispute: Dispute, *, outcome: str, by: Person, note: str = "") -> None:
    """End a dispute: the invoice is due after all (dunning resumes; a debit is not presented
    again), it was right (a credit note for what is open), or the amount is written off."""
    from telcobill.workflows.credit_note import credit_invoice

    if outcome not in (Dispute.Outcome.UPHELD, Dispute.Outcome.CREDITED, Dispute.Outcome.WRITTEN_OFF):
        raise Invalid(f"outcome {outcome!r}: upheld, credited or written_off")
    with transaction.atomic():
        dispute = Dispute.objects.select_for_update().select_related("invoice__billing_account__customer").get(
            pk=dispute.pk)
        if dispute.outcome:
            raise NotAllowed(f"this dispute is already closed ({dispute.get_outcome_display()})")
        invoice = dispute.invoice
        left = ledger.open_amount(invoice)
        if outcome == Dispute.Outcome.CREDITED and left > 0:
            credit_invoice(invoice.number, reason=f"Contestation fondée : {note or dispute.description}"[:300],
                           amount_incl_vat=left if left < invoice.total_gross else None, by=by)
        elif outcome == Dispute.Outcome.WRITTEN_OFF and left > 0:
            ledger.write_off(invoice, amount=left, reason=note or "contestation", by=by)
        Collection.objects.filter(invoice=invoice, status=CollectionStatus.DISPUTED).update(
            status=CollectionStatus.REJECTED)
        Dispute.objects.filter(pk=dispute.pk).update(outcome=outcome, closed_at=timezone.now(), closed_by=by,
                                                     note=note[:300])
        AuditEvent.objects.create(
            actor=by, kind="payments.dispute_closed", customer=invoice.billing_account.customer,
            summary=f"Contestation {invoice.number} close : {Dispute.Outcome(outcome).label}"
                    + (f" ({note})" if note else ""),
            data={"invoice": invoice.number, "outcome": outcome, "open": str(left)})
