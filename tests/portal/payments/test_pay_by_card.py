"""Payer par carte: a rejected debit or the overdue amount confirmed, then the provider's page
(the real Stripe SDK against a loopback API), the signed webhook, and the invoice paid in the
timeline; without cards configured, the transfer details instead. An accountant may pay, a line
user may not, a stranger's identifiers answer 404."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from telcobill.billing.models import Invoice
from telcobill.customers.models import Role
from telcobill.payments.models import CardPayment, CardPaymentStatus, EntryKind, LedgerEntry, Method
from telcobill.payments.services import ledger
from tests.payments.test_cards import PUBLIC, checkout_completed, deliver, session_answer
from tests.portal.personas import person

from .story import text


def card_url(account, number=None):
    return reverse("portal:pay_by_card", args=[account.number]) + (f"?facture={number}" if number else "")


def test_a_rejected_debit_is_paid_by_card_and_shows_paid(rejected, lea, signed_in, cards, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    account, invoice = rejected
    client = signed_in(lea)
    confirm = client.get(card_url(account, invoice.number))
    assert [(i.number, left) for i, left in confirm.context["rows"]] == [(invoice.number, Decimal("10.99"))]
    page = text(confirm)
    assert "Total à payer" in page and "Payer 10,99 € par carte" in page

    cards.answer("POST", "/v1/checkout/sessions", session_answer("cs_test_lea"))
    response = client.post(card_url(account), {"facture": invoice.number})
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_test_lea"
    payment = CardPayment.objects.get()
    assert (payment.amount, list(payment.invoices.all()), payment.created_by, payment.status) == (
        Decimal("10.99"), [invoice], lea, CardPaymentStatus.OPEN)
    form = cards.only("/v1/checkout/sessions")["form"]
    assert (form["line_items[0][price_data][unit_amount]"], form["success_url"], form["cancel_url"]) == (
        "1099", f"{PUBLIC}/factures/?carte=payee", f"{PUBLIC}/factures/?carte=abandon")

    assert deliver(client, checkout_completed(payment, 1099, intent="pi_lea")).status_code == 200
    assert ledger.open_amount(invoice) == Decimal("0.00")
    back = text(client.get(reverse("portal:invoices"), {"carte": "payee"}))
    assert "Merci : votre paiement par carte est accepté." in back
    timeline = client.get(reverse("portal:payments"))
    assert [(m.kind, m.amount, m.settles, m.left) for m, _ in timeline.context["rows"]] == [
        ("card_paid", Decimal("10.99"), ((invoice.number, True),), Decimal("0.00")),
        ("debit_rejected", Decimal("10.99"), (), Decimal("0.00"))]
    page = text(timeline)
    assert f"Facture {invoice.number} : payée" in page and "Régularisé" in page
    assert "Payer par carte" not in page


def test_the_overdue_amount_of_the_account_is_paid_at_once(family, holder, signed_in, cards, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    account, _ = family
    client = signed_in(holder)
    confirm = client.get(card_url(account))
    assert [left for _, left in confirm.context["rows"]] == [Decimal("10.99")] * 3
    assert confirm.context["total"] == Decimal("32.97")
    cards.answer("POST", "/v1/checkout/sessions", session_answer("cs_test_all"))
    assert client.post(card_url(account))["Location"] == "https://checkout.stripe.com/c/pay/cs_test_all"
    payment = CardPayment.objects.get()
    assert (payment.amount, payment.invoices.count()) == (Decimal("32.97"), 3)

    deliver(client, checkout_completed(payment, 3297, intent="pi_all"))
    [entry] = LedgerEntry.objects.filter(kind=EntryKind.PAYMENT)
    assert (entry.amount, entry.method) == (Decimal("-32.97"), Method.CARD)
    assert ledger.balance(account).balance == Decimal("0.00")


def test_an_instalment_of_the_plan_is_paid_by_card(family, holder, signed_in, cards, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    account, _ = family
    client = signed_in(holder)
    client.post(reverse("portal:payment_plan", args=[account.number]), {"fois": "2"})
    assert client.get(card_url(account)).context["rows"] == []  # nothing overdue any more: the plan waits
    url = reverse("portal:pay_by_card", args=[account.number]) + "?echeance=1"
    confirm = client.get(url)
    assert (confirm.context["total"], len(confirm.context["rows"])) == (Decimal("16.49"), 3)
    assert "Mensualité 1 sur 2 de votre échéancier, à payer avant le 5 déc. 2026." in text(confirm)
    cards.answer("POST", "/v1/checkout/sessions", session_answer("cs_test_first"))
    assert client.post(url, {"echeance": "1"})["Location"].endswith("cs_test_first")
    payment = CardPayment.objects.get()
    assert (payment.amount, payment.invoices.count()) == (Decimal("16.49"), 3)
    deliver(client, checkout_completed(payment, 1649, intent="pi_first"))
    timeline = client.get(reverse("portal:payments"))
    assert [(m.number, m.status) for m, _ in timeline.context["rows"] if m.kind == "instalment"] == [
        (2, "due"), (1, "paid")]
    assert client.get(reverse("portal:pay_by_card", args=[account.number]) + "?echeance=9").status_code == 404


def test_without_cards_the_page_gives_the_transfer_details(family, holder, signed_in, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    account, _ = family
    client = signed_in(holder)
    page = text(client.get(card_url(account)))
    numbers = ", ".join(Invoice.objects.filter(billing_account=account).order_by("issue_date")
                        .values_list("number", flat=True))
    assert "Le paiement par carte n'est pas disponible pour le moment." in page
    assert "Virez 32,97 € sur notre compte" in page
    assert "<dd>FR76 3000 6000 0112 3456 7890 189</dd>" in page and f"<dd>{numbers}</dd>" in page
    assert client.post(card_url(account)).status_code == 200
    assert not CardPayment.objects.exists()


def test_the_providers_refusal_is_said_and_nothing_is_charged(family, holder, signed_in, cards, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    cards.answer("POST", "/v1/checkout/sessions", {"error": {"type": "invalid_request_error",
                                                             "message": "No such price"}}, status=400)
    response = signed_in(holder).post(card_url(family[0]))
    assert response.context["failure"] == ("La page de paiement n'a pas pu s'ouvrir. Réessayez dans quelques minutes, "
                                           "ou payez par virement.")
    assert CardPayment.objects.get().status == CardPaymentStatus.FAILED


def test_an_invoice_with_nothing_left_has_nothing_to_pay(family, holder, signed_in, cards, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    account, _ = family
    september = Invoice.objects.filter(billing_account=account).order_by("issue_date").first()
    ledger.record_payment(account, amount=september.total_gross, on=date(2026, 9, 10), method=Method.TRANSFER,
                          reference="VIR-1", label="Virement", invoices=[september.pk])
    client = signed_in(holder)
    page = text(client.get(card_url(account, september.number)))
    assert f"La facture {september.number} n'a rien à régler par carte pour le moment" in page
    assert client.post(card_url(account), {"facture": september.number}).status_code == 200
    assert not CardPayment.objects.exists()


def test_an_accountant_may_pay_a_line_user_may_not(family, signed_in, cards, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    account, line = family
    accountant = person("compta.martin@example.org", account.customer, Role.ACCOUNTANT)
    cards.answer("POST", "/v1/checkout/sessions", session_answer("cs_test_compta"))
    assert signed_in(accountant).post(card_url(account))["Location"].endswith("cs_test_compta")
    assert CardPayment.objects.get().created_by == accountant
    user = person("leo.martin@example.org", account.customer, Role.LINE_USER, line=line)
    client = signed_in(user)
    assert client.get(card_url(account)).status_code == 403
    assert client.post(card_url(account)).status_code == 403


def test_a_stranger_gets_404_with_another_customers_account_or_invoice(family, stranger, signed_in, cards):
    account, _ = family
    mine = Invoice.objects.filter(billing_account=account).first()
    own = stranger.accesses.get().customer.billing_accounts.get()
    client = signed_in(stranger)
    assert client.get(card_url(account)).status_code == 404
    assert client.post(card_url(account)).status_code == 404
    assert client.get(card_url(own, mine.number)).status_code == 404
    assert client.post(card_url(own), {"facture": mine.number}).status_code == 404
    assert not CardPayment.objects.exists()
