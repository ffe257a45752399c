"""Card payments through Stripe, with the real SDK and no network: the API calls go to a small
HTTP server on 127.0.0.1 that records what the SDK sent and answers as Stripe does, and the
webhooks are JSON signed here with Stripe's scheme (t=..., v1=HMAC-SHA256 of "t.payload")."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import socket
import threading
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

import pytest

from telcobill.billing.models import Invoice
from telcobill.customers.models import AuditEvent, PaymentMethod, Person
from telcobill.errors import Invalid, NotAllowed
from telcobill.payments.models import (
    CardPayment,
    CardPaymentStatus,
    Dispute,
    EntryKind,
    LedgerEntry,
    Method,
    ProviderEvent,
    SavedCard,
)
from telcobill.payments.services import ledger
from telcobill.payments.services.card_provider import ProviderFailure
from telcobill.payments.services.cards import (
    cards_available,
    charge_saved_card_for,
    handle_webhook,
    pay_invoices_by_card,
    refund_card_payment,
    save_card,
)
from telcobill.workflows.lines import activate_line
from tests.factories import make_individual

WEBHOOK_SECRET = "whsec_test_telcobill"
PUBLIC = "https://espace.example.org"
WEBHOOK = "/payments/stripe/webhook"
PAID_ON = datetime(2026, 12, 3, 9, 30, tzinfo=UTC)
_ids = itertools.count(1)


# --- A Stripe API on loopback ------------------------------------------------------------------

class FakeStripe:
    """Answers each (method, path) with the JSON the test gave, and keeps every request."""

    def __init__(self):
        self.requests: list[dict] = []
        self.answers: dict[tuple[str, str], tuple[int, dict]] = {}
        self.url = ""

    def answer(self, method: str, path: str, body: dict, status: int = 200) -> None:
        self.answers[(method, path)] = (status, body)

    def only(self, path: str) -> dict:
        [request] = [r for r in self.requests if r["path"] == path]
        return request


def _handler(api: FakeStripe):
    class Handler(BaseHTTPRequestHandler):
        def _serve(self):
            url = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            api.requests.append({"method": self.command, "path": url.path, "query": dict(parse_qsl(url.query)),
                                 "form": dict(parse_qsl(body)), "headers": dict(self.headers)})
            status, answer = api.answers.get((self.command, url.path), (404, {"error": {
                "type": "invalid_request_error", "message": f"Unrecognized request URL ({url.path})"}}))
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", f"req_{next(_ids)}")
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, *args):
            pass

    return Handler


@pytest.fixture
def stripe_api():
    api = FakeStripe()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(api))
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield api
    server.shutdown()
    server.server_close()


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Any connection beyond loopback fails the test: nothing here may reach api.stripe.com."""
    connect = socket.socket.connect

    def loopback_only(sock, address):
        if isinstance(address, tuple) and address[0] not in ("127.0.0.1", "::1", "localhost"):
            raise AssertionError(f"a test tried to reach {address}")
        return connect(sock, address)

    monkeypatch.setattr(socket.socket, "connect", loopback_only)


@pytest.fixture
def cards(settings, stripe_api):
    settings.PAYMENTS = {**settings.PAYMENTS, "card_provider": "stripe", "stripe_secret_key": "sk_test_telcobill",
                         "stripe_webhook_secret": WEBHOOK_SECRET, "stripe_api_base": stripe_api.url,
                         "public_url": PUBLIC}
    return stripe_api


@pytest.fixture
def account(catalogue, bill):
    """A customer paying by card with two invoices of 10.99 (November, then December)."""
    account = make_individual(payment_method=PaymentMethod.CARD)
    activate_line(account=account, msisdn="0612345678", plan_code="PLAN-S", on=date(2026, 11, 1), sim_fee=None)
    bill("2026-11")
    bill("2026-12")
    return account


def invoices(account) -> list[Invoice]:
    return list(Invoice.objects.filter(billing_account=account).order_by("issue_date"))


def open_amounts(account) -> list[Decimal]:
    found = ledger.open_amounts([i.pk for i in invoices(account)])
    return [found[i.pk] for i in invoices(account)]


# --- Signed webhooks ---------------------------------------------------------------------------

def signed(event: dict, *, secret: str = WEBHOOK_SECRET, at: float | None = None) -> tuple[bytes, str]:
    payload = json.dumps(event)
    timestamp = int(at if at is not None else time.time())
    signature = hmac.new(secret.encode(), f"{timestamp}.{payload}".encode(), hashlib.sha256).hexdigest()
    return payload.encode(), f"t={timestamp},v1={signature}"


def event(kind: str, obj: dict, *, event_id: str | None = None) -> dict:
    return {"id": event_id or f"evt_{next(_ids)}", "object": "event", "type": kind, "api_version": "2026-01-28",
            "created": int(PAID_ON.timestamp()), "livemode": False, "data": {"object": obj}}


def deliver(client, body: dict, **signing):
    payload, signature = signed(body, **signing)
    return client.post(WEBHOOK, data=payload, content_type="application/json",
                       headers={"Stripe-Signature": signature})


def checkout_completed(payment: CardPayment, cents: int, intent: str = "pi_checkout_1") -> dict:
    return event("checkout.session.completed", {
        "id": payment.provider_ref, "object": "checkout.session", "mode": "payment", "status": "complete",
        "payment_status": "paid", "amount_total": cents, "currency": "eur", "payment_intent": intent,
        "metadata": {"billing_account": payment.billing_account.number}})


def session_answer(session_id: str, mode: str = "payment") -> dict:
    return {"id": session_id, "object": "checkout.session", "mode": mode, "status": "open", "payment_intent": None,
            "url": f"https://checkout.stripe.com/c/pay/{session_id}"}


def open_checkout(api: FakeStripe, account, session_id: str = "cs_test_1", **kwargs) -> CardPayment:
    api.answer("POST", "/v1/checkout/sessions", session_answer(session_id))
    return pay_invoices_by_card(account, **kwargs)


# --- Paying invoices on the hosted page --------------------------------------------------------

def test_paying_by_card_opens_a_page_for_what_the_invoices_still_owe_in_cents(cards, account):
    first, second = invoices(account)
    payment = open_checkout(cards, account)

    request = cards.only("/v1/checkout/sessions")
    assert request["headers"]["Authorization"] == "Bearer sk_test_telcobill"
    assert request["headers"]["Idempotency-Key"].startswith("telcobill-pending-")
    assert request["form"] == {
        "mode": "payment",
        "payment_method_types[0]": "card",
        "line_items[0][quantity]": "1",
        "line_items[0][price_data][currency]": "eur",
        "line_items[0][price_data][unit_amount]": "2198",
        "line_items[0][price_data][product_data][name]": f"Paiement par carte {first.number}, {second.number}",
        "success_url": f"{PUBLIC}/factures/?carte=payee",
        "cancel_url": f"{PUBLIC}/factures/?carte=abandon",
        "client_reference_id": account.number,
        "locale": "fr",
        "customer_email": account.email,
        "metadata[billing_account]": account.number,
        "metadata[invoices]": f"{first.number},{second.number}",
        "metadata[card_payment]": str(payment.pk),
        "payment_intent_data[description]": f"Paiement par carte {first.number}, {second.number}",
        "payment_intent_data[metadata][billing_account]": account.number,
        "payment_intent_data[metadata][invoices]": f"{first.number},{second.number}",
        "payment_intent_data[metadata][card_payment]": str(payment.pk),
    }
    assert (payment.provider_ref, payment.url, payment.amount, payment.status, payment.provider) == (
        "cs_test_1", "https://checkout.stripe.com/c/pay/cs_test_1", Decimal("21.98"), CardPaymentStatus.OPEN,
        "stripe")
    assert list(payment.invoices.order_by("issue_date")) == [first, second]


def test_a_second_click_gets_the_same_page_not_a_second_payment(cards, account):
    payment = open_checkout(cards, account)
    assert pay_invoices_by_card(account) == payment
    assert len(cards.requests) == 1
    assert CardPayment.objects.count() == 1


def test_a_completed_checkout_pays_the_invoices_once_and_a_replay_changes_nothing(cards, account, client):
    payment = open_checkout(cards, account)
    completed = checkout_completed(payment, 2198)

    response = deliver(client, completed)
    assert (response.status_code, response.content.decode()) == (
        200, f"paid 21.98 EUR by card (pi_checkout_1): {', '.join(i.number for i in invoices(account))}")
    again = deliver(client, completed)
    assert (again.status_code, again.content.decode()) == (200, "already applied")
    # Stripe also says it with the payment intent: the same payment, recorded once.
    intent = event("payment_intent.succeeded", {"id": "pi_checkout_1", "object": "payment_intent",
                                                "status": "succeeded", "amount_received": 2198})
    assert deliver(client, intent).content.decode() == "already paid: cs_test_1"

    payment.refresh_from_db()
    assert (payment.status, payment.payment_intent, payment.paid_at) == (
        CardPaymentStatus.PAID, "pi_checkout_1", PAID_ON)
    [entry] = LedgerEntry.objects.filter(kind=EntryKind.PAYMENT)
    assert (entry.amount, entry.method, entry.reference, entry.on) == (
        Decimal("-21.98"), Method.CARD, "pi_checkout_1", date(2026, 12, 3))
    assert open_amounts(account) == [Decimal("0.00"), Decimal("0.00")]
    assert ProviderEvent.objects.count() == 2


def test_the_payment_intent_may_say_it_first(cards, account):
    payment = open_checkout(cards, account)
    intent = event("payment_intent.succeeded", {
        "id": "pi_early", "object": "payment_intent", "status": "succeeded", "amount_received": 2198,
        "metadata": {"billing_account": account.number, "card_payment": str(payment.pk)}})
    assert handle_webhook(*signed(intent)).startswith("paid 21.98 EUR by card (pi_early)")
    assert handle_webhook(*signed(checkout_completed(payment, 2198, "pi_early"))) == "already paid: cs_test_1"
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1


def test_a_part_of_what_is_owed_settles_the_oldest_invoice_first(cards, account):
    payment = open_checkout(cards, account, amount=Decimal("15.00"))
    assert cards.only("/v1/checkout/sessions")["form"]["line_items[0][price_data][unit_amount]"] == "1500"

    handle_webhook(*signed(checkout_completed(payment, 1500)))
    assert open_amounts(account) == [Decimal("0.00"), Decimal("6.98")]
    assert ledger.balance(account) == ledger.Balance(owed=Decimal("6.98"), credit=Decimal("0.00"))


def test_a_payment_larger_than_what_is_still_open_leaves_a_credit(cards, account):
    first, _ = invoices(account)
    payment = open_checkout(cards, account)  # 21.98, then a transfer pays the first invoice meanwhile
    ledger.record_payment(account, amount=Decimal("10.99"), on=date(2026, 12, 2), method=Method.TRANSFER,
                          reference="VIR-1", label="Virement", invoices=[first.pk])

    handle_webhook(*signed(checkout_completed(payment, 2198)))
    assert open_amounts(account) == [Decimal("0.00"), Decimal("0.00")]
    assert ledger.balance(account) == ledger.Balance(owed=Decimal("0.00"), credit=Decimal("10.99"))


def test_an_amount_beyond_what_is_owed_or_nothing_to_pay_is_refused(cards, account):
    with pytest.raises(Invalid, match=r"Montant de 21.99 € : entre 0,01 € et 21.98 €"):
        pay_invoices_by_card(account, amount=Decimal("21.99"))
    first, second = invoices(account)
    ledger.record_payment(account, amount=Decimal("21.98"), on=date(2026, 12, 2), method=Method.TRANSFER,
                          reference="VIR-2", label="Virement", invoices=[first.pk, second.pk])
    with pytest.raises(Invalid, match="Aucune facture à régler : tout est payé."):
        pay_invoices_by_card(account)
    assert (CardPayment.objects.count(), cards.requests) == (0, [])


def test_an_expired_page_is_expired_and_pays_nothing(cards, account):
    payment = open_checkout(cards, account)
    expired = event("checkout.session.expired", {"id": "cs_test_1", "object": "checkout.session",
                                                 "mode": "payment", "status": "expired", "payment_status": "unpaid"})
    assert handle_webhook(*signed(expired)) == "expired: checkout cs_test_1"
    payment.refresh_from_db()
    assert payment.status == CardPaymentStatus.EXPIRED
    assert open_amounts(account) == [Decimal("10.99"), Decimal("10.99")]
    assert not LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).exists()


def test_a_provider_that_refuses_the_request_leaves_a_failed_payment_and_says_why(cards, account):
    cards.answer("POST", "/v1/checkout/sessions", {"error": {
        "type": "invalid_request_error", "message": "Invalid API Key provided: sk_test_****bill"}}, status=401)
    with pytest.raises(ProviderFailure, match="Stripe: creating the payment page failed: Invalid API Key"):
        pay_invoices_by_card(account)
    payment = CardPayment.objects.get()
    assert (payment.status, payment.failure) == (
        CardPaymentStatus.FAILED, "Stripe: creating the payment page failed: Invalid API Key provided: "
                                  "sk_test_****bill")


# --- Chargebacks -------------------------------------------------------------------------------

def test_a_chargeback_reopens_the_invoices_and_opens_a_dispute_on_the_first(cards, account, client):
    first, _ = invoices(account)
    payment = open_checkout(cards, account)
    handle_webhook(*signed(checkout_completed(payment, 2198)))
    dispute = event("charge.dispute.created", {"id": "dp_1", "object": "dispute", "amount": 2198,
                                               "charge": "ch_1", "payment_intent": "pi_checkout_1",
                                               "reason": "fraudulent", "status": "needs_response"})

    response = deliver(client, dispute)
    assert response.content.decode() == f"chargeback dp_1 (fraudulent): 21.98 EUR reversed, dispute opened on " \
                                        f"{first.number}"
    assert deliver(client, dispute).content.decode() == "already applied"

    [reversal] = LedgerEntry.objects.filter(kind=EntryKind.REVERSAL)
    assert (reversal.amount, reversal.reference, reversal.label) == (
        Decimal("21.98"), "dp_1", "Paiement par carte contesté (fraudulent)")
    assert open_amounts(account) == [Decimal("10.99"), Decimal("10.99")]
    [opened] = Dispute.objects.all()
    assert (opened.invoice, opened.opened_at, opened.reason_code, opened.description, opened.outcome) == (
        first, PAID_ON, "", "Paiement par carte contesté auprès de la banque (fraudulent, dp_1)", "")
    [audit] = AuditEvent.objects.filter(kind="payments.dispute_opened")
    assert (audit.actor, audit.summary) == (
        None, f"Contestation de {first.number} : Paiement par carte contesté auprès de la banque (fraudulent, dp_1)")


# --- Saving a card, charging it ----------------------------------------------------------------

def setup_completed(account, session_id: str, setup_intent: str) -> dict:
    return event("checkout.session.completed", {
        "id": session_id, "object": "checkout.session", "mode": "setup", "status": "complete",
        "payment_status": "no_payment_required", "setup_intent": setup_intent, "customer": "cus_1",
        "client_reference_id": account.number, "metadata": {"billing_account": account.number}})


def setup_intent_answer(setup_intent: str, method: str, last4: str) -> dict:
    return {"id": setup_intent, "object": "setup_intent", "status": "succeeded", "customer": "cus_1",
            "payment_method": {"id": method, "object": "payment_method", "type": "card", "customer": "cus_1",
                               "card": {"brand": "visa", "last4": last4, "exp_month": 4, "exp_year": 2028}}}


def test_saving_a_card_stores_it_once_completed_and_audits_it(cards, account):
    holder = Person.objects.create_user("camille@example.org", "x")
    cards.answer("POST", "/v1/checkout/sessions", session_answer("cs_setup_1", "setup"))
    assert save_card(account, by=holder) == "https://checkout.stripe.com/c/pay/cs_setup_1"
    assert cards.only("/v1/checkout/sessions")["form"] == {
        "mode": "setup",
        "currency": "eur",
        "payment_method_types[0]": "card",
        "success_url": f"{PUBLIC}/paiement/?carte=enregistree",
        "cancel_url": f"{PUBLIC}/paiement/?carte=abandon",
        "client_reference_id": account.number,
        "locale": "fr",
        "metadata[billing_account]": account.number,
        "metadata[requested_by]": str(holder.pk),
        "setup_intent_data[metadata][billing_account]": account.number,
        "setup_intent_data[metadata][requested_by]": str(holder.pk),
        "customer_creation": "always",
        "customer_email": account.email,
    }

    cards.answer("GET", "/v1/setup_intents/seti_1", setup_intent_answer("seti_1", "pm_1", "4242"))
    completed = setup_completed(account, "cs_setup_1", "seti_1")
    completed["data"]["object"]["metadata"]["requested_by"] = str(holder.pk)
    assert handle_webhook(*signed(completed)) == f"card saved: visa 4242 for {account.number}"
    assert cards.only("/v1/setup_intents/seti_1")["query"] == {"expand[0]": "payment_method"}
    card = SavedCard.objects.get()
    assert (card.billing_account, card.customer_ref, card.payment_method_ref, card.brand, card.last4, card.expires,
            card.active) == (account, "cus_1", "pm_1", "visa", "4242", "2028-04", True)
    audit = AuditEvent.objects.get(kind="payments.card_saved")
    assert (audit.actor, audit.customer, audit.summary) == (
        holder, account.customer, f"Carte visa •••• 4242 (expire 2028-04) enregistrée pour le compte {account.number}")


def test_a_new_card_replaces_the_previous_one_for_the_same_provider_customer(cards, account):
    SavedCard.objects.create(billing_account=account, provider="stripe", customer_ref="cus_1",
                             payment_method_ref="pm_old", brand="mastercard", last4="4444", expires="2027-01")
    cards.answer("POST", "/v1/checkout/sessions", session_answer("cs_setup_2", "setup"))
    save_card(account)
    form = cards.only("/v1/checkout/sessions")["form"]
    assert (form["customer"], "customer_creation" in form, "customer_email" in form) == ("cus_1", False, False)

    cards.answer("GET", "/v1/setup_intents/seti_2", setup_intent_answer("seti_2", "pm_new", "1881"))
    handle_webhook(*signed(setup_completed(account, "cs_setup_2", "seti_2")))
    assert sorted(SavedCard.objects.values_list("payment_method_ref", "active")) == [
        ("pm_new", True), ("pm_old", False)]


@pytest.fixture
def saved_card(account):
    return SavedCard.objects.create(billing_account=account, provider="stripe", customer_ref="cus_1",
                                    payment_method_ref="pm_1", brand="visa", last4="4242", expires="2028-04")


def intent_answer(intent: str, status: str, cents: int = 1099) -> dict:
    return {"id": intent, "object": "payment_intent", "status": status, "amount": cents, "currency": "eur"}


def test_a_new_invoice_is_charged_to_the_saved_card_off_session_once(cards, account, saved_card, client):
    first, _ = invoices(account)
    cards.answer("POST", "/v1/payment_intents", intent_answer("pi_auto_1", "succeeded"))

    payment = charge_saved_card_for(first)
    request = cards.only("/v1/payment_intents")
    assert request["headers"]["Idempotency-Key"] == f"telcobill-invoice-{first.number}-1"
    assert request["form"] == {
        "amount": "1099", "currency": "eur", "customer": "cus_1", "payment_method": "pm_1",
        "payment_method_types[0]": "card", "off_session": "true", "confirm": "true",
        "description": f"Paiement par carte {first.number}",
        "metadata[billing_account]": account.number, "metadata[invoices]": first.number}
    assert (payment.provider_ref, payment.payment_intent, payment.amount, payment.status) == (
        "pi_auto_1", "pi_auto_1", Decimal("10.99"), CardPaymentStatus.PAID)
    assert open_amounts(account) == [Decimal("0.00"), Decimal("10.99")]

    # The webhook says it too, and the invoice is not charged again.
    succeeded = event("payment_intent.succeeded", {"id": "pi_auto_1", "object": "payment_intent",
                                                   "status": "succeeded", "amount_received": 1099})
    assert deliver(client, succeeded).content.decode() == "already paid: pi_auto_1"
    assert charge_saved_card_for(first) is None  # nothing open any more
    assert len(cards.requests) == 1
    assert LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count() == 1


def test_a_declined_charge_is_a_failed_payment_with_the_banks_message(cards, account, saved_card):
    first, _ = invoices(account)
    cards.answer("POST", "/v1/payment_intents", {"error": {
        "type": "card_error", "code": "card_declined", "decline_code": "insufficient_funds",
        "message": "Your card has insufficient funds.",
        "payment_intent": {**intent_answer("pi_declined", "requires_payment_method")}}}, status=402)

    payment = charge_saved_card_for(first)
    assert (payment.provider_ref, payment.status, payment.failure) == (
        "pi_declined", CardPaymentStatus.FAILED, "Your card has insufficient funds.")
    assert open_amounts(account) == [Decimal("10.99"), Decimal("10.99")]
    # Charged again later (a new attempt, a new key).
    cards.answer("POST", "/v1/payment_intents", intent_answer("pi_retry", "processing"))
    assert charge_saved_card_for(first).status == CardPaymentStatus.OPEN
    assert cards.requests[-1]["headers"]["Idempotency-Key"] == f"telcobill-invoice-{first.number}-2"


def test_a_charge_that_fails_later_says_why(cards, account, saved_card):
    first, _ = invoices(account)
    cards.answer("POST", "/v1/payment_intents", intent_answer("pi_auto_2", "processing"))
    payment = charge_saved_card_for(first)
    failed = event("payment_intent.payment_failed", {
        "id": "pi_auto_2", "object": "payment_intent", "status": "requires_payment_method",
        "last_payment_error": {"type": "card_error", "code": "card_declined", "message": "Your card was declined."}})
    assert handle_webhook(*signed(failed)) == "failed: Your card was declined."
    payment.refresh_from_db()
    assert (payment.status, payment.failure) == (CardPaymentStatus.FAILED, "Your card was declined.")
    assert open_amounts(account) == [Decimal("10.99"), Decimal("10.99")]


def test_accounts_not_paying_by_card_or_without_a_saved_card_are_not_charged(cards, account):
    first, _ = invoices(account)
    assert charge_saved_card_for(first) is None  # no saved card
    SavedCard.objects.create(billing_account=account, provider="stripe", customer_ref="cus_1",
                             payment_method_ref="pm_1")
    account.payment_method = PaymentMethod.DIRECT_DEBIT
    account.save()
    assert charge_saved_card_for(Invoice.objects.get(pk=first.pk)) is None
    assert cards.requests == []


# --- Refunds -----------------------------------------------------------------------------------

def test_a_paid_card_payment_is_refunded_to_its_card_with_the_callers_key(cards, account):
    payment = open_checkout(cards, account)
    with pytest.raises(NotAllowed, match="cs_test_1 is open: only a paid card payment can be refunded"):
        refund_card_payment(payment, Decimal("5.50"), "telcobill-refund-R1")
    handle_webhook(*signed(checkout_completed(payment, 2198)))
    payment.refresh_from_db()
    cards.answer("POST", "/v1/refunds", {"id": "re_1", "object": "refund", "status": "succeeded", "amount": 550})

    assert refund_card_payment(payment, Decimal("5.50"), "telcobill-refund-R1") == "re_1"
    request = cards.only("/v1/refunds")
    assert (request["form"], request["headers"]["Idempotency-Key"]) == (
        {"payment_intent": "pi_checkout_1", "amount": "550"}, "telcobill-refund-R1")
    with pytest.raises(Invalid, match="refund of 21.99 €: the card payment was 21.98 €"):
        refund_card_payment(payment, Decimal("21.99"), "telcobill-refund-R2")


# --- The webhook's door ------------------------------------------------------------------------

def test_a_bad_signature_or_a_stale_one_is_refused_and_changes_nothing(cards, account, client):
    payment = open_checkout(cards, account)
    completed = checkout_completed(payment, 2198)

    forged = deliver(client, completed, secret="whsec_someone_else")
    assert (forged.status_code, forged.content.decode()) == (
        400, "Stripe webhook refused, its signature does not verify: No signatures found matching the expected "
             "signature for payload")
    stale_at = time.time() - 600  # Stripe's tolerance is 5 minutes
    stale = deliver(client, completed, at=stale_at)
    assert (stale.status_code, stale.content.decode()) == (
        400, f"Stripe webhook refused, its signature does not verify: Timestamp outside the tolerance zone "
             f"({int(stale_at)})")
    unsigned = client.post(WEBHOOK, data=json.dumps(completed), content_type="application/json")
    assert unsigned.status_code == 400
    assert client.get(WEBHOOK).status_code == 405

    assert (ProviderEvent.objects.count(), LedgerEntry.objects.filter(kind=EntryKind.PAYMENT).count()) == (0, 0)
    payment.refresh_from_db()
    assert payment.status == CardPaymentStatus.OPEN


def test_unknown_events_are_recorded_and_ignored(db, cards, client):
    response = deliver(client, event("customer.created", {"id": "cus_9", "object": "customer"}, event_id="evt_x"))
    assert (response.status_code, response.content.decode()) == (200, "ignored")
    assert list(ProviderEvent.objects.values_list("provider", "event_id", "type", "outcome")) == [
        ("stripe", "evt_x", "customer.created", "ignored")]


def test_without_configuration_cards_are_unavailable_and_the_webhook_answers_503(settings, account, client):
    settings.PAYMENTS = {**settings.PAYMENTS, "card_provider": "", "stripe_secret_key": ""}
    assert cards_available() is False
    with pytest.raises(NotAllowed, match="card payments are not configured: set TELCOBILL_STRIPE_SECRET_KEY"):
        pay_invoices_by_card(account)
    response = deliver(client, event("customer.created", {"id": "cus_9", "object": "customer"}))
    assert (response.status_code, response.content.decode()) == (
        503, "card payments are not configured: set TELCOBILL_STRIPE_SECRET_KEY (and "
             "TELCOBILL_STRIPE_WEBHOOK_SECRET for the webhook)")
    # A secret key without the webhook's signing secret: pages work, the webhook does not.
    settings.PAYMENTS = {**settings.PAYMENTS, "card_provider": "stripe", "stripe_secret_key": "sk_test_x",
                         "stripe_webhook_secret": ""}
    assert cards_available() is True
    response = deliver(client, event("customer.created", {"id": "cus_9", "object": "customer"}))
    assert response.status_code == 503
    assert "set TELCOBILL_STRIPE_WEBHOOK_SECRET" in response.content.decode()
    assert ProviderEvent.objects.count() == 0
