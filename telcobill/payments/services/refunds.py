"""Refunds: paying a customer back the credit on their account.

A credit (an overpayment, a credit note larger than what is open) first pays the next invoices
by itself (`ledger.settle`). When the customer asks for the money instead, staff refund it:
- by card, to a card payment of the account, through the provider (at most what that payment
  brought in, less what was already refunded on it);
- by SEPA credit transfer, to the IBAN given or the account's mandate IBAN: planned, then sent in
  the next pain.001.001.09 batch (`send_refunds`, `telcobill payments refunds --date D`),
  validated against the ISO 20022 XSD before the claim commits, each refund in exactly one batch.
The ledger records the refund when it is decided (the credit is no longer available); a refund
the bank or the provider then fails comes back as credit by `refund_failed`.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from telcobill.customers.models import AuditEvent, BillingAccount, Person
from telcobill.errors import Invalid, NotAllowed

from ..models import (
    CardPayment,
    CardPaymentStatus,
    CollectionBatch,
    Mandate,
    MandateStatus,
    Method,
    Refund,
    RefundStatus,
)
from . import ledger, pain
from .collections import _write, creditor
from .mandates import checked_iban


def refund(account: BillingAccount, *, amount: Decimal, method: str, reason: str, by: Person | None = None,
           card_payment: CardPayment | None = None, iban: str = "", holder: str = "",
           on: date | None = None) -> Refund:
    """Refund `amount` of the account's credit by card or by transfer (audited)."""
    on = on or timezone.localdate()
    reason = reason.strip()
    if not reason:
        raise Invalid("reason: say why the customer is refunded (it is printed on the transfer)")
    if method == Method.CARD:
        return _by_card(account, amount, reason, by, card_payment, on)
    if method == Method.TRANSFER:
        return _by_transfer(account, amount, reason, by, iban, holder, on)
    raise Invalid(f"method {method!r}: a refund is made by card or by transfer")


def _by_transfer(account, amount, reason, by, iban, holder, on) -> Refund:
    mandate = Mandate.objects.filter(billing_account=account, status=MandateStatus.ACTIVE).first()
    if iban:
        iban, bic = checked_iban(iban)
        holder = holder.strip() or account.name
    elif mandate:
        iban, bic, holder = mandate.iban, mandate.bic, mandate.holder
    else:
        raise Invalid(f"account {account.number} has no mandate: give the IBAN to refund to (from the customer's RIB)")
    with transaction.atomic():
        ledger.lock_accounts(account.pk)
        e2e = _reference(account)
        entry = ledger.refund_entry(account.pk, amount=amount, on=on, method=Method.TRANSFER, reference=e2e,
                                    label=f"Remboursement par virement : {reason}", by=by)
        refund = Refund.objects.create(entry=entry, billing_account=account, amount=amount, method=Method.TRANSFER,
                                       status=RefundStatus.PLANNED, end_to_end_id=e2e, iban=iban, bic=bic,
                                       holder=holder[:70], reason=reason[:200], created_by=by)
        _audit(refund, by, f"par virement sur {iban[:4]}…{iban[-4:]}")
    return refund


def _by_card(account, amount, reason, by, card_payment, on) -> Refund:
    from .cards import refund_card_payment

    payments = CardPayment.objects.filter(billing_account=account, status=CardPaymentStatus.PAID)
    if card_payment is not None:
        payments = payments.filter(pk=card_payment.pk)
    chosen = next((p for p in payments.order_by("-paid_at") if refundable(p) >= amount), None)
    if chosen is None:
        raise Invalid(f"no card payment of account {account.number} can take a refund of {amount} €; "
                      f"refund by transfer")
    with transaction.atomic():
        ledger.lock_accounts(account.pk)
        e2e = _reference(account)
        entry = ledger.refund_entry(account.pk, amount=amount, on=on, method=Method.CARD, reference=e2e,
                                    label=f"Remboursement sur carte : {reason}", by=by)
        refund = Refund.objects.create(entry=entry, billing_account=account, amount=amount, method=Method.CARD,
                                       status=RefundStatus.SENT, end_to_end_id=e2e, card_payment=chosen,
                                       reason=reason[:200], created_by=by)
        # The provider is asked inside the transaction: if it refuses, nothing is recorded. The
        # idempotency key makes a retry after a lost answer refund once.
        refund.provider_ref = refund_card_payment(chosen, amount, idempotency_key=e2e)
        refund.status = RefundStatus.DONE
        refund.save(update_fields=["provider_ref", "status"])
        _audit(refund, by, f"sur la carte du paiement {chosen.provider_ref}")
    return refund


def refundable(card_payment: CardPayment) -> Decimal:
    done = (Refund.objects.filter(card_payment=card_payment).exclude(status=RefundStatus.FAILED)
            .aggregate(s=Sum("amount"))["s"] or Decimal("0.00"))
    return card_payment.amount - done


def _reference(account: BillingAccount) -> str:
    count = Refund.objects.filter(billing_account=account).count() + 1
    return f"RB-{account.number}-{count:03d}"[:35]


def _audit(refund: Refund, by, how: str) -> None:
    AuditEvent.objects.create(
        actor=by, kind="payments.refund", customer=refund.billing_account.customer,
        summary=f"Remboursement {refund.end_to_end_id} de {refund.amount} € {how} : {refund.reason}"[:300],
        data={"refund": refund.end_to_end_id, "amount": str(refund.amount), "method": refund.method})


def send_refunds(on: date, *, now: datetime | None = None) -> CollectionBatch | None:
    """One pain.001 batch of every planned refund by transfer, executed on `on` (None if none)."""
    with transaction.atomic():
        claimed = list(Refund.objects.select_for_update().filter(status=RefundStatus.PLANNED, batch__isnull=True)
                       .order_by("pk"))
        if not claimed:
            return None
        now = now or timezone.now()
        message_id = f"TBR{now:%Y%m%d%H%M%S%f}"[:35]
        xml = pain.pain001(message_id, timezone.localtime(now), on, creditor(), [
            pain.CreditTransfer(end_to_end_id=r.end_to_end_id, amount=r.amount, creditor=r.holder, iban=r.iban,
                                bic=r.bic, remittance=f"Remboursement {r.end_to_end_id} {r.reason}")
            for r in claimed])
        pain.validate(xml, "pain.001.001.09")
        path = _write(message_id, xml)
        batch = CollectionBatch.objects.create(
            message_id=message_id, kind="pain.001", collect_on=on, count=len(claimed),
            total=sum(r.amount for r in claimed), path=path.name, sha256=hashlib.sha256(xml).hexdigest())
        Refund.objects.filter(pk__in=[r.pk for r in claimed]).update(batch=batch, status=RefundStatus.SENT)
    return batch


def refund_failed(refund: Refund, *, reason: str, by: Person | None = None) -> None:
    """The bank or the provider could not pay the refund: the money came back, so it is recorded
    as received (the books see the bank's debit and its return) and is credit on the account
    again, settling what is open or waiting for the next invoice."""
    with transaction.atomic():
        ledger.lock_accounts(refund.billing_account_id)
        refund = Refund.objects.select_for_update().get(pk=refund.pk)
        if refund.status == RefundStatus.FAILED:
            raise NotAllowed(f"refund {refund.end_to_end_id} is already marked failed")
        Refund.objects.filter(pk=refund.pk).update(status=RefundStatus.FAILED)
        ledger.record_payment(refund.billing_account_id, amount=refund.amount, on=timezone.localdate(),
                              method=refund.method, reference=f"{refund.end_to_end_id}-RETOUR",
                              label=f"Remboursement {refund.end_to_end_id} non abouti : {reason}", by=by)
        AuditEvent.objects.create(actor=by, kind="payments.refund_failed", customer=refund.billing_account.customer,
                                  summary=f"Remboursement {refund.end_to_end_id} non abouti : {reason}"[:300],
                                  data={"refund": refund.end_to_end_id})
