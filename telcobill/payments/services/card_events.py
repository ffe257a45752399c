"""What the card provider tells us, applied once: its webhook events (signed) move card payments
to paid, failed or expired, record payments in the ledger, save cards and open chargebacks.

An event is applied in one transaction with its `ProviderEvent` row, whose id is unique: a replay
(the provider retries until it gets a 200, and may deliver twice) finds the row and changes
nothing; an event whose application fails is not recorded, so the provider's retry applies it.
A payment is also recorded once per payment intent by the ledger, so the two events that say the
same payment succeeded (the checkout's and its payment intent's) settle the invoices once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from telcobill.customers.models import AuditEvent, BillingAccount, PaymentMethod, Person

from ..models import (
    CardPayment,
    CardPaymentStatus,
    EntryKind,
    LedgerEntry,
    Method,
    ProviderEvent,
    SavedCard,
)
from . import ledger
from .card_provider import CardDetails, CardProvider, WebhookEvent, euros_of, object_id, payment_label, provider
from .disputes import is_contested, open_dispute
from .payment_method import use_payment_method

ALREADY_APPLIED = "already applied"


def handle_webhook(payload: bytes, signature: str) -> str:
    """Verify a webhook delivery and apply its event once; returns what was done (kept on the
    event row for staff). Invalid: not signed by the provider (or too old); NotAllowed: cards are
    not configured, or the provider could not be asked for what the event needs."""
    card_provider = provider()
    event = card_provider.parse_webhook(payload, signature)
    if ProviderEvent.objects.filter(provider=card_provider.name, event_id=event.id).exists():
        return ALREADY_APPLIED
    # Asked before the transaction: no lock is held while the provider answers.
    card = _saved_card_details(card_provider, event)
    with transaction.atomic():
        try:
            with transaction.atomic():
                row = ProviderEvent.objects.create(provider=card_provider.name, event_id=event.id,
                                                   type=event.type[:100])
        except IntegrityError:  # delivered twice at once: the other delivery applies it
            return ALREADY_APPLIED
        outcome = HANDLERS.get(event.type, _ignored)(event, card)[:200]
        ProviderEvent.objects.filter(pk=row.pk).update(outcome=outcome)
    return outcome


def apply_paid(payment: CardPayment, *, payment_intent: str, amount: Decimal, at: datetime) -> str:
    """The provider says the money was received: the card payment is paid and the ledger records
    it against its invoices, oldest first (what is left is credit). Once per payment intent."""
    if payment.status == CardPaymentStatus.PAID:
        return f"already paid: {payment.provider_ref}"
    invoices = list(payment.invoices.order_by("issue_date", "number"))
    CardPayment.objects.filter(pk=payment.pk).update(status=CardPaymentStatus.PAID, paid_at=at,
                                                     payment_intent=payment_intent)
    ledger.record_payment(payment.billing_account_id, amount=amount, on=timezone.localdate(at), method=Method.CARD,
                          reference=payment_intent, label=payment_label([i.number for i in invoices]),
                          invoices=[i.pk for i in invoices])
    return f"paid {amount} EUR by card ({payment_intent}): {', '.join(i.number for i in invoices) or 'on account'}"


# --- One handler per event type ----------------------------------------------------------------

def _checkout_completed(event: WebhookEvent, card: CardDetails | None) -> str:
    session = event.object
    if session.get("mode") == "setup":
        return _card_saved(session, card, event.created)
    if session.get("payment_status") != "paid":  # a delayed method: its async_payment_* event follows
        return f"waiting: checkout {session['id']} completed, payment {session.get('payment_status')}"
    return _checkout_paid(event, card)


def _checkout_paid(event: WebhookEvent, card: CardDetails | None) -> str:
    session = event.object
    payment = _locked(Q(provider_ref=session["id"]))
    if payment is None:
        return f"ignored: checkout {session['id']} is not a telcobill card payment"
    amount = euros_of(session["amount_total"]) if session.get("amount_total") is not None else payment.amount
    return apply_paid(payment, payment_intent=object_id(session.get("payment_intent")) or session["id"], amount=amount,
                      at=event.created)


def _checkout_expired(event: WebhookEvent, card: CardDetails | None) -> str:
    return _close_checkout(event.object, "expired", status=CardPaymentStatus.EXPIRED)


def _checkout_failed(event: WebhookEvent, card: CardDetails | None) -> str:
    return _close_checkout(event.object, "failed", status=CardPaymentStatus.FAILED, failure="Paiement refusé")


def _close_checkout(session: dict[str, Any], outcome: str, **changes: str) -> str:
    """The card payment of a checkout still open ends with `changes` (one already ended stays so)."""
    changed = CardPayment.objects.filter(provider_ref=session["id"], status=CardPaymentStatus.OPEN).update(**changes)
    return f"{outcome}: checkout {session['id']}" if changed else f"ignored: checkout {session['id']} was not open"


def _intent_succeeded(event: WebhookEvent, card: CardDetails | None) -> str:
    intent = event.object
    payment = _by_intent(intent)
    if payment is None:
        return f"ignored: payment intent {intent['id']} is not a telcobill card payment"
    return apply_paid(payment, payment_intent=intent["id"], amount=euros_of(intent["amount_received"]),
                      at=event.created)


def _intent_failed(event: WebhookEvent, card: CardDetails | None) -> str:
    intent = event.object
    payment = _by_intent(intent)
    if payment is None:
        return f"ignored: payment intent {intent['id']} is not a telcobill card payment"
    failure = ((intent.get("last_payment_error") or {}).get("message") or "Paiement refusé")[:200]
    if payment.status != CardPaymentStatus.OPEN:
        return f"ignored: {payment.provider_ref} is {payment.status}"
    # A checkout page stays open after a declined card (the customer may try another one): only
    # a charge of a saved card fails with its payment intent.
    status = CardPaymentStatus.FAILED if payment.provider_ref == intent["id"] else CardPaymentStatus.OPEN
    CardPayment.objects.filter(pk=payment.pk).update(status=status, failure=failure)
    return f"{'failed' if status == CardPaymentStatus.FAILED else 'declined, page still open'}: {failure}"


def _dispute_created(event: WebhookEvent, card: CardDetails | None) -> str:
    """A chargeback: the bank took the money back, so what the payment settled is open again and
    a dispute holds the dunning of its (first) invoice until staff close it."""
    dispute = event.object
    intent = object_id(dispute.get("payment_intent")) or ""
    paid = LedgerEntry.objects.filter(kind=EntryKind.PAYMENT, method=Method.CARD, reference=intent).first()
    if not intent or paid is None:
        return f"ignored: dispute {dispute['id']} is about no card payment recorded ({intent or 'no intent'})"
    reason = dispute.get("reason") or "sans motif"
    payment = CardPayment.objects.filter(payment_intent=intent).first()
    invoice = payment.invoices.order_by("issue_date", "number").first() if payment else None
    ledger.reverse_payment(paid, on=timezone.localdate(event.created), reference=dispute["id"],
                           label=f"Paiement par carte contesté ({reason})")
    if invoice and not is_contested(invoice):
        open_dispute(invoice, at=event.created,
                     description=f"Paiement par carte contesté auprès de la banque ({reason}, {dispute['id']})")
    return f"chargeback {dispute['id']} ({reason}): {-paid.amount} EUR reversed" + (
        f", dispute opened on {invoice.number}" if invoice else "")


def _ignored(event: WebhookEvent, card: CardDetails | None) -> str:
    return "ignored"


HANDLERS: dict[str, Callable[[WebhookEvent, CardDetails | None], str]] = {
    "checkout.session.completed": _checkout_completed,
    "checkout.session.async_payment_succeeded": _checkout_paid,
    "checkout.session.async_payment_failed": _checkout_failed,
    "checkout.session.expired": _checkout_expired,
    "payment_intent.succeeded": _intent_succeeded,
    "payment_intent.payment_failed": _intent_failed,
    "charge.dispute.created": _dispute_created,
}


# --- Saving a card -----------------------------------------------------------------------------

def _saved_card_details(card_provider: CardProvider, event: WebhookEvent) -> CardDetails | None:
    """The card a completed setup saved, read from the provider (not in the event itself)."""
    session = event.object
    if event.type != "checkout.session.completed" or session.get("mode") != "setup":
        return None
    setup = object_id(session.get("setup_intent"))
    return card_provider.setup_card(setup) if setup else None


def _card_saved(session: dict[str, Any], card: CardDetails | None, at: datetime) -> str:
    metadata = session.get("metadata") or {}
    number = metadata.get("billing_account") or session.get("client_reference_id") or ""
    account = BillingAccount.objects.select_related("customer").filter(number=number).first()
    if account is None or card is None:
        return f"ignored: setup {session['id']} names no billing account or no card"
    # One active card per account: the new one replaces the previous one.
    SavedCard.objects.filter(billing_account=account, active=True).exclude(
        payment_method_ref=card.payment_method_ref).update(active=False)
    SavedCard.objects.update_or_create(payment_method_ref=card.payment_method_ref, defaults={
        "billing_account": account, "provider": provider().name, "customer_ref": card.customer_ref,
        "brand": card.brand, "last4": card.last4, "expires": card.expires, "active": True, "created_at": at})
    actor = Person.objects.filter(pk=metadata.get("requested_by") or None).first()
    AuditEvent.objects.create(actor=actor, kind="payments.card_saved", customer=account.customer,
                              summary=f"Carte {card.brand} •••• {card.last4} (expire {card.expires}) enregistrée "
                                      f"pour le compte {account.number}",
                              data={"account": account.number, "brand": card.brand, "last4": card.last4,
                                    "expires": card.expires, "payment_method": card.payment_method_ref})
    # A card is saved to pay each new invoice: from now on the account pays by card.
    use_payment_method(account, PaymentMethod.CARD, by=actor)
    return f"card saved: {card.brand} {card.last4} for {account.number}"


# --- Finding the card payment an event is about ------------------------------------------------

def _locked(condition: Q) -> CardPayment | None:
    return CardPayment.objects.select_for_update().filter(condition).first()


def _by_intent(intent: dict[str, Any]) -> CardPayment | None:
    """A saved-card charge is known by its payment intent; a checkout's payment intent may be
    reported before the checkout is, so it also names its card payment in its metadata."""
    found = _locked(Q(provider_ref=intent["id"]) | Q(payment_intent=intent["id"]))
    metadata = intent.get("metadata") or {}
    if found is None and str(metadata.get("card_payment", "")).isdigit():
        found = _locked(Q(pk=int(metadata["card_payment"]),
                          billing_account__number=metadata.get("billing_account", "")))
    return found

