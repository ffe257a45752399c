"""Card payments, the use cases the pages, the API and the tasks call: pay invoices on the
provider's hosted page, save a card for automatic payment, charge the saved card when an invoice
is issued, refund a card payment. What the provider then says (paid, declined, expired, a
chargeback) arrives by webhook: `handle_webhook` (card_events.py).

The provider is an adapter (card_provider.py): Stripe today, configured by
`TELCOBILL_STRIPE_SECRET_KEY`; without it every use case refuses with NotAllowed, and
`cards_available()` lets a page say « le paiement par carte n'est pas disponible ».
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from telcobill.billing.models import DocumentKind, Invoice, InvoiceStatus
from telcobill.customers.models import BillingAccount, PaymentMethod, Person
from telcobill.errors import Invalid, NotAllowed
from telcobill.money import ZERO, to_cents

from ..models import CardPayment, CardPaymentStatus, SavedCard
from . import ledger
from .card_events import apply_paid, handle_webhook
from .card_provider import CardDeclined, ProviderFailure, cards_available, payment_label, provider

__all__ = ["cards_available", "charge_saved_card_for", "charge_saved_cards", "handle_webhook",
           "pay_invoices_by_card", "refund_card_payment", "save_card"]

# Where the provider's pages send the customer back (customer space pages).
PAID_PAGE = "/factures/?carte=payee"
CANCELLED_PAGE = "/factures/?carte=abandon"
SAVED_PAGE = "/paiement/?carte=enregistree"
NOT_SAVED_PAGE = "/paiement/?carte=abandon"

# A second click on « Payer par carte » within this time gets the same page, not a second one
# (the provider keeps a page open for 24 hours): no invoice is paid twice by mistake.
CHECKOUT_REUSE = timedelta(hours=1)


def pay_invoices_by_card(account: BillingAccount, invoices: Iterable[Invoice | int] | None = None,
                         by: Person | None = None, *, amount: Decimal | None = None) -> CardPayment:
    """A hosted payment page for the account's invoices (by default every issued invoice with
    something open, oldest first) for what they still owe, or a part of it (`amount`: the oldest
    invoices are settled first). The customer is sent to `url`; the webhook records the payment."""
    card_provider = provider()
    chosen, open_total = _payable(account, invoices)
    amount = open_total if amount is None else to_cents(amount)
    if amount <= 0 or amount > open_total:
        raise Invalid(f"Montant de {amount} € : entre 0,01 € et {open_total} € (le reste dû des factures).",
                      code="amount")
    reused = _open_checkout(account, chosen, amount)
    if reused:
        return reused
    with transaction.atomic():
        payment = CardPayment.objects.create(billing_account=account, amount=amount, provider=card_provider.name,
                                             provider_ref=f"pending-{uuid.uuid4().hex}", created_by=by)
        payment.invoices.set(chosen)
    # The provider is asked outside any transaction: no lock is held while it answers.
    try:
        session, url, intent = card_provider.create_checkout(
            payment, success_url=_page(PAID_PAGE), cancel_url=_page(CANCELLED_PAGE), email=account.email)
    except ProviderFailure as exc:
        CardPayment.objects.filter(pk=payment.pk).update(status=CardPaymentStatus.FAILED, failure=exc.message[:200])
        raise
    CardPayment.objects.filter(pk=payment.pk).update(provider_ref=session, url=url, payment_intent=intent)
    payment.refresh_from_db()
    return payment


def save_card(account: BillingAccount, by: Person | None = None) -> str:
    """The address of the provider's page where the customer saves a card to pay each new
    invoice automatically; the card is stored when the webhook says the page was completed."""
    card_provider = provider()
    previous = (SavedCard.objects.filter(billing_account=account, provider=card_provider.name)
                .order_by("-active", "-created_at").first())
    _, url = card_provider.create_setup(account, success_url=_page(SAVED_PAGE), cancel_url=_page(NOT_SAVED_PAGE),
                                        email=account.email, customer_ref=previous.customer_ref if previous else "",
                                        requested_by=by.pk if by else None)
    return url


def charge_saved_card_for(invoice: Invoice) -> CardPayment | None:
    """Charge an issued invoice's open amount to the account's saved card (an account paying by
    card with an active card; otherwise None). An invoice already paid or being paid by card is not
    charged again, and the idempotency key (invoice number and attempt) makes a retry of the same
    attempt the same charge at the provider. A decline gives a failed card payment, with why."""
    account = invoice.billing_account
    if account.payment_method != PaymentMethod.CARD:
        return None
    card = SavedCard.objects.filter(billing_account=account, active=True).first()
    amount = ledger.open_amount(invoice)
    if card is None or amount <= 0:
        return None
    earlier = CardPayment.objects.filter(invoices=invoice)
    current = earlier.filter(status__in=[CardPaymentStatus.OPEN, CardPaymentStatus.PAID]).first()
    if current:
        return current
    card_provider = provider()
    key = f"telcobill-invoice-{invoice.number}-{earlier.count() + 1}"
    failure = ""
    try:
        intent, status = card_provider.charge_saved_card(
            card, amount, payment_label([invoice.number]), key,
            metadata={"billing_account": account.number, "invoices": invoice.number})
    except CardDeclined as declined:
        if not declined.payment_intent:
            raise
        intent, status, failure = declined.payment_intent, "declined", declined.message
    with transaction.atomic():
        payment, created = CardPayment.objects.get_or_create(provider_ref=intent, defaults={
            "billing_account": account, "amount": amount, "provider": card_provider.name, "payment_intent": intent,
            "status": CardPaymentStatus.FAILED if failure else CardPaymentStatus.OPEN, "failure": failure[:200]})
        if created:
            payment.invoices.set([invoice])
        if status == "succeeded":  # the webhook will say so too; recorded once
            apply_paid(payment, payment_intent=intent, amount=amount, at=timezone.now())
    payment.refresh_from_db()
    return payment


def charge_saved_cards(invoice_ids: list[int]) -> list[CardPayment]:
    """After invoices are issued (a task, after commit): charge those of accounts paying by saved
    card. Nothing when cards are not configured; a provider outage leaves the invoice for the next
    run (the same attempt's key: never charged twice)."""
    if not cards_available():
        return []
    payments = []
    for invoice in (Invoice.objects.filter(pk__in=invoice_ids, kind=DocumentKind.INVOICE, status=InvoiceStatus.ISSUED,
                                           billing_account__payment_method=PaymentMethod.CARD)
                    .select_related("billing_account").order_by("issue_date", "number")):
        try:
            payment = charge_saved_card_for(invoice)
        except ProviderFailure:
            continue
        if payment:
            payments.append(payment)
    return payments


def refund_card_payment(card_payment: CardPayment, amount: Decimal, idempotency_key: str) -> str:
    """Pay back (part of) a paid card payment to the card (called by the refunds service, which
    records the refund in the ledger); the provider's refund id."""
    if card_payment.status != CardPaymentStatus.PAID or not card_payment.payment_intent:
        raise NotAllowed(f"card payment {card_payment.provider_ref} is {card_payment.status}: only a paid card "
                         "payment can be refunded to its card", code="not_paid")
    amount = to_cents(amount)
    if amount <= 0 or amount > card_payment.amount:
        raise Invalid(f"refund of {amount} €: the card payment was {card_payment.amount} €; refund at most that")
    return provider().refund(card_payment.payment_intent, amount, idempotency_key)


# --- Helpers -----------------------------------------------------------------------------------

def _payable(account: BillingAccount, invoices: Iterable[Invoice | int] | None) -> tuple[list[Invoice], Decimal]:
    """The invoices to pay, oldest first, with something open, and the total open."""
    issued = Invoice.objects.filter(billing_account=account, kind=DocumentKind.INVOICE, status=InvoiceStatus.ISSUED)
    if invoices is not None:
        ids = {getattr(i, "pk", i) for i in invoices}
        issued = issued.filter(pk__in=ids)
        if issued.count() != len(ids):
            raise Invalid("Ces factures ne sont pas toutes des factures émises de ce compte.", code="invoices")
    ordered = list(issued.order_by("issue_date", "number"))
    open_ = ledger.open_amounts([i.pk for i in ordered])
    chosen = [i for i in ordered if open_.get(i.pk, 0) > 0]
    if not chosen:
        raise Invalid("Aucune facture à régler : tout est payé.", code="nothing_to_pay")
    return chosen, sum((open_[i.pk] for i in chosen), ZERO)


def _open_checkout(account: BillingAccount, chosen: list[Invoice], amount: Decimal) -> CardPayment | None:
    recent = (CardPayment.objects.filter(billing_account=account, status=CardPaymentStatus.OPEN, amount=amount,
                                         created_at__gte=timezone.now() - CHECKOUT_REUSE)
              .exclude(url="").prefetch_related("invoices").order_by("-created_at"))
    wanted = {i.pk for i in chosen}
    return next((p for p in recent if {i.pk for i in p.invoices.all()} == wanted), None)


def _page(path: str) -> str:
    return settings.PAYMENTS["public_url"].rstrip("/") + path
