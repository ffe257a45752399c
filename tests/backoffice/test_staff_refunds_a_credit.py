"""Staff refund a billing account's credit from its page: at most the credit, by transfer to the
IBAN given (or the mandate's); the ledger records it at once."""

from datetime import date
from decimal import Decimal
from html import unescape

import pytest
from django.urls import reverse

from telcobill.payments.models import Method, Refund, RefundStatus
from telcobill.payments.services import ledger
from telcobill.payments.services.mandates import create_mandate
from tests.backoffice.recovery import invoices, late_payer, recovery_staff


@pytest.fixture
def overpaid(catalogue, bill):
    """November's 10,99 € paid twice by transfer: 10,99 € of credit."""
    account = late_payer(bill)
    [invoice] = invoices(account)
    for reference, day in (("VIR-1", 20), ("VIR-2", 27)):
        ledger.record_payment(account, amount=Decimal("10.99"), on=date(2026, 11, day), method=Method.TRANSFER,
                              reference=reference, label="Virement", invoices=[invoice.pk])
    return account


@pytest.fixture
def collector(client, db):
    person = recovery_staff()
    client.force_login(person)
    return person


def page(account):
    return reverse("backoffice:account_refund", args=[account.number])


def test_the_account_page_links_to_the_refund_and_the_page_shows_the_credit(client, collector, overpaid):
    account_page = client.get(reverse("admin:customers_billingaccount_change", args=[overpaid.pk])).content.decode()
    assert f'href="{page(overpaid)}"' in account_page and "Rembourser" in account_page
    html = unescape(client.get(page(overpaid)).content.decode())
    assert "10,99\u00a0€" in html and "crédit à rembourser au plus" in html
    assert "Le compte n'a pas de mandat : indiquez l'IBAN du RIB du client." in html


def test_staff_refund_the_credit_by_transfer_to_the_iban_given(client, collector, overpaid):
    response = client.post(page(overpaid), {"amount": "10,99", "method": "transfer", "reason": "Double paiement",
                                            "iban": "DE89 3704 0044 0532 0130 00", "holder": "Camille Martin"})

    done = Refund.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:payments_refund_change", args=[done.pk])
    assert (done.amount, done.method, done.status, done.iban, done.bic, done.holder, done.created_by) == (
        Decimal("10.99"), Method.TRANSFER, RefundStatus.PLANNED, "DE89370400440532013000", "COBADEFFXXX",
        "Camille Martin", collector)
    assert ledger.balance(overpaid) == ledger.Balance(owed=Decimal("0.00"), credit=Decimal("0.00"))
    followed = client.get(response["Location"]).content.decode()
    assert (f"Remboursement RB-{overpaid.number}-001 de 10,99\u00a0€ par virement sur DE89 •••• 3000 : il part avec "
            "la prochaine remise pain.001.") in followed


def test_a_refund_goes_to_the_mandate_iban_when_none_is_given(client, collector, overpaid):
    create_mandate(overpaid, iban="FR7630006000011234567890189", holder="Camille Martin", street="8 rue des Lilas",
                   postcode="69003", city="Lyon", channel="paper")
    assert "Vide : l'IBAN du mandat, FR76 •••• 0189." in unescape(client.get(page(overpaid)).content.decode())
    client.post(page(overpaid), {"amount": "4,00", "method": "transfer", "reason": "Geste", "iban": "", "holder": ""})
    assert Refund.objects.get().iban == "FR7630006000011234567890189"
    assert ledger.balance(overpaid) == ledger.Balance(owed=Decimal("0.00"), credit=Decimal("6.99"))


def test_more_than_the_credit_or_no_iban_is_refused_next_to_the_field(client, collector, overpaid):
    response = client.post(page(overpaid), {"amount": "11,00", "method": "transfer", "reason": "Double paiement",
                                            "iban": "", "holder": ""})
    html = unescape(response.content.decode())
    assert response.status_code == 400
    assert "Au plus le crédit du compte : 10,99\u00a0€." in html
    assert "Indiquez l'IBAN à créditer (le compte n'a pas de mandat)." in html
    assert not Refund.objects.exists()
    assert ledger.balance(overpaid).credit == Decimal("10.99")


def test_a_card_refund_without_a_card_payment_is_refused_by_the_use_case(client, collector, overpaid):
    response = client.post(page(overpaid), {"amount": "5,00", "method": "card", "reason": "Geste"})
    assert response.status_code == 400
    assert f"no card payment of account {overpaid.number} can take a refund of 5.00 €" in response.content.decode()
    assert not Refund.objects.exists()


def test_an_account_without_credit_has_nothing_to_refund(client, collector, catalogue, bill):
    account = late_payer(bill, name="Louis Garnier", msisdn="0698765432")
    html = unescape(client.get(page(account)).content.decode())
    assert "Aucun crédit sur ce compte : il n'y a rien à rembourser." in html and 'name="amount"' not in html
