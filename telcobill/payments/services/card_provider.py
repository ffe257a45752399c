"""The card payment provider behind an adapter: what telcobill asks of it (a hosted payment page,
a page that saves a card, a charge of a saved card, a refund, a verified webhook event), and the
Stripe implementation through its official SDK.

No card number ever reaches telcobill: the customer types it on the provider's page, and we keep
only the provider's ids, the brand, the last 4 digits and the expiry. Provider errors come back as
telcobill's refusals (`CardDeclined`, `ProviderFailure`), so the use cases never import the SDK.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

import stripe
from django.conf import settings

from telcobill.errors import Invalid, NotAllowed
from telcobill.money import CENT

if TYPE_CHECKING:
    from telcobill.customers.models import BillingAccount

    from ..models import CardPayment, SavedCard

CURRENCY = "eur"
METADATA_MAX = 500  # Stripe's limit for a metadata value


class CardDeclined(Invalid):
    """The bank declined a charge: the provider's payment stays, with why (shown to the customer)."""

    code = "card_declined"

    def __init__(self, message: str, *, payment_intent: str = ""):
        super().__init__(message)
        self.payment_intent = payment_intent


class ProviderFailure(NotAllowed):
    """The provider could not be reached or refused the request: nothing was charged."""

    code = "card_provider_error"


@dataclass(frozen=True)
class CardDetails:
    """A card saved with the provider, as much as telcobill keeps of it."""

    customer_ref: str
    payment_method_ref: str
    brand: str
    last4: str
    expires: str  # "YYYY-MM"


@dataclass(frozen=True)
class WebhookEvent:
    """A verified provider event, as plain data (the use cases do not depend on the SDK's types)."""

    id: str
    type: str
    created: datetime
    object: dict[str, Any]


class CardProvider(Protocol):
    name: str

    def create_checkout(self, card_payment: CardPayment, *, success_url: str, cancel_url: str,
                        email: str) -> tuple[str, str, str]:
        """A hosted payment page for `card_payment`: (session id, page url, payment intent id or "")."""
        ...

    def create_setup(self, account: BillingAccount, *, success_url: str, cancel_url: str, email: str,
                     customer_ref: str = "", requested_by: int | None = None) -> tuple[str, str]:
        """A hosted page where the customer saves a card for automatic payments: (session id, url)."""
        ...

    def setup_card(self, setup_ref: str) -> CardDetails:
        """The card a completed setup saved."""
        ...

    def charge_saved_card(self, saved_card: SavedCard, amount: Decimal, description: str, idempotency_key: str,
                          *, metadata: dict[str, str] | None = None) -> tuple[str, str]:
        """Charge a saved card without the customer (off session): (payment intent id, status)."""
        ...

    def refund(self, payment_intent: str, amount: Decimal, idempotency_key: str) -> str:
        """Pay `amount` back to the card of a payment; the refund's id."""
        ...

    def parse_webhook(self, payload: bytes, signature_header: str) -> WebhookEvent:
        """The event, once its signature is checked (Invalid when it is not the provider's)."""
        ...


def cents_of(amount: Decimal) -> int:
    """Stripe counts euros in cents, as integers."""
    cents = Decimal(amount) * 100
    if cents != cents.to_integral_value():
        raise Invalid(f"amount {amount}: more than 2 decimals cannot be charged to a card")
    return int(cents)


def euros_of(cents: int) -> Decimal:
    return (Decimal(int(cents)) / 100).quantize(CENT)


class StripeProvider:
    """Stripe Checkout (payment and setup modes), off-session PaymentIntents, refunds and signed
    webhooks, with `stripe.StripeClient`. `api_base` points the SDK elsewhere than api.stripe.com
    (stripe-mock, or the tests' loopback server)."""

    name = "stripe"

    def __init__(self, secret_key: str, webhook_secret: str = "", *, api_base: str = ""):
        self._webhook_secret = webhook_secret
        # Retries are safe: every POST carries an idempotency key (ours, or the SDK's).
        self._client = stripe.StripeClient(secret_key, base_addresses={"api": api_base} if api_base else None,
                                           max_network_retries=2)

    def create_checkout(self, card_payment, *, success_url, cancel_url, email):
        account = card_payment.billing_account
        numbers = [i.number for i in card_payment.invoices.order_by("issue_date", "number")]
        metadata = _metadata(account.number, numbers, card_payment=str(card_payment.pk))
        params = {
            "mode": "payment",
            "payment_method_types": ["card"],
            "line_items": [{"quantity": 1, "price_data": {
                "currency": CURRENCY, "unit_amount": cents_of(card_payment.amount),
                "product_data": {"name": payment_label(numbers)}}}],
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": account.number,
            "locale": account.language,
            "metadata": metadata,
            # The payment intent carries them too: its events and a chargeback name the invoices.
            "payment_intent_data": {"description": payment_label(numbers), "metadata": metadata},
        }
        if email:
            params["customer_email"] = email
        # While its page is being created, a card payment's `provider_ref` is a unique placeholder:
        # the SDK's retries of this request cannot open two pages.
        with _calling("creating the payment page"):
            session = self._client.v1.checkout.sessions.create(
                params, {"idempotency_key": f"telcobill-{card_payment.provider_ref}"})
        return session.id, session.url, object_id(getattr(session, "payment_intent", None)) or ""

    def create_setup(self, account, *, success_url, cancel_url, email, customer_ref="", requested_by=None):
        metadata = _metadata(account.number, [], requested_by=str(requested_by or ""))
        params = {
            "mode": "setup",
            "currency": CURRENCY,
            "payment_method_types": ["card"],
            "success_url": success_url,
            "cancel_url": cancel_url,
            "client_reference_id": account.number,
            "locale": account.language,
            "metadata": metadata,
            "setup_intent_data": {"metadata": metadata},
        }
        # The card must belong to a provider customer to be charged later: the account's, once it has one.
        if customer_ref:
            params["customer"] = customer_ref
        else:
            params["customer_creation"] = "always"
            if email:
                params["customer_email"] = email
        with _calling("creating the card page"):
            session = self._client.v1.checkout.sessions.create(params)
        return session.id, session.url

    def setup_card(self, setup_ref):
        with _calling("reading the saved card"):
            intent = self._client.v1.setup_intents.retrieve(setup_ref, {"expand": ["payment_method"]})
        method = intent.payment_method
        card = method.card
        customer = object_id(intent.customer) or object_id(getattr(method, "customer", None)) or ""
        return CardDetails(customer_ref=customer, payment_method_ref=method.id, brand=card.brand or "",
                           last4=card.last4 or "", expires=f"{card.exp_year:04d}-{card.exp_month:02d}")

    def charge_saved_card(self, saved_card, amount, description, idempotency_key, *, metadata=None):
        params = {
            "amount": cents_of(amount),
            "currency": CURRENCY,
            "customer": saved_card.customer_ref,
            "payment_method": saved_card.payment_method_ref,
            "payment_method_types": ["card"],
            "off_session": True,
            "confirm": True,
            "description": description,
            "metadata": metadata or {},
        }
        try:
            with _calling("charging the saved card"):
                intent = self._client.v1.payment_intents.create(params, {"idempotency_key": idempotency_key})
        except _Declined as declined:
            raise CardDeclined(declined.message, payment_intent=declined.payment_intent) from None
        return intent.id, intent.status

    def refund(self, payment_intent, amount, idempotency_key):
        with _calling("refunding the card"):
            refund = self._client.v1.refunds.create({"payment_intent": payment_intent, "amount": cents_of(amount)},
                                                    {"idempotency_key": idempotency_key})
        return refund.id

    def parse_webhook(self, payload, signature_header):
        if not self._webhook_secret:
            raise NotAllowed("card webhooks are not configured: set TELCOBILL_STRIPE_WEBHOOK_SECRET to the "
                             "endpoint's signing secret (whsec_...)", code="cards_not_configured")
        try:  # the client's construct_event is stripe.Webhook.construct_event (5 minutes' tolerance)
            event = self._client.construct_event(payload, signature_header, self._webhook_secret)
        except stripe.SignatureVerificationError as exc:
            raise Invalid(f"Stripe webhook refused, its signature does not verify: {exc.user_message}") from None
        except ValueError as exc:  # not JSON
            raise Invalid(f"Stripe webhook refused, its body is not an event: {exc}") from None
        return WebhookEvent(id=event.id, type=event.type, created=datetime.fromtimestamp(event.created, UTC),
                            object=event.data.object.to_dict())


def payment_label(numbers: list[str]) -> str:
    """The label of a card payment, as the customer and the ledger read it."""
    return f"Paiement par carte {', '.join(numbers)}".strip()


def _metadata(account_number: str, numbers: list[str], **more: str) -> dict[str, str]:
    metadata = {"billing_account": account_number}
    if numbers:
        metadata["invoices"] = ",".join(numbers)[:METADATA_MAX]
    metadata.update({key: value for key, value in more.items() if value})
    return metadata


def object_id(value: Any) -> str | None:
    """An expandable field: an id, or the object itself (the SDK's, or a dict in an event)."""
    return value if isinstance(value, str) or value is None else value["id"]


class _Declined(Exception):
    def __init__(self, message: str, payment_intent: str):
        self.message = message
        self.payment_intent = payment_intent


@contextmanager
def _calling(what: str) -> Iterator[None]:
    """Stripe's errors as telcobill's: a decline with its message (and the payment it left), any
    other failure as the provider being unavailable for this request."""
    try:
        yield
    except stripe.CardError as exc:
        raise _Declined(exc.user_message or "carte refusée", object_id(exc.error.payment_intent) or "") from None
    except stripe.StripeError as exc:
        raise ProviderFailure(f"Stripe: {what} failed: {exc.user_message or type(exc).__name__}") from None


# --- The configured provider -------------------------------------------------------------------

def provider() -> CardProvider:
    """The provider of `PAYMENTS["card_provider"]`, or NotAllowed saying what to configure."""
    config = settings.PAYMENTS
    name = config.get("card_provider", "")
    if name == "stripe" and config.get("stripe_secret_key"):
        return _stripe(config["stripe_secret_key"], config.get("stripe_webhook_secret", ""),
                       config.get("stripe_api_base", ""))
    if name and name != "stripe":
        raise NotAllowed(f"card payments are not configured: TELCOBILL_CARD_PROVIDER={name!r} is not a known "
                         "provider (use 'stripe')", code="cards_not_configured")
    raise NotAllowed("card payments are not configured: set TELCOBILL_STRIPE_SECRET_KEY (and "
                     "TELCOBILL_STRIPE_WEBHOOK_SECRET for the webhook)", code="cards_not_configured")


def cards_available() -> bool:
    """Whether pages may offer card payment (otherwise: « le paiement par carte n'est pas disponible »)."""
    try:
        provider()
    except NotAllowed:
        return False
    return True


@functools.lru_cache(maxsize=4)
def _stripe(secret_key: str, webhook_secret: str, api_base: str) -> StripeProvider:
    """One client per configuration: its HTTP session (and connections) are reused."""
    return StripeProvider(secret_key, webhook_secret, api_base=api_base)
