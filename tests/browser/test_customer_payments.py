"""Paying, in a real browser: direct debit set up with the confirmation code sent by e-mail, and a
rejected debit paid by card through the provider adapter's test path (the real Stripe SDK against
a loopback API, whose checkout page the browser visits; the signed webhook then posted to the
server). Each page is saved at phone and desktop widths to $TELCOBILL_SCREENSHOTS (default: tmp)."""

import hashlib
import hmac
import json
import os
import threading
import time
import urllib.request
from decimal import Decimal
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import expect

from telcobill.customers.models import AuditEvent, PaymentMethod, Role
from telcobill.payments.models import CardPayment, Mandate
from tests.browser.conftest import sign_in
from tests.payments.test_cards import WEBHOOK_SECRET, FakeStripe, _handler, session_answer
from tests.portal.payments.story import NEW_IBAN, code_sent_to, rejected  # noqa: F401  (a fixture)
from tests.portal.personas import person

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@pytest.fixture
def shoot(tmp_path):
    shots = Path(os.environ.get("TELCOBILL_SCREENSHOTS", tmp_path))

    def shoot(page, name):
        for width, size in WIDTHS.items():
            page.set_viewport_size(size)
            page.screenshot(path=str(shots / f"portal-{name}-{width}.png"), full_page=True)
        page.set_viewport_size(WIDTHS["phone"])
        # A full-page capture draws the phone's fixed bottom bar over the middle of the page: the
        # end of the page, as the thumb reaches it, is saved too.
        page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
        page.screenshot(path=str(shots / f"portal-{name}-phone-end.png"))
        page.evaluate("window.scrollTo(0, 0)")

    return shoot


def phone_signed_in(browser, live_server, email):
    page = browser.new_context(locale="fr-FR", viewport=WIDTHS["phone"], accept_downloads=True).new_page()
    sign_in(page, live_server.url, email)
    return page


@pytest.fixture
def camille(transactional_db, family):
    return person("camille.martin@example.org", family[0].customer, Role.HOLDER)


def test_a_customer_sets_up_direct_debit_with_the_code_sent_by_email(browser, live_server, camille, family, shoot):
    account, _ = family
    page = phone_signed_in(browser, live_server, "camille.martin@example.org")
    navigation = page.get_by_role("navigation", name="Navigation principale")
    navigation.get_by_role("link", name="Factures et paiements").click()
    page.get_by_role("link", name="Mes paiements").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Mes paiements")
    shoot(page, "payments-timeline")
    # On the way, what paying in several times would be (not confirmed).
    page.get_by_role("link", name="Payer en plusieurs fois").click()
    shoot(page, "payment-plan-choices")
    page.get_by_role("button", name="Voir l'échéancier").click()
    expect(page.get_by_role("button", name="Confirmer l'échéancier")).to_be_visible()
    shoot(page, "payment-plan-schedule")
    page.get_by_role("link", name="← Mes paiements").click()

    page.get_by_role("link", name="Gérer mon mode de paiement").click()
    assert "FR76 3000 6000 0112 3456 7890 189" in page.inner_text("main")
    shoot(page, "payment-method-transfer")

    page.get_by_role("link", name="Passer au prélèvement").click()
    page.get_by_label("IBAN").fill("FR76 3000 4000 0312 3456 7890 144")
    page.get_by_label("J'autorise le prélèvement").check()
    page.get_by_role("button", name="Recevoir le code de confirmation").click()
    error = page.locator("#id_iban_error")
    assert error.inner_text().startswith("Cet IBAN comporte une erreur de saisie")
    assert page.get_by_label("IBAN").get_attribute("aria-invalid") == "true"
    shoot(page, "debit-form-error")

    page.get_by_label("IBAN").fill(NEW_IBAN)
    page.get_by_label("J'autorise le prélèvement").check()
    page.get_by_role("button", name="Recevoir le code de confirmation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirmez le nouveau compte")
    assert "c•••••@example.org" in page.inner_text("main")
    shoot(page, "debit-code")

    page.get_by_label("Code de confirmation").fill(code_sent_to("camille.martin@example.org"))
    page.get_by_role("button", name="Confirmer").click()
    mandate = Mandate.objects.get(billing_account=account)
    assert page.get_by_role("status").first.inner_text().startswith("C'est fait : vos prochaines factures")
    assert mandate.reference in page.inner_text("main")
    shoot(page, "payment-method-debit")
    account.refresh_from_db()
    assert (account.payment_method, mandate.iban) == (PaymentMethod.DIRECT_DEBIT, "FR7630004000031234567890143")
    assert AuditEvent.objects.filter(kind="payments.iban_confirmed", actor=camille).count() == 1

    with page.expect_download() as download:
        page.get_by_role("link", name="Télécharger le mandat (PDF)").click()
    assert download.value.suggested_filename == f"mandat-{mandate.reference}.pdf"
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF-")


# --- The provider on loopback: its API (tests/payments) and the checkout page the browser sees ---

CHECKOUT_PAGE = """<!doctype html><html lang="fr"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Paiement (test)</title>
<style>body{{font:16px system-ui;margin:0;background:#f6f9fc;color:#1a1f36}}main{{max-width:420px;margin:40px auto;
background:#fff;padding:24px;border-radius:8px}}a{{display:block;text-align:center;background:#635bff;color:#fff;
padding:14px;border-radius:6px;text-decoration:none;font-weight:700}}</style></head>
<body><main><p>Prestataire de paiement (test)</p><h1>{amount} €</h1><p>{label}</p>
<p>Carte 4242 4242 4242 4242</p><a href="{success}">Payer</a></main></body></html>"""


@pytest.fixture
def provider(settings, live_server):
    api = FakeStripe()

    class Provider(_handler(api)):
        def do_GET(self):
            if not self.path.startswith("/c/pay/"):
                return self._serve()
            form = [r for r in api.requests if r["path"] == "/v1/checkout/sessions"][-1]["form"]
            cents = int(form["line_items[0][price_data][unit_amount]"])
            body = CHECKOUT_PAGE.format(amount=f"{cents // 100},{cents % 100:02d}", success=form["success_url"],
                                        label=form["line_items[0][price_data][product_data][name]"]).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    api.url = f"http://127.0.0.1:{server.server_address[1]}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    settings.PAYMENTS = {**settings.PAYMENTS, "card_provider": "stripe", "stripe_secret_key": "sk_test_x",
                         "stripe_webhook_secret": WEBHOOK_SECRET, "stripe_api_base": api.url,
                         "public_url": live_server.url}
    yield api
    server.shutdown()
    server.server_close()


def post_webhook(live_server, event: dict) -> str:
    payload = json.dumps(event).encode()
    stamp = int(time.time())
    signature = hmac.new(WEBHOOK_SECRET.encode(), f"{stamp}.".encode() + payload, hashlib.sha256).hexdigest()
    request = urllib.request.Request(live_server.url + "/payments/stripe/webhook", data=payload, headers={
        "Content-Type": "application/json", "Stripe-Signature": f"t={stamp},v1={signature}"})
    with urllib.request.urlopen(request) as answer:
        return answer.read().decode()


@pytest.fixture
def lea(transactional_db, request):
    account, invoice = request.getfixturevalue("rejected")
    person("lea.girard@example.org", account.customer, Role.HOLDER)
    return account, invoice


def test_a_customer_pays_a_rejected_debit_by_card(browser, live_server, lea, provider, shoot):
    account, invoice = lea
    page = phone_signed_in(browser, live_server, "lea.girard@example.org")
    page.get_by_role("link", name="Régulariser").click()
    page.get_by_role("link", name="Suivre mes paiements").click()
    main = page.inner_text("main").replace("\u202f", " ").replace("\xa0", " ")
    assert "Prélèvement rejeté" in main and "Motif : compte clôturé" in main and "À régler : 10,99 €" in main
    shoot(page, "payments-rejected")

    page.get_by_role("link", name=f"Payer par carte {invoice.number}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Payer par carte")
    shoot(page, "pay-by-card")

    provider.answer("POST", "/v1/checkout/sessions", {
        **session_answer("cs_test_lea"), "url": f"{provider.url}/c/pay/cs_test_lea"})
    page.get_by_role("button", name="Payer 10,99 € par carte").click()
    assert page.url == f"{provider.url}/c/pay/cs_test_lea"
    assert page.get_by_role("heading", level=1).inner_text().replace("\xa0", " ") == "10,99 €"
    shoot(page, "provider-checkout")
    payment = CardPayment.objects.get()
    assert (payment.amount, list(payment.invoices.all())) == (Decimal("10.99"), [invoice])

    # The provider tells the server first (signed webhook), then sends the customer back.
    assert post_webhook(live_server, {
        "id": "evt_lea_1", "object": "event", "type": "checkout.session.completed", "api_version": "2026-01-28",
        "created": int(time.time()), "livemode": False, "data": {"object": {
            "id": "cs_test_lea", "object": "checkout.session", "mode": "payment", "status": "complete",
            "payment_status": "paid", "amount_total": 1099, "currency": "eur", "payment_intent": "pi_lea",
            "metadata": {"billing_account": account.number}}}}).startswith("paid 10.99 EUR by card")
    page.get_by_role("link", name="Payer").click()
    assert page.url == f"{live_server.url}/factures/?carte=payee"
    assert page.get_by_role("status").first.inner_text().startswith("Merci : votre paiement par carte est accepté.")
    expect(page.get_by_role("row").filter(has_text=invoice.number).get_by_text("Payée")).to_be_visible()
    shoot(page, "invoices-card-paid")

    page.get_by_role("link", name="Mes paiements").click()
    main = page.inner_text("main")
    assert "Paiement par carte" in main and f"Facture {invoice.number} : payée" in main and "Régularisé" in main
    shoot(page, "payments-card-paid")
    page.get_by_role("link", name="Gérer mon mode de paiement").click()
    assert "Votre prélèvement automatique est arrêté" in page.inner_text("main")
    shoot(page, "payment-method-stopped")
