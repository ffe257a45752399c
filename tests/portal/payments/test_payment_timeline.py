"""Mes paiements: what is left to pay (or the credit in the customer's favour) and every payment
moment of their accounts, newest first; a rejected debit offers « Payer par carte »; never a
stranger's; an accountant reads it, a line user does not."""

from datetime import date
from decimal import Decimal

from django.urls import reverse

from telcobill.billing.models import Invoice
from telcobill.customers.models import Role
from telcobill.payments.models import Method
from telcobill.payments.services import ledger
from telcobill.workflows.credit_note import credit_invoice
from tests.portal.payments.story import text
from tests.portal.personas import person

URL = reverse("portal:payments")


def kinds(response):
    return [(m.kind, m.on, m.amount, m.left) for m, _ in response.context["rows"]]


def test_the_holder_sees_what_is_left_and_every_payment_newest_first(family, holder, signed_in, time_machine):
    account, _ = family
    september, october, november = Invoice.objects.filter(billing_account=account).order_by("issue_date")
    ledger.record_payment(account, amount=Decimal("10.99"), on=date(2026, 9, 14), method=Method.TRANSFER,
                          reference="VIR-1", label="Virement", invoices=[september.pk])
    time_machine.move_to("2026-11-28 10:00+01:00")
    note = credit_invoice(october.number, reason="Geste commercial", amount_incl_vat=Decimal("5.00"))

    response = signed_in(holder).get(URL)
    assert response.status_code == 200
    assert (response.context["owed"], response.context["credit"], response.context["overdue_total"]) == (
        Decimal("16.98"), Decimal("0.00"), Decimal("16.98"))
    assert kinds(response) == [
        ("credit_note", date(2026, 11, 28), Decimal("5.00"), Decimal("0.00")),
        ("late", date(2026, 11, 16), Decimal("10.99"), Decimal("10.99")),
        ("late", date(2026, 10, 16), Decimal("10.99"), Decimal("5.99")),
        ("transfer_received", date(2026, 9, 14), Decimal("10.99"), Decimal("0.00")),
    ]
    page = text(response)
    assert "Reste à payer" in page and '<p class="big">16,98 €</p>' in page
    assert "Dont 16,98 € en retard" in page
    assert f'href="/paiement/carte/{account.number}/">Payer 16,98 € par carte</a>' in page
    assert f"Avoir {note.number}" in page and f"Sur la facture {october.number}" in page
    assert "En retard : 5,99 € à régler" in page
    assert f"Facture {september.number} : payée" in page
    assert f'href="/paiement/carte/{account.number}/?facture={november.number}"' in page
    assert "<strong>Virement</strong> — à faire à chaque facture" in page


def test_a_credit_is_shown_in_the_customers_favour(family, holder, signed_in, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    ledger.record_payment(family[0], amount=Decimal("40.00"), on=date(2026, 11, 20), method=Method.TRANSFER,
                          reference="VIR-2", label="Virement")
    response = signed_in(holder).get(URL)
    assert (response.context["owed"], response.context["credit"]) == (Decimal("0.00"), Decimal("7.03"))
    page = text(response)
    assert "Crédit en votre faveur : 7,03 €" in page and "Vous êtes à jour de vos paiements." in page
    assert "par carte" not in page


def test_a_rejected_debit_says_why_and_offers_to_pay_by_card(rejected, lea, signed_in, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    account, invoice = rejected
    response = signed_in(lea).get(URL)
    [(moment, reason)] = response.context["rows"]
    assert (moment.kind, moment.on, moment.amount, moment.left, moment.payable, reason) == (
        "debit_rejected", date(2026, 11, 18), Decimal("10.99"), Decimal("10.99"), True, "compte clôturé")
    page = text(response)
    assert "Prélèvement rejeté" in page and "Motif : compte clôturé" in page and "À régler : 10,99 €" in page
    assert f'href="/paiement/carte/{account.number}/?facture={invoice.number}">Payer par carte' in page
    assert "Prélèvement automatique arrêté" in page


def test_a_stranger_sees_only_their_own_payments(family, stranger, signed_in, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    response = signed_in(stranger).get(URL)
    garage = Invoice.objects.get(billing_account__customer__name="Garage Moreau SARL")
    assert [(m.invoice, m.kind) for m, _ in response.context["rows"]] == [(garage, "due")]
    assert (response.context["owed"], garage.total_gross, garage.total_net) == (
        Decimal("10.99"), Decimal("10.99"), Decimal("9.16"))
    assert "À payer avant le 1 déc. 2026 · 9,16 € HT" in text(response)  # a business reads excl. VAT too
    assert family[0].number not in text(response)


def test_an_accountant_reads_it_and_may_pay_a_line_user_may_not(family, signed_in, time_machine):
    time_machine.move_to("2026-11-28 10:00+01:00")
    account, line = family
    accountant = person("compta.martin@example.org", account.customer, Role.ACCOUNTANT)
    response = signed_in(accountant).get(URL)
    assert response.status_code == 200
    page = text(response)
    assert "Payer 32,97 € par carte" in page
    assert "Gérer mon mode de paiement" not in page and reverse("portal:payment_method") not in page
    user = person("leo.martin@example.org", account.customer, Role.LINE_USER, line=line)
    assert signed_in(user).get(URL).status_code == 403
